import os
import subprocess

import numpy as np
import pytest

DATA = os.environ.get("SEGKIT_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
CLI = os.environ.get("SEGKIT_CLI", os.path.join(os.path.dirname(__file__), "..", "..", "build",
                                               "segkit"))


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def data_path(*parts):
    return os.path.join(DATA, *parts)


def run_cli(*args, check=None):
    """Run the segkit tool; returns CompletedProcess (text)."""
    env = dict(os.environ)
    if "SEGKIT_CLI_ASAN_OPTIONS" in env:  # sanitizer build: check the tool for leaks too
        env["ASAN_OPTIONS"] = env["SEGKIT_CLI_ASAN_OPTIONS"]
        env.pop("LD_PRELOAD", None)
    p = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=600,
                       env=env)
    if check is not None:
        assert p.returncode == check, (p.returncode, p.stdout, p.stderr)
    return p


SAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "data")


def sample_path(name):
    """A bundled sample image from the repository's data/ folder."""
    return os.path.join(SAMPLES, name)
