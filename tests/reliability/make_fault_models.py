#!/usr/bin/env python3
"""Writes the PyTorch fault models that tests/models lacks into one repository, for
test_model_faults.py (run with the venv's python (.venv/bin/python), which has torch; ~3 s).

Usage: .venv/bin/python make_fault_models.py <repository dir>

  healthy        INPUT__0 FP32 [-1] -> OUTPUT__0 = INPUT__0 + 1        (must keep serving)
  truncated      a valid TorchScript archive cut to half its size          (load fails)
  corrupt        model.pt is text garbage                                  (load fails)
  empty_file     model.pt has zero bytes                                   (load fails)
  missing_file   1/ exists, no model.pt                                    (load fails)
  raises         forward raises RuntimeError when an input is negative
  wrong_dtype    config says FP32 output, forward returns float64
  scalar         forward returns a 0-dim tensor, config says [-1]
  wrong_count    config lists 2 outputs, forward returns 1 tensor
  not_tensor     forward returns a string list for an FP32 output
  hangs          batching, queue timeout 30 s that a request may shorten; forward spins
                 int(INPUT__0[0, 0]) loop iterations (a hang on demand: ~1 s per 100k),
                 otherwise INPUT__0 + 1
"""
import os
import sys
from typing import List

import torch


def config(name, max_batch_size=0, outputs=(("OUTPUT__0", "TYPE_FP32"),), extra=""):
    outs = ",\n".join(f'  {{ name: "{n}" data_type: {t} dims: [ -1 ] }}' for n, t in outputs)
    return (f'name: "{name}"\nbackend: "pytorch"\nmax_batch_size: {max_batch_size}\n'
            f'input [ {{ name: "INPUT__0" data_type: TYPE_FP32 dims: [ -1 ] }} ]\n'
            f'output [\n{outs}\n]\n{extra}')


def write(repo, name, cfg, module=None, raw=None):
    os.makedirs(os.path.join(repo, name, "1"), exist_ok=True)
    with open(os.path.join(repo, name, "config.pbtxt"), "w") as f:
        f.write(cfg)
    path = os.path.join(repo, name, "1", "model.pt")
    if module is not None:
        torch.jit.save(torch.jit.script(module), path)
    elif raw is not None:
        with open(path, "wb") as f:
            f.write(raw)


class AddOne(torch.nn.Module):
    def forward(self, x):
        return x + 1


class Raises(torch.nn.Module):
    def forward(self, x):
        if bool((x < 0).any()):
            raise RuntimeError("fault model: negative input")
        return x + 1


class WrongDtype(torch.nn.Module):
    def forward(self, x):
        return x.to(torch.float64)


class Scalar(torch.nn.Module):
    def forward(self, x):
        return x.sum()


class NotTensor(torch.nn.Module):
    def forward(self, x) -> List[str]:
        return ["a", "b"]


class Hangs(torch.nn.Module):
    def forward(self, x):
        n = int(x[0, 0].item())
        y = torch.zeros(1)
        for _ in range(n):
            y = y + 1
        return x + 1 + y * 0


def main(repo):
    write(repo, "healthy", config("healthy"), AddOne())
    write(repo, "raises", config("raises"), Raises())
    write(repo, "wrong_dtype", config("wrong_dtype"), WrongDtype())
    write(repo, "scalar", config("scalar"), Scalar())
    write(repo, "wrong_count", config("wrong_count", outputs=(("OUTPUT__0", "TYPE_FP32"),
                                                              ("OUTPUT__1", "TYPE_FP32"))),
          AddOne())
    write(repo, "not_tensor", config("not_tensor"), NotTensor())
    write(repo, "hangs", config("hangs", max_batch_size=4, extra=(
        "dynamic_batching { default_queue_policy { timeout_action: REJECT "
        "default_timeout_microseconds: 30000000 allow_timeout_override: true } }\n")), Hangs())
    write(repo, "corrupt", config("corrupt"), raw=b"this is not a TorchScript archive\n" * 10)
    write(repo, "empty_file", config("empty_file"), raw=b"")
    write(repo, "missing_file", config("missing_file"))
    good = os.path.join(repo, "healthy", "1", "model.pt")
    with open(good, "rb") as f:
        data = f.read()
    write(repo, "truncated", config("truncated"), raw=data[:len(data) // 2])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
