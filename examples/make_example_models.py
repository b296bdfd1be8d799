#!/usr/bin/env python3
"""Generates the TorchScript files of the bundled example repository (examples/models/).

Why this exists: the example models are small enough to describe in a README and answer
questions a person can check by hand, but binary model files are not committed. The
configs and label files are committed beside them; this script writes only
`<dir>/<model>/1/model.pt` (and copies a missing config/label file from the committed
examples/models/ when <dir> is somewhere else). scripts/setup runs it as
`.venv/bin/python examples/make_example_models.py examples/models`.

Idempotent: a model file newer than this script is left alone (pass --force to rewrite).

Models:
  quadrant  2-D point -> probabilities of the 4 compass quadrants (fixed weights).
  add_sub   INPUT0, INPUT1 FP32 [16] -> OUTPUT0 = sum, OUTPUT1 = difference.
"""

import argparse
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COMMITTED_MODELS = os.path.join(HERE, "models")
MODEL_NAMES = ("quadrant", "add_sub")


def build_modules():
    """Returns {model name: scripted module}. Imports torch (slow), so call only when needed."""
    import torch

    class AddSub(torch.nn.Module):
        """The classic Triton example: element-wise sum and difference of two inputs."""

        def forward(self, INPUT0: torch.Tensor, INPUT1: torch.Tensor):
            return INPUT0 + INPUT1, INPUT0 - INPUT1

    class Quadrant(torch.nn.Module):
        """A linear classifier of 2-D points with fixed weights.

        Class k's score is the dot product of the point with the diagonal pointing into
        quadrant k (northeast, northwest, southwest, southeast), so the best class is the
        quadrant the point lies in; softmax turns the scores into probabilities.
        """

        def __init__(self):
            super().__init__()
            self.register_buffer("directions", torch.tensor(
                [[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]]))

        def forward(self, POINT: torch.Tensor) -> torch.Tensor:
            return torch.softmax(POINT @ self.directions.t(), dim=-1)

    return {"quadrant": torch.jit.script(Quadrant().eval()),
            "add_sub": torch.jit.script(AddSub().eval())}


def is_up_to_date(path: str) -> bool:
    """True when path exists and is newer than this script."""
    return (os.path.exists(path)
            and os.path.getmtime(path) >= os.path.getmtime(os.path.abspath(__file__)))


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", help="model repository to write into (e.g. examples/models)")
    parser.add_argument("--force", action="store_true", help="rewrite even if up to date")
    args = parser.parse_args(argv)

    targets = {name: os.path.join(args.dir, name, "1", "model.pt") for name in MODEL_NAMES}
    todo = [n for n, p in targets.items() if args.force or not is_up_to_date(p)]
    for name in MODEL_NAMES:  # configs and labels of a repository outside examples/models
        src_dir, dst_dir = os.path.join(COMMITTED_MODELS, name), os.path.join(args.dir, name)
        os.makedirs(dst_dir, exist_ok=True)
        if os.path.realpath(src_dir) == os.path.realpath(dst_dir):
            continue
        for entry in os.listdir(src_dir):
            src = os.path.join(src_dir, entry)
            if os.path.isfile(src) and not os.path.exists(os.path.join(dst_dir, entry)):
                shutil.copy(src, dst_dir)
    if not todo:
        print(f"make_example_models: {args.dir} is up to date")
        return 0

    import torch
    modules = build_modules()
    for name in todo:
        os.makedirs(os.path.dirname(targets[name]), exist_ok=True)
        tmp = targets[name] + ".tmp"
        torch.jit.save(modules[name], tmp)
        os.replace(tmp, targets[name])
        print(f"make_example_models: wrote {targets[name]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
