#!/usr/bin/env python3
"""Scripts the small TorchScript models test_torch_shim.c loads (run with .venv/bin/python).

Why it exists: the shim test checks LibTorch plumbing (schema kinds, argument passing,
output splitting, errors) without the core or the shared model repositories, so it makes
its own tiny models. Usage: make_shim_models.py <out_dir>
"""
import os
import sys
from typing import Dict, List, Optional

import torch


class Add(torch.nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return a + b


class TupleOut(torch.nn.Module):
    def forward(self, x: torch.Tensor):
        return x * 2, x.to(torch.int64)


class Upper(torch.nn.Module):
    def forward(self, s: List[str]) -> List[str]:
        return [t.upper() for t in s]


class DictIn(torch.nn.Module):
    def forward(self, d: Dict[str, torch.Tensor]) -> torch.Tensor:
        return d["A"] + 2 * d["B"]


class DictOut(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {"double": x * 2, "neg": -x}


class ListOut(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        return [x, x + 1]


class OptionalIn(torch.nn.Module):
    def forward(self, x: torch.Tensor, y: Optional[torch.Tensor] = None) -> torch.Tensor:
        if y is None:
            return x
        return x + y


class Methods(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x

    @torch.jit.export
    def predict(self, x: torch.Tensor) -> torch.Tensor:
        return x * 3


class Raises(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if bool((x < 0).any()):
            raise RuntimeError("shim: negative input")
        return x


class Scalar(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.sum()


class IntArg(torch.nn.Module):
    def forward(self, x: torch.Tensor, n: int) -> torch.Tensor:
        return x * n


class Conv(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 2, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.bn(self.conv(x)))


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    models = {
        "add": Add(), "tuple_out": TupleOut(), "upper": Upper(), "dict_in": DictIn(),
        "dict_out": DictOut(), "list_out": ListOut(), "optional_in": OptionalIn(),
        "methods": Methods(), "raises": Raises(), "scalar": Scalar(), "int_arg": IntArg(),
        "conv": Conv().eval(),
    }
    for name, module in models.items():
        torch.jit.script(module).save(os.path.join(out, name + ".pt"))
    with open(os.path.join(out, "corrupt.pt"), "wb") as f:
        f.write(b"this is not a TorchScript archive")


if __name__ == "__main__":
    main()
