"""The general test models of torchd: every dtype, batching, strings, naming, versions, faults.

Why this exists: README.md beside this file documents each model for the engineers who
write tests against them; this module makes exactly those models (CASES) and records the
documented answers as Samples, which test_models.py checks after generation. Keep the two
in step: test_models.py also checks that every model named in README.md exists here.

generate(out_dir) is called by generate.py; it writes <out_dir>/pytorch, /faulty, /bf16.
"""

import importlib.util
import os
from typing import Dict, List, Tuple

import torch

from modelrepo import Case, Sample, model_config, tensor_config, write_case

T = torch.tensor


# --- modules -------------------------------------------------------------------------------
# Each is scripted (never traced), in eval mode, so the backend sees exactly this code.

class Identity(torch.nn.Module):
    def forward(self, INPUT__0: torch.Tensor) -> torch.Tensor:
        return INPUT__0


class AddOne(torch.nn.Module):
    def forward(self, INPUT__0: torch.Tensor) -> torch.Tensor:
        return INPUT__0 + 1


class LogicalNot(torch.nn.Module):
    def forward(self, INPUT__0: torch.Tensor) -> torch.Tensor:
        return torch.logical_not(INPUT__0)


class Double(torch.nn.Module):
    def forward(self, INPUT__0: torch.Tensor) -> torch.Tensor:
        return INPUT__0 * 2


class AddConstant(torch.nn.Module):
    """Adds a fixed number: version N of the versioned_* models adds N."""

    def __init__(self, constant: float):
        super().__init__()
        self.constant = constant

    def forward(self, INPUT__0: torch.Tensor) -> torch.Tensor:
        return INPUT__0 + self.constant


