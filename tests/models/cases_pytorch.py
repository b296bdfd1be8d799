"""The PyTorch backend's extra test models (owned by the "pytorch" engineer).

Why this exists: cases_core.py covers what every part needs; these models exercise
backend-specific behaviour that tests/integration/pytorch/ checks through the core:
List/Dict outputs, Optional inputs, METHOD_NAME, OPTIMIZE_FOR_INFERENCE, every parameter's
log line on a 3-version model, weight sharing over 16 instances, batched strings with a
queue delay (so requests really share a batch), config auto-complete, and load/run-time
failures with exact messages.

generate(out_dir) writes <out_dir>/pytorch_extra (models that load) and
<out_dir>/pytorch_extra_faulty (models that must fail to load). cases() returns them with
their documented answers for test_models.py.

| model (pytorch_extra) | what it checks |
|---|---|
| list_output | forward returns List[Tensor] [2x, x+1] -> OUTPUT__0, OUTPUT__1 |
| dict_output | forward returns Dict[str, Tensor] {"DOUBLE": 2x, "NEG": -x}, outputs named by key |
| optional_input | forward(x, y: Optional[Tensor]); INPUT__1 is `optional: true` |
| method_name | METHOD_NAME "predict" calls predict() (3x) instead of forward() (x) |
| frozen_convnet | OPTIMIZE_FOR_INFERENCE "true": conv+bn+relu, frozen at load |
| all_parameters | 3 versions, every §1.1 key set: each INFO line appears 3 times |
| no_parameters | 3 versions without a parameters section: no INFO line at all |
| weight_sharing | 16 KIND_CPU instances with ENABLE_WEIGHT_SHARING: 15 reuse lines |
| no_weight_sharing | 4 KIND_CPU instances without it: 0 reuse lines |
| string_batched | string upper-casing; preferred batch 7 rows, queue delay up to 2 s, so the test's 4 concurrent requests (7 rows) form one batch |
| autocomplete | config without input/output; forward(alpha, beta) -> (alpha+beta, alpha-beta) |
| scalar_output | returns a 0-dim tensor: each request fails "is a scalar" |
| wrong_output_dtype | config FP32, model returns INT64: dtype mismatch error |
| missing_output_index | config has OUTPUT__1, model returns one tensor |
| ragged_sum | `allow_ragged_batch` INPUT__0 + batch_input INDEX__1 (BATCH_ACCUMULATED_ELEMENT_COUNT, INT64), preferred batch 3, queue delay up to 2 s: OUTPUT__0 [1] = the sum of each request's own elements; OUTPUT__1 = 2x, split back by batch_output BATCH_SCATTER_WITH_INPUT_SHAPE |
| default_arguments | forward(x, scale: float = 2.0, bias: Optional[Tensor] = None, flag: bool = False); config inputs x and bias (optional): scale and flag take their defaults, OUTPUT__0 = 2x (+ bias) |
| transformer_layer | scripted nn.TransformerEncoderLayer(64, 4, 128, batch_first=True), eval, seed 0; config input `src` [-1, 64] only: src_mask, src_key_padding_mask and is_causal take their defaults |
| sequence_state | sequence batching: START__1 control, state STATE_IN__2 -> STATE_OUT__1; OUTPUT__0 is the running sum of INPUT__0 over the sequence |

| model (pytorch_extra_faulty) | expected load error |
|---|---|
| duplicate_index | inputs A__0 and B__0 both map to argument index 0 |
| index_out_of_range | input B__5 maps to argument index 5 of a 2-argument forward |
| bad_parameter | DISABLE_CUDNN "maybe": failed to convert 'maybe' to boolean |
| unsupported_argument | forward(x, n: int): An input of type 'int' was detected ... |
| missing_method | METHOD_NAME "nope": the model has no method named 'nope' |
| too_few_inputs | config input a only, forward(a, b, c: Optional[Tensor] = None): configuration expects 1 inputs, model provides 3 (2 without a default value) |
| required_not_fed | config inputs a and c for the same forward: argument 'b' has no default value and no input feeds it |
| state_bad_naming | state model whose input is named "X": not all inputs and outputs follow <name>__<index> |
"""

