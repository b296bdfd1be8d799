"""Checks the generated test models: each loads with torch.jit.load and answers as documented.

Why this exists: the backend, HTTP and gRPC tests trust the answers written in README.md;
if a model drifted from its documentation, they would fail for the wrong reason. This test
loads every generated model.pt from disk and runs the documented samples (the Sample lists
of cases_*.py modules that expose cases()). It also checks that README.md and cases_core.py
name the same models.

The repositories come from $TORCHD_TEST_MODELS (set by ctest to the test_models fixture's
output) or are generated into a temporary folder.
Run: .venv/bin/python -m pytest -q tests/models
"""

import importlib
import os
import re
import shutil
import subprocess
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate  # noqa: E402  (needs HERE on sys.path)
from modelrepo import Case  # noqa: E402


def all_cases():
    """Every Case of every cases_*.py module that exposes cases()."""
    found = []
    for name in generate.case_modules():
        module = importlib.import_module(name)
        if hasattr(module, "cases"):
            found.extend(module.cases())
    return found


CASES = all_cases()
MODEL_CONFIG_PROTO = os.path.join(HERE, "..", "config-corpus", "model_config.proto")


def protoc_encode(config_path: str) -> subprocess.CompletedProcess:
    """Runs config_path through protoc's text-format parser with Triton's model_config.proto
    (tests/config-corpus/, the config engineer's oracle): the exact parser Triton uses."""
    with open(config_path, "rb") as f:
        return subprocess.run(
            ["protoc", "--proto_path=" + os.path.dirname(MODEL_CONFIG_PROTO),
             "--encode=inference.ModelConfig", os.path.basename(MODEL_CONFIG_PROTO)],
            stdin=f, capture_output=True)


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory):
    given = os.environ.get("TORCHD_TEST_MODELS")
    if given:
        return given
    out = str(tmp_path_factory.mktemp("models"))
    assert generate.main(["--out", out]) == 0
    return out


def as_list(result):
    """forward's result as a list of outputs (a tuple is several, anything else is one)."""
    return list(result) if isinstance(result, tuple) else [result]


def assert_same(actual, expected, what):
    if isinstance(expected, torch.Tensor):
        assert isinstance(actual, torch.Tensor), f"{what}: expected a tensor, got {actual!r}"
        assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype} != {expected.dtype}"
        assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
        assert torch.equal(actual, expected), f"{what}: {actual} != {expected}"
    else:
        assert actual == expected, f"{what}: {actual!r} != {expected!r}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.repo}/{c.name}")
def test_model_files_and_samples(models_dir, case: Case):
    model_dir = os.path.join(models_dir, case.repo, case.name)
    with open(os.path.join(model_dir, "config.pbtxt")) as f:
        assert f'name: "{case.name}"' in f.read()
    for rel in case.files:
        assert os.path.isfile(os.path.join(model_dir, rel)), rel

    loaded = {}
    for version, content in case.versions.items():
        path = os.path.join(model_dir, str(version), "model.pt")
        if content is None:
            assert os.path.isdir(os.path.dirname(path)) and not os.path.exists(path)
        elif not case.loads:
            with pytest.raises(Exception):
                torch.jit.load(path)
        else:
            loaded[version] = torch.jit.load(path)

    for i, sample in enumerate(case.samples):
        module = loaded[sample.version]
        what = f"{case.name} v{sample.version} sample {i}"
        if sample.raises is not None:
            with pytest.raises(Exception, match=re.escape(sample.raises)):
                module(*sample.inputs)
            continue
        outputs = as_list(module(*sample.inputs))
        assert len(outputs) == len(sample.outputs), f"{what}: {len(outputs)} outputs"
        for k, (actual, expected) in enumerate(zip(outputs, sample.outputs)):
            assert_same(actual, expected, f"{what} output {k}")


@pytest.mark.skipif(shutil.which("protoc") is None or not os.path.exists(MODEL_CONFIG_PROTO),
                    reason="needs protoc and tests/config-corpus/model_config.proto")
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.repo}/{c.name}")
def test_config_is_valid_text_format(models_dir, case: Case):
    done = protoc_encode(os.path.join(models_dir, case.repo, case.name, "config.pbtxt"))
    assert done.returncode == 0, done.stderr.decode()


def test_every_documented_model_is_generated():
    """README.md tables (rows starting with a `model` cell) name exactly cases_core's models."""
    import cases_core

    with open(os.path.join(HERE, "README.md")) as f:
        documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", f.read(), re.MULTILINE))
    generated = {case.name for case in cases_core.cases()}
    assert documented == generated


def test_generation_is_skipped_when_up_to_date(tmp_path):
    """A second run with unchanged scripts finds the stamp and writes nothing."""
    out = str(tmp_path)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, ".stamp"), "w") as f:
        f.write(generate.scripts_hash() + "\n")
    assert generate.main(["--out", out]) == 0
    assert sorted(os.listdir(out)) == [".stamp"]
