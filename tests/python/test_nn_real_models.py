"""The two shipped real models (TF conversions) against stored ONNX Runtime outputs.

References: tests/data/nn/refs.npz, made once with ONNX Runtime 1.30 by
tests/data/nn/make_refs.py (its docstring has the command). Tolerance: 1e-4 of the
output scale (float32 summation order), argmax identical on >= 99.9% of pixels."""
import importlib.util
import os

import numpy as np
import pytest

import segkit

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "make_refs", os.path.join(HERE, "..", "data", "nn", "make_refs.py"))
refs_mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(refs_mod)
REFS = np.load(os.path.join(HERE, "..", "data", "nn", "refs.npz"))
ROOT = os.path.join(HERE, "..", "..")


@pytest.mark.parametrize("name", ["deeplab", "road"])
@pytest.mark.parametrize("optimized", [True, False])
def test_real_model_matches_onnxruntime(name, optimized):
    path, inp, shape, step = refs_mod.MODELS[name]
    m = segkit.Model(os.path.join(ROOT, path))
    segkit.set_use_optimized(optimized)
    try:
        y = list(m.run({inp: refs_mod.inputs_for(name)}).values())[0]
    finally:
        segkit.set_use_optimized(True)
    sub = REFS[name + "_sub"]
    got = y[:, ::step, ::step, :]
    scale = float(np.abs(sub).max())
    assert np.abs(got - sub).max() <= 1e-4 * scale
    agree = (y.argmax(-1).astype(np.uint8) == REFS[name + "_argmax"]).mean()
    assert agree >= 0.999, agree


def test_deeplab_sees_a_cat():
    path, inp, _, _ = refs_mod.MODELS["deeplab"]
    y = segkit.Model(os.path.join(ROOT, path)).run({inp: refs_mod.inputs_for("deeplab")})
    labels = list(y.values())[0][0].argmax(-1)
    counts = np.bincount(labels.ravel(), minlength=21)
    assert counts.argmax() == 8 and counts[8] > 0.5 * labels.size  # VOC class 8 = cat
