"""Checks the bundled example repository (examples/): the answers examples/README.md promises.

Why this exists: the README's quick start tells users what the example models answer; this
test generates the example model files into a temporary folder with
examples/make_example_models.py and checks those exact answers, plus the script's
idempotence.
Run: .venv/bin/python -m pytest -q tests/models/test_examples.py
"""

import os
import shutil
import subprocess
import sys

import pytest
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "examples", "make_example_models.py")
LABELS = ["northeast", "northwest", "southwest", "southeast"]


@pytest.fixture(scope="module")
def example_dir(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("examples"))
    subprocess.run([sys.executable, SCRIPT, out], check=True, capture_output=True)
    return out


def test_repository_layout(example_dir):
    for rel in ["quadrant/config.pbtxt", "quadrant/labels.txt", "quadrant/1/model.pt",
                "add_sub/config.pbtxt", "add_sub/1/model.pt"]:
        assert os.path.isfile(os.path.join(example_dir, rel)), rel
    with open(os.path.join(example_dir, "quadrant", "labels.txt")) as f:
        assert f.read().split() == LABELS


def test_quadrant_answers(example_dir):
    """The points and top answers quoted in examples/README.md."""
    model = torch.jit.load(os.path.join(example_dir, "quadrant", "1", "model.pt"))
    points = torch.tensor([[3.0, 1.0], [-2.0, 0.5], [-1.0, -1.5], [0.5, -4.0]])
    probabilities = model(points)
    assert probabilities.shape == (4, 4)
    assert torch.allclose(probabilities.sum(-1), torch.ones(4))
    assert [LABELS[i] for i in probabilities.argmax(-1)] == LABELS
    expected_first = torch.tensor([0.878620, 0.002178, 0.000295, 0.118907])
    assert torch.allclose(probabilities[0], expected_first, atol=1e-5)


def test_add_sub_answers(example_dir):
    model = torch.jit.load(os.path.join(example_dir, "add_sub", "1", "model.pt"))
    x = torch.arange(16, dtype=torch.float32)
    total, difference = model(x, torch.ones(16))
    assert torch.equal(total, x + 1) and torch.equal(difference, x - 1)


@pytest.mark.parametrize("model", ["quadrant", "add_sub"])
def test_committed_config_is_valid_text_format(model):
    from test_models import MODEL_CONFIG_PROTO, protoc_encode
    if shutil.which("protoc") is None or not os.path.exists(MODEL_CONFIG_PROTO):
        pytest.skip("needs protoc and tests/config-corpus/model_config.proto")
    done = protoc_encode(os.path.join(ROOT, "examples", "models", model, "config.pbtxt"))
    assert done.returncode == 0, done.stderr.decode()


def test_second_run_is_a_no_op(example_dir):
    path = os.path.join(example_dir, "quadrant", "1", "model.pt")
    before = os.path.getmtime(path)
    result = subprocess.run([sys.executable, SCRIPT, example_dir], check=True,
                            capture_output=True, text=True)
    assert "up to date" in result.stdout
    assert os.path.getmtime(path) == before