class BatchProbe(torch.nn.Module):
    """Doubles its input and reports, on every row, the batch size forward was called with."""

    def forward(self, INPUT__0: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        batch = INPUT__0.shape[0]
        return INPUT__0 * 2, torch.full([batch, 1], batch, dtype=torch.int64)


class SumLastAxis(torch.nn.Module):
    def forward(self, INPUT__0: torch.Tensor) -> torch.Tensor:
        return INPUT__0.sum(-1)


class StringIdentity(torch.nn.Module):
    def forward(self, INPUT__0: List[str]) -> List[str]:
        return INPUT__0


class StringUpper(torch.nn.Module):
    """Upper-cases each string (ASCII) and returns the byte length of each too."""

    def forward(self, INPUT__0: List[str]) -> Tuple[List[str], torch.Tensor]:
        upper: List[str] = []
        lengths: List[int] = []
        for s in INPUT__0:
            upper.append(s.upper())
            lengths.append(len(s))
        return upper, torch.tensor(lengths, dtype=torch.int64)


class DictInput(torch.nn.Module):
    def forward(self, inputs: Dict[str, torch.Tensor]) -> torch.Tensor:
        return inputs["INPUT_A"] + 2 * inputs["INPUT_B"]


class ForwardArgs(torch.nn.Module):
    def forward(self, alpha: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
        return alpha - beta


class DiffSumAB(torch.nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return a - b, a + b


class DiffSumPQ(torch.nn.Module):
    def forward(self, p: torch.Tensor, q: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return p - q, p + q


class MultiOutput(torch.nn.Module):
    def forward(self, INPUT__0: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return INPUT__0 * 2, INPUT__0.to(torch.int64), INPUT__0 > 0


class Copy(torch.nn.Module):
    def forward(self, INPUT__0: torch.Tensor) -> torch.Tensor:
        return INPUT__0.clone()


class RaisesOnNegative(torch.nn.Module):
    def forward(self, INPUT__0: torch.Tensor) -> torch.Tensor:
        if bool((INPUT__0 < 0).any()):
            raise RuntimeError("raises: input contains a negative value")
        return INPUT__0 + 1


class TwoInputs(torch.nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return a + b


def script(module: torch.nn.Module) -> torch.jit.ScriptModule:
    return torch.jit.script(module.eval())


def example_add_sub() -> torch.jit.ScriptModule:
    """The add_sub module of examples/make_example_models.py (one definition for both)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                        "make_example_models.py")
    spec = importlib.util.spec_from_file_location("make_example_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_modules()["add_sub"]


# --- config shorthands ---------------------------------------------------------------------

def one_to_one(name: str, data_type: str, dims, batching: bool, string_layout=False,
               extra: str = "") -> str:
    """Config of a model with INPUT__0 -> OUTPUT__0 of one type.

    batching: max_batch_size 8 + dynamic_batching {}. string_layout: dims [1] with an empty
    reshape (the batching List[str] layout).
    """
    reshape = [] if string_layout else None
    return model_config(
        name, [tensor_config("INPUT__0", data_type, dims, reshape)],
        [tensor_config("OUTPUT__0", data_type, dims, reshape)],
        max_batch_size=8 if batching else 0,
        dynamic_batching="" if batching else None, extra=extra)


def fp32_pair_config(name: str, inputs, outputs) -> str:
    """Non-batching config whose tensors are all FP32 [-1], listed in the given order."""
    return model_config(name, [tensor_config(n, "FP32", [-1]) for n in inputs],
                        [tensor_config(n, "FP32", [-1]) for n in outputs])


# --- the cases -----------------------------------------------------------------------------

DTYPES = [  # (config type, torch dtype, sample input, expected output)
    ("BOOL", torch.bool, [[True, False, True]], [[False, True, False]]),
    ("UINT8", torch.uint8, [[0, 7, 255]], [[1, 8, 0]]),
    ("INT8", torch.int8, [[-128, 0, 127]], [[-127, 1, -128]]),
    ("INT16", torch.int16, [[-5, 0, 32000]], [[-4, 1, 32001]]),
    ("INT32", torch.int32, [[-5, 0, 2000000000]], [[-4, 1, 2000000001]]),
    ("INT64", torch.int64, [[-5, 0, 2 ** 40]], [[-4, 1, 2 ** 40 + 1]]),
    ("FP16", torch.float16, [[-1.5, 0.0, 2.25]], [[-0.5, 1.0, 3.25]]),
    ("FP32", torch.float32, [[-1.5, 0.0, 2.25]], [[-0.5, 1.0, 3.25]]),
    ("FP64", torch.float64, [[-1.5, 0.0, 2.25]], [[-0.5, 1.0, 3.25]]),
]


def dtype_cases() -> List[Case]:
    cases = []
    for type_name, dtype, sample_in, sample_out in DTYPES:
        name = "dtype_" + type_name.lower()
        module = LogicalNot() if dtype == torch.bool else AddOne()
        cases.append(Case("pytorch", name, one_to_one(name, type_name, [-1], batching=True),
                          {1: script(module)},
                          samples=[Sample([T(sample_in, dtype=dtype)],
                                          [T(sample_out, dtype=dtype)])]))
    cases.append(Case(
        "pytorch", "dtype_bytes",
        one_to_one("dtype_bytes", "STRING", [1], batching=True, string_layout=True),
        {1: script(StringIdentity())},
        samples=[Sample([["abc", "", "x\x00y"]], [["abc", "", "x\x00y"]])]))
    cases.append(Case(
        "bf16", "dtype_bf16", one_to_one("dtype_bf16", "BF16", [-1], batching=True),
        {1: script(AddOne())},
        samples=[Sample([T([[-1.5, 0.0, 2.25]], dtype=torch.bfloat16)],
                        [T([[-0.5, 1.0, 3.25]], dtype=torch.bfloat16)])]))
    return cases


def basic_cases() -> List[Case]:
    x16, y16 = torch.arange(16, dtype=torch.float32), torch.full([16], 0.5)
    return [
        Case("pytorch", "identity_fp32", one_to_one("identity_fp32", "FP32", [-1], False),
             {1: script(Identity())},
             samples=[Sample([T([1.0, -2.0, 3.5])], [T([1.0, -2.0, 3.5])])]),
        Case("pytorch", "add_sub",
             model_config("add_sub",
                          [tensor_config("INPUT0", "FP32", [16]),
                           tensor_config("INPUT1", "FP32", [16])],
                          [tensor_config("OUTPUT0", "FP32", [16]),
                           tensor_config("OUTPUT1", "FP32", [16])],
                          platform="pytorch_libtorch"),
             {1: example_add_sub()},
             samples=[Sample([x16, y16], [x16 + 0.5, x16 - 0.5])]),
    ]


def batching_cases() -> List[Case]:
    return [
        Case("pytorch", "batch_probe",
             model_config("batch_probe", [tensor_config("INPUT__0", "FP32", [4])],
                          [tensor_config("OUTPUT__0", "FP32", [4]),
                           tensor_config("OUTPUT__1", "INT64", [1])],
                          max_batch_size=16,
                          dynamic_batching="preferred_batch_size: [ 4, 8 ] "
                                           "max_queue_delay_microseconds: 200000"),
             {1: script(BatchProbe())},
             samples=[Sample([T([[1.0, 2, 3, 4], [5, 6, 7, 8], [0, 0, 0, -1]])],
                             [T([[2.0, 4, 6, 8], [10, 12, 14, 16], [0, 0, 0, -2]]),
                              T([[3], [3], [3]])])]),
        Case("pytorch", "nobatch_fp32", one_to_one("nobatch_fp32", "FP32", [2, 3], False),
             {1: script(Double())},
             samples=[Sample([T([[1.0, 2, 3], [4, 5, 6]])], [T([[2.0, 4, 6], [8, 10, 12]])])]),
        Case("pytorch", "vardims",
             model_config("vardims", [tensor_config("INPUT__0", "FP32", [-1, -1])],
                          [tensor_config("OUTPUT__0", "FP32", [-1])],
                          max_batch_size=8, dynamic_batching=""),
             {1: script(SumLastAxis())},
             samples=[Sample([T([[[1.0, 2, 3], [4, 5, 6]]])], [T([[6.0, 15.0]])])]),
        Case("pytorch", "multi_instance",
             one_to_one("multi_instance", "FP32", [-1], True,
                        extra="instance_group [ { count: 4, kind: KIND_CPU } ]"),
             {1: script(AddOne())},
             samples=[Sample([T([[1.0, 2.0]])], [T([[2.0, 3.0]])])]),
    ]


def string_cases() -> List[Case]:
    words = ["hello", "World 42", "", "caf\u00e9", "nul\x00byte"]
    return [
        Case("pytorch", "string_identity",
             one_to_one("string_identity", "STRING", [-1], batching=False),
             {1: script(StringIdentity())}, samples=[Sample([words], [words])]),
        Case("pytorch", "string_upper",
             model_config("string_upper", [tensor_config("INPUT__0", "STRING", [1], [])],
                          [tensor_config("OUTPUT__0", "STRING", [1], []),
                           tensor_config("OUTPUT__1", "INT64", [1], [])],
                          max_batch_size=8, dynamic_batching=""),
             {1: script(StringUpper())},
             samples=[Sample([words], [["HELLO", "WORLD 42", "", "CAF\u00e9", "NUL\x00BYTE"],
                                       T([5, 8, 0, 5, 8])])]),
    ]


def naming_cases() -> List[Case]:
    a, b = T([5.0, 1.0]), T([2.0, 3.0])
    return [
        Case("pytorch", "dict_input", fp32_pair_config("dict_input", ["INPUT_A", "INPUT_B"],
                                                       ["OUTPUT__0"]),
             {1: script(DictInput())},
             samples=[Sample([{"INPUT_A": a, "INPUT_B": b}], [T([9.0, 7.0])])]),
        Case("pytorch", "forward_args",
             fp32_pair_config("forward_args", ["beta", "alpha"], ["OUTPUT__0"]),
             {1: script(ForwardArgs())}, samples=[Sample([a, b], [T([3.0, -2.0])])]),
        Case("pytorch", "named_index",
             fp32_pair_config("named_index", ["INPUT__1", "INPUT__0"],
                              ["OUTPUT__1", "OUTPUT__0"]),
             {1: script(DiffSumAB())}, samples=[Sample([a, b], [T([3.0, -2.0]), T([7.0, 4.0])])]),
        Case("pytorch", "strict_order",
             fp32_pair_config("strict_order", ["X", "Y"], ["DIFF", "SUM"]),
             {1: script(DiffSumPQ())}, samples=[Sample([a, b], [T([3.0, -2.0]), T([7.0, 4.0])])]),
        Case("pytorch", "multi_output",
             model_config("multi_output", [tensor_config("INPUT__0", "FP32", [-1])],
                          [tensor_config("OUTPUT__0", "FP32", [-1]),
                           tensor_config("OUTPUT__1", "INT64", [-1]),
                           tensor_config("OUTPUT__2", "BOOL", [-1])],
                          max_batch_size=8, dynamic_batching=""),
             {1: script(MultiOutput())},
             samples=[Sample([T([[-1.5, 0.0, 2.7]])],
                             [T([[-3.0, 0.0, 5.4]]), T([[-1, 0, 2]]),
                              T([[False, False, True]])])]),
    ]


VERSION_POLICIES = {  # model name -> version_policy text ("" = Triton's default)
    "versioned_latest": "",
    "versioned_latest2": "version_policy: { latest: { num_versions: 2 } }",
    "versioned_all": "version_policy: { all: { } }",
    "versioned_specific": "version_policy: { specific: { versions: [ 1, 3 ] } }",
}


def version_cases() -> List[Case]:
    modules = {v: script(AddConstant(float(v))) for v in (1, 2, 3)}
    x = T([0.0, 10.0])
    return [Case("pytorch", name, one_to_one(name, "FP32", [-1], False, extra=policy),
                 dict(modules),
                 samples=[Sample([x], [x + v], version=v) for v in (1, 2, 3)])
            for name, policy in VERSION_POLICIES.items()]


def classification_cases() -> List[Case]:
    config = model_config("classifier", [tensor_config("INPUT__0", "FP32", [4])],
                          [tensor_config("OUTPUT__0", "FP32", [4], label_filename="labels.txt")],
                          max_batch_size=8, dynamic_batching="")
    scores = T([[0.1, 0.7, 0.2, 0.0]])
    return [Case("pytorch", "classifier", config, {1: script(Copy())},
                 files={"labels.txt": "cat\ndog\nbird\nfish\n"},
                 samples=[Sample([scores], [scores])])]


def faulty_cases() -> List[Case]:
    return [
        Case("faulty", "raises", one_to_one("raises", "FP32", [-1], True),
             {1: script(RaisesOnNegative())},
             samples=[Sample([T([[1.0, 2.0]])], [T([[2.0, 3.0]])]),
                      Sample([T([[1.0, -2.0]])], raises="raises: input contains a negative value")]),
        Case("faulty", "corrupt", one_to_one("corrupt", "FP32", [-1], False),
             {1: b"this is not a TorchScript archive\n" + bytes(range(256))}, loads=False),
        Case("faulty", "missing_file", one_to_one("missing_file", "FP32", [-1], False),
             {1: None}),
        Case("faulty", "libtorch_invalid_input_type",
             model_config("libtorch_invalid_input_type",
                          [tensor_config("INPUT0", "UINT32", [-1])],
                          [tensor_config("OUTPUT__0", "UINT32", [-1])]),
             {1: script(Identity())}),
        Case("faulty", "libtorch_invalid_output_type",
             model_config("libtorch_invalid_output_type",
                          [tensor_config("INPUT__0", "INT64", [-1])],
                          [tensor_config("OUTPUT__0", "UINT64", [-1])]),
             {1: script(Identity())}),
        Case("faulty", "wrong_input_count", one_to_one("wrong_input_count", "FP32", [-1], False),
             {1: script(TwoInputs())}, samples=[Sample([T([1.0]), T([2.0])], [T([3.0])])]),
    ]


def cases() -> List[Case]:
    """Every model of this module, in README order. Scripts modules: takes ~1 s."""
    return (basic_cases() + dtype_cases() + batching_cases() + string_cases()
            + naming_cases() + version_cases() + classification_cases() + faulty_cases())


def generate(out_dir: str) -> List[Case]:
    """Writes every case under out_dir; returns them (test_models.py checks their samples)."""
    all_cases = cases()
    for case in all_cases:
        write_case(out_dir, case)
    return all_cases
