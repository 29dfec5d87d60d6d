// node ref.js MODEL IN.bin SHAPE(comma) OUT.bin : runs ORT on a float32 input, writes the first output.
const ort = require('onnxruntime-node');
const fs = require('fs');
(async () => {
  const [model, inp, shape, out] = process.argv.slice(2);
  const s = await ort.InferenceSession.create(model, {intraOpNumThreads: 2});
  const buf = fs.readFileSync(inp);
  const x = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const dims = shape.split(',').map(Number);
  const r = await s.run({[s.inputNames[0]]: new ort.Tensor('float32', x, dims)});
  const y = r[s.outputNames[0]];
  fs.writeFileSync(out, Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength));
  console.log(s.outputNames[0], y.dims.join('x'));
})();