from typing import Dict, List, Optional, Tuple

import torch

from modelrepo import Case, Sample, model_config, tensor_config, write_case

T = torch.tensor


class ListOutput(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        return [x * 2, x + 1]


class DictOutput(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {"DOUBLE": x * 2, "NEG": -x}


class OptionalInput(torch.nn.Module):
    def forward(self, x: torch.Tensor, y: Optional[torch.Tensor] = None) -> torch.Tensor:
        if y is None:
            return x
        return x + y


class TwoMethods(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x

    @torch.jit.export
    def predict(self, x: torch.Tensor) -> torch.Tensor:
        return x * 3


class ConvNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.bn(self.conv(x)))


class AddOne(torch.nn.Module):
    def forward(self, INPUT__0: torch.Tensor) -> torch.Tensor:
        return INPUT__0 + 1


class Upper(torch.nn.Module):
    def forward(self, INPUT__0: List[str]) -> List[str]:
        return [s.upper() for s in INPUT__0]


class SumDiff(torch.nn.Module):
    def forward(self, alpha: torch.Tensor, beta: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return alpha + beta, alpha - beta


class Scalar(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.sum()


class ToInt(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.int64)


class TwoArgs(torch.nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return a + b


class IntArgument(torch.nn.Module):
    def forward(self, x: torch.Tensor, n: int) -> torch.Tensor:
        return x * n


class Accumulate(torch.nn.Module):
    # Argument names differ from the config names on purpose: state models need the
    # <name>__<index> convention (forward-argument names would be chosen first).
    def forward(self, x: torch.Tensor, start: torch.Tensor,
                state: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        total = state * (1 - start) + x
        return total, total


class RaggedSum(torch.nn.Module):
    def forward(self, x: torch.Tensor, ends: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        sums: List[torch.Tensor] = []
        start = 0
        for i in range(ends.shape[0]):
            end = int(ends[i])
            sums.append(x[start:end].sum().unsqueeze(0))
            start = end
        return torch.stack(sums), x * 2


class DefaultArguments(torch.nn.Module):
    # `scale` (a float) and `flag` (a bool) are fed by no input: their defaults are passed.
    # `bias` sits after `scale` and is fed by an optional input.
    def forward(self, x: torch.Tensor, scale: float = 2.0, bias: Optional[torch.Tensor] = None,
                flag: bool = False) -> torch.Tensor:
        y = x * scale
        if bias is not None:
            y = y + bias
        return -y if flag else y


class RequiredAfterDefault(torch.nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor,
                c: Optional[torch.Tensor] = None) -> torch.Tensor:
        return a + b


def transformer_layer():
    # What a user exports today: a stock layer with attention (aten::scaled_dot_product_
    # attention), scripted as it is, forward(src, src_mask=None, src_key_padding_mask=None,
    # is_causal=False). Seeded so every generation gives the same weights.
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(64, 4, 128, batch_first=True)
    return s(layer.eval())


def sequence_config(name: str, input_name: str) -> str:
    return model_config(
        name, [fp32(input_name, (1,))], [fp32("OUTPUT__0", (1,))],
        extra="""sequence_batching {
  control_input [ { name: "START__1" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] } ] } ]
  state [ { input_name: "STATE_IN__2" output_name: "STATE_OUT__1" data_type: TYPE_FP32 dims: [ 1 ]
            initial_state: { data_type: TYPE_FP32 dims: [ 1 ] zero_data: true name: "zero" } } ]
}""")


def fp32(name, dims=(-1,), **kwargs):
    return tensor_config(name, "FP32", list(dims), **kwargs)


def params(**values) -> str:
    return "\n".join(f'parameters {{ key: "{k}" value: {{ string_value: "{v}" }} }}'
                     for k, v in values.items())


ALL_PARAMETERS = params(DISABLE_OPTIMIZED_EXECUTION="true", INFERENCE_MODE="false",
                        DISABLE_CUDNN="true", ENABLE_CACHE_CLEANING="true",
                        ENABLE_WEIGHT_SHARING="false", ENABLE_TENSOR_FUSER="false",
                        ENABLE_JIT_PROFILING="false", ENABLE_JIT_EXECUTOR="true",
                        INTRA_OP_THREAD_COUNT="1", INTER_OP_THREAD_COUNT="1")


def s(module):
    return torch.jit.script(module)


def cases() -> List[Case]:
    one_in = [fp32("INPUT__0")]
    batching = dict(max_batch_size=8, dynamic_batching="")
    result = [
        Case("pytorch_extra", "list_output",
             model_config("list_output", one_in, [fp32("OUTPUT__0"), fp32("OUTPUT__1")], **batching),
             {1: s(ListOutput())}),
        Case("pytorch_extra", "dict_output",
             model_config("dict_output", one_in, [fp32("DOUBLE"), fp32("NEG")], **batching),
             {1: s(DictOutput())}),
        Case("pytorch_extra", "optional_input",
             model_config("optional_input", [fp32("INPUT__0"),
                                             fp32("INPUT__1").replace("dims:", "optional: true\n    dims:")],
                          [fp32("OUTPUT__0")]),
             {1: s(OptionalInput())}, samples=[Sample([T([1.0]), None], [T([1.0])])]),
        Case("pytorch_extra", "method_name",
             model_config("method_name", one_in, [fp32("OUTPUT__0")],
                          extra=params(METHOD_NAME="predict")),
             {1: s(TwoMethods())}, samples=[Sample([T([2.0])], [T([2.0])])]),
        Case("pytorch_extra", "frozen_convnet",
             model_config("frozen_convnet", [fp32("INPUT__0", (1, 8, 8))],
                          [fp32("OUTPUT__0", (4, 8, 8))], max_batch_size=8,
                          extra=params(OPTIMIZE_FOR_INFERENCE="true")),
             {1: s(ConvNet().eval())}),
        Case("pytorch_extra", "all_parameters",
             model_config("all_parameters", one_in, [fp32("OUTPUT__0")],
                          extra="version_policy: { all: { } }\n" + ALL_PARAMETERS),
             {v: s(AddOne()) for v in (1, 2, 3)}),
        Case("pytorch_extra", "no_parameters",
             model_config("no_parameters", one_in, [fp32("OUTPUT__0")],
                          extra="version_policy: { all: { } }"),
             {v: s(AddOne()) for v in (1, 2, 3)}),
        Case("pytorch_extra", "weight_sharing",
             model_config("weight_sharing", one_in, [fp32("OUTPUT__0")], **batching,
                          extra="instance_group [ { count: 16, kind: KIND_CPU } ]\n" +
                          params(ENABLE_WEIGHT_SHARING="true")),
             {1: s(AddOne())}),
        Case("pytorch_extra", "no_weight_sharing",
             model_config("no_weight_sharing", one_in, [fp32("OUTPUT__0")], **batching,
                          extra="instance_group [ { count: 4, kind: KIND_CPU } ]"),
             {1: s(AddOne())}),
        Case("pytorch_extra", "string_batched",
             model_config("string_batched", [tensor_config("INPUT__0", "STRING", [1], reshape=[])],
                          [tensor_config("OUTPUT__0", "STRING", [1], reshape=[])],
                          max_batch_size=8,
                          dynamic_batching="preferred_batch_size: [ 7 ] "
                                           "max_queue_delay_microseconds: 2000000"),
             {1: s(Upper())}, samples=[Sample([["ab", "c"]], [["AB", "C"]])]),
        Case("pytorch_extra", "autocomplete",
             'name: "autocomplete"\nbackend: "pytorch"\nmax_batch_size: 0\n',
             {1: s(SumDiff())}),
        Case("pytorch_extra", "scalar_output",
             model_config("scalar_output", one_in, [fp32("OUTPUT__0")]), {1: s(Scalar())}),
        Case("pytorch_extra", "wrong_output_dtype",
             model_config("wrong_output_dtype", one_in, [fp32("OUTPUT__0")]), {1: s(ToInt())}),
        Case("pytorch_extra", "missing_output_index",
             model_config("missing_output_index", one_in, [fp32("OUTPUT__0"), fp32("OUTPUT__1")]),
             {1: s(AddOne())}),
        Case("pytorch_extra", "ragged_sum",
             model_config("ragged_sum",
                          [fp32("INPUT__0").replace("dims:", "allow_ragged_batch: true\n    dims:")],
                          [fp32("OUTPUT__0", (1,)), fp32("OUTPUT__1")], max_batch_size=8,
                          dynamic_batching="preferred_batch_size: [ 3 ] "
                                           "max_queue_delay_microseconds: 2000000",
                          extra='batch_input [ { kind: BATCH_ACCUMULATED_ELEMENT_COUNT '
                                'target_name: "INDEX__1" data_type: TYPE_INT64 '
                                'source_input: "INPUT__0" } ]\n'
                                'batch_output [ { target_name: "OUTPUT__1" '
                                'kind: BATCH_SCATTER_WITH_INPUT_SHAPE source_input: "INPUT__0" } ]'),
             {1: s(RaggedSum())},
             samples=[Sample([T([1.0, 2.0, 3.0]), T([1, 3])],
                             [T([[1.0], [5.0]]), T([2.0, 4.0, 6.0])])]),
        Case("pytorch_extra", "sequence_state", sequence_config("sequence_state", "INPUT__0"),
             {1: s(Accumulate())},
             samples=[Sample([T([2.0]), T([0], dtype=torch.int32), T([3.0])], [T([5.0]), T([5.0])])]),
        Case("pytorch_extra", "default_arguments",
             model_config("default_arguments",
                          [fp32("x"), fp32("bias").replace("dims:", "optional: true\n    dims:")],
                          [fp32("OUTPUT__0")], **batching),
             {1: s(DefaultArguments())},
             samples=[Sample([T([1.0, 2.0])], [T([2.0, 4.0])]),
                      Sample([T([1.0, 2.0]), 2.0, T([0.5, 0.5])], [T([2.5, 4.5])])]),
        Case("pytorch_extra", "transformer_layer",
             model_config("transformer_layer", [fp32("src", (-1, 64))],
                          [fp32("OUTPUT__0", (-1, 64))], **batching),
             {1: transformer_layer()}),
        Case("pytorch_extra_faulty", "too_few_inputs",
             model_config("too_few_inputs", [fp32("a")], [fp32("OUTPUT__0")]),
             {1: s(RequiredAfterDefault())}),
        Case("pytorch_extra_faulty", "required_not_fed",
             model_config("required_not_fed", [fp32("a"), fp32("c")], [fp32("OUTPUT__0")]),
             {1: s(RequiredAfterDefault())}),
        Case("pytorch_extra_faulty", "state_bad_naming", sequence_config("state_bad_naming", "X"),
             {1: s(Accumulate())}),
        Case("pytorch_extra_faulty", "duplicate_index",
             model_config("duplicate_index", [fp32("A__0"), fp32("B__0")], [fp32("OUTPUT__0")]),
             {1: s(TwoArgs())}),
        Case("pytorch_extra_faulty", "index_out_of_range",
             model_config("index_out_of_range", [fp32("A__0"), fp32("B__5")], [fp32("OUTPUT__0")]),
             {1: s(TwoArgs())}),
        Case("pytorch_extra_faulty", "bad_parameter",
             model_config("bad_parameter", one_in, [fp32("OUTPUT__0")],
                          extra=params(DISABLE_CUDNN="maybe")),
             {1: s(AddOne())}),
        Case("pytorch_extra_faulty", "unsupported_argument",
             model_config("unsupported_argument", [fp32("INPUT__0"), fp32("INPUT__1")],
                          [fp32("OUTPUT__0")]),
             {1: s(IntArgument())}),
        Case("pytorch_extra_faulty", "missing_method",
             model_config("missing_method", one_in, [fp32("OUTPUT__0")],
                          extra=params(METHOD_NAME="nope")),
             {1: s(AddOne())}),
    ]
    return result


def generate(out_dir: str) -> List[Case]:
    """Writes every case under out_dir; returns them (test_models.py checks their samples)."""
    all_cases = cases()
    for case in all_cases:
        write_case(out_dir, case)
    return all_cases
