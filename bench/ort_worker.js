// ONNX Runtime (onnxruntime-node) as the benchmark peer, in its own process:
//   node ort_worker.js MODEL.onnx SHAPE THREADS REPEAT  ->  JSON like nn_worker.py
const ort = require('onnxruntime-node');
const fs = require('fs');
function rssMiB() {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) / 1024 : 0;
}
function peakMiB() {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+)/);
  return m ? Number(m[1]) / 1024 : 0;
}
(async () => {
  const [model, shape, threads, repeat] = process.argv.slice(2);
  const dims = shape.split(',').map(Number);
  const x = new Float32Array(dims.reduce((a, b) => a * b, 1)).map(() => Math.random());
  const base = rssMiB();
  const s = await ort.InferenceSession.create(model, {intraOpNumThreads: Number(threads),
                                                      interOpNumThreads: 1});
  const feeds = {[s.inputNames[0]]: new ort.Tensor('float32', x, dims)};
  await s.run(feeds);
  const t = [];
  for (let i = 0; i < Number(repeat); i++) {
    const t0 = process.hrtime.bigint();
    await s.run(feeds);
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  console.log(JSON.stringify({ms: t[Math.floor(t.length / 2)], peak_mib: peakMiB(), base_mib: base}));
})();
