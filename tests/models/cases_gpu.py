"""GPU test models (owned by the GPU work): KIND_GPU, KIND_MODEL and their parameters.

Why this exists: tests/integration/pytorch/test_gpu.c needs models whose configs place
them on CUDA devices. They go into their own repository, <out_dir>/pytorch_gpu, which only
that test loads (it skips with a "no CUDA device" line where none is visible), so the
CPU-only repositories stay loadable everywhere. The files themselves are made on any
machine: scripting needs no GPU. No samples: test_models.py runs samples on the CPU.

| model | config | what it checks |
|---|---|---|
| gpu_where | KIND_GPU count 2, batching | OUTPUT__0 = x + 1; OUTPUT__1 = the CUDA ordinal the input was on (-1 on the CPU) |
| gpu_shared | KIND_GPU count 4, ENABLE_WEIGHT_SHARING | 3 "Reusing TorchScript model" lines: one copy per device |
| gpu_no_cudnn | KIND_GPU, DISABLE_CUDNN true | 3x3 conv of all-ones weights over a 1x1x4x4 input of ones: 4 at the corners, 6 on the edges, 9 inside |
| gpu_out_of_memory | KIND_GPU | asks for 1 TiB when INPUT__0[0] > 0: that batch fails with CUDA's out-of-memory message, the next one (x <= 0) answers x |
| model_places_itself | KIND_MODEL | forward moves x to cuda:0, doubles it, brings it back: OUTPUT__0 = 2x on the CPU |
"""

from typing import List, Tuple

import torch

from modelrepo import Case, model_config, tensor_config, write_case


class AddOneAndWhere(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        where = torch.full([x.shape[0], 1], x.get_device(), dtype=torch.int64,
                           device=x.device)
        return x + 1, where


class AddOne(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + 1


class OnesConv(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 1, 3, padding=1, bias=False)
        with torch.no_grad():
            self.conv.weight.fill_(1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class MaybeHuge(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if bool(x[0] > 0):
            huge = torch.zeros([274877906944], dtype=torch.float32, device=x.device)  # 1 TiB
            return x + huge[0]
        return x


class PlacesItself(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        on_gpu = x.to(torch.device("cuda:0"))
        return (on_gpu * 2).cpu()


def fp32(name, dims=(-1,)):
    return tensor_config(name, "FP32", list(dims))


def gpu_group(count=1, kind="KIND_GPU"):
    return f"instance_group [ {{ count: {count}, kind: {kind} }} ]"


def params(**values) -> str:
    return "\n".join(f'parameters {{ key: "{k}" value: {{ string_value: "{v}" }} }}'
                     for k, v in values.items())


def s(module):
    return torch.jit.script(module.eval())


def cases() -> List[Case]:
    repo = "pytorch_gpu"
    return [
        Case(repo, "gpu_where",
             model_config("gpu_where", [fp32("INPUT__0")],
                          [fp32("OUTPUT__0"), tensor_config("OUTPUT__1", "INT64", [1])],
                          max_batch_size=8, dynamic_batching="", extra=gpu_group(2)),
             {1: s(AddOneAndWhere())}),
        Case(repo, "gpu_shared",
             model_config("gpu_shared", [fp32("INPUT__0")], [fp32("OUTPUT__0")],
                          extra=gpu_group(4) + "\n" + params(ENABLE_WEIGHT_SHARING="true")),
             {1: s(AddOne())}),
        Case(repo, "gpu_no_cudnn",
             model_config("gpu_no_cudnn", [fp32("INPUT__0", (1, 1, 4, 4))],
                          [fp32("OUTPUT__0", (1, 1, 4, 4))],
                          extra=gpu_group() + "\n" + params(DISABLE_CUDNN="true")),
             {1: s(OnesConv())}),
        Case(repo, "gpu_out_of_memory",
             model_config("gpu_out_of_memory", [fp32("INPUT__0")], [fp32("OUTPUT__0")],
                          extra=gpu_group()),
             {1: s(MaybeHuge())}),
        Case(repo, "model_places_itself",
             model_config("model_places_itself", [fp32("INPUT__0")], [fp32("OUTPUT__0")],
                          extra=gpu_group(kind="KIND_MODEL")),
             {1: s(PlacesItself())}),
    ]


def generate(out_dir: str) -> List[Case]:
    """Writes every case under out_dir; returns them."""
    all_cases = cases()
    for case in all_cases:
        write_case(out_dir, case)
    return all_cases
