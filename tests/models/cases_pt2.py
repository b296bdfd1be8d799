"""PyTorch 2 test models: AOTInductor packages (platform torch_aoti) and Python-runtime models
(runtime: "model.py"), in the repository <out_dir>/pytorch2.

Why this exists: tests/integration/pytorch/test_pt2.c and tests/e2e/test_http_pt2.py serve
them. AOTInductor compiles take tens of seconds on 2 cores, so the two packages are cached
in <out_dir>/../.aoti-cache keyed by torch's version and the model code below, and reused
by every later generation. Every model here has the same weights (seed 0): a
Linear(4, 3) + ReLU, so all runtimes must agree on y = relu(x @ W.T + b).

| model | what |
|---|---|
| aoti_linear | torch_aoti, batch dim exported dynamic (1..64), max_batch_size 8, dynamic batching |
| aoti_fixed | torch_aoti, exported for a fixed batch of 4, max_batch_size 4 |
| linear_ts | the same module as TorchScript (the reference), max_batch_size 8 |
| py_linear | runtime model.py: the class with random init + model.pt state_dict (seed 0 weights), torch.compile backend eager, 2 instances, dynamic batching |
| py_inductor | runtime model.py, the same with torch.compile's default (inductor) backend, 1 instance |
| py_raise | runtime model.py: forward raises ValueError("input below -100") when any x < -100, else the linear answer |
| py_bad_import | model.py imports a module that does not exist: the load fails with ModuleNotFoundError and the traceback line |
| py_no_module | model.py defines no nn.Module subclass: "Cannot find a subclass of torch.nn.Module" |
| py_no_file | an empty version folder: "No model found in <dir>/['model.py', 'model.pt']" |
| py_bad_json | TORCH_COMPILE_OPTIONAL_PARAMETERS is not JSON: JSONDecodeError |
| py_model_key | TORCH_COMPILE_OPTIONAL_PARAMETERS has a "model" key: Triton's message |
"""

import hashlib
import os
import shutil

import torch

from modelrepo import model_config, tensor_config

REPO = "pytorch2"

LINEAR_SOURCE = '''
import torch


class Linear(torch.nn.Module):
    """y = relu(x @ W.T + b) with W, b from seed 0 (or model.pt)."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.linear = torch.nn.Linear(4, 3)

    def forward(self, x):
        return torch.relu(self.linear(x))
'''


# model.py of the Python-runtime models: no seed, so the right answers prove model.pt loaded.
PY_SOURCE = LINEAR_SOURCE.replace("        torch.manual_seed(0)\n", "")

RAISE_SOURCE = PY_SOURCE + '''

    def check(self, x):
        if bool((x < -100).any()):
            raise ValueError("input below -100")


class Raising(Linear):
    def forward(self, x):
        self.check(x)
        return super().forward(x)
'''


def linear_module():
    scope = {}
    exec(compile(LINEAR_SOURCE, "model.py", "exec"), scope)
    return scope["Linear"]().eval()


def io(max_batch=True):
    return ([tensor_config("INPUT0", "FP32", [4])], [tensor_config("OUTPUT0", "FP32", [3])])


def write(out_dir, name, config, files):
    model_dir = os.path.join(out_dir, REPO, name)
    os.makedirs(os.path.join(model_dir, "1"), exist_ok=True)
    with open(os.path.join(model_dir, "config.pbtxt"), "w") as f:
        f.write(config)
    for rel, content in files.items():
        path = os.path.join(model_dir, rel)
        if isinstance(content, str) and os.path.isfile(content):
            shutil.copyfile(content, path)
        elif isinstance(content, str):
            with open(path, "w") as f:
                f.write(content)
        else:
            content(path)


def aoti_package(cache_dir, name, dynamic):
    """Compiles (or reuses) the Linear module as a .pt2 package; returns its path."""
    key = hashlib.sha256((torch.__version__ + LINEAR_SOURCE + name + str(dynamic)).encode())
    path = os.path.join(cache_dir, f"{name}-{key.hexdigest()[:16]}.pt2")
    if os.path.exists(path):
        return path
    os.makedirs(cache_dir, exist_ok=True)
    module = linear_module()
    if dynamic:
        batch = torch.export.Dim("batch", min=1, max=64)
        program = torch.export.export(module, (torch.randn(2, 4),),
                                      dynamic_shapes=({0: batch},))
    else:
        program = torch.export.export(module, (torch.randn(4, 4),))
    tmp = path[:-len(".pt2")] + ".tmp.pt2"
    torch._inductor.aoti_compile_and_package(program, package_path=tmp)
    os.replace(tmp, path)
    return path


def generate(out_dir):
    cache_dir = os.path.join(os.path.dirname(os.path.abspath(out_dir)), ".aoti-cache")
    inputs, outputs = io()
    write(out_dir, "aoti_linear",
          model_config("aoti_linear", inputs, outputs, max_batch_size=8, dynamic_batching="",
                       platform="torch_aoti"),
          {"1/model.pt2": aoti_package(cache_dir, "linear_dynamic", True)})
    write(out_dir, "aoti_fixed",
          model_config("aoti_fixed", inputs, outputs, max_batch_size=4, platform="torch_aoti"),
          {"1/model.pt2": aoti_package(cache_dir, "linear_fixed4", False)})
    write(out_dir, "linear_ts",
          model_config("linear_ts", [tensor_config("INPUT__0", "FP32", [4])],
                       [tensor_config("OUTPUT__0", "FP32", [3])], max_batch_size=8),
          {"1/model.pt": lambda p: torch.jit.save(torch.jit.trace(linear_module(), torch.randn(2, 4)), p)})
    state_dict = lambda p: torch.save(linear_module().state_dict(), p)  # noqa: E731
    py_io = ([tensor_config("INPUT0", "FP32", [4])], [tensor_config("OUTPUT0", "FP32", [3])])

    def py_config(name, compile_params='{"backend": "eager"}', instances=1, extra=""):
        params = ""
        if compile_params is not None:
            params = ('parameters { key: "TORCH_COMPILE_OPTIONAL_PARAMETERS" value: '
                      '{ string_value: \'' + compile_params + '\' } }\n')
        return model_config(name, *py_io, max_batch_size=8, dynamic_batching="",
                            extra='runtime: "model.py"\n'
                                  f"instance_group [ {{ count: {instances}, kind: KIND_CPU }} ]\n"
                                  + params + extra)

    write(out_dir, "py_linear", py_config("py_linear", instances=2),
          {"1/model.py": PY_SOURCE, "1/model.pt": state_dict})
    write(out_dir, "py_inductor", py_config("py_inductor", compile_params=None),
          {"1/model.py": PY_SOURCE, "1/model.pt": state_dict})
    write(out_dir, "py_raise", py_config("py_raise"),
          {"1/model.py": RAISE_SOURCE.replace("class Linear", "class _Linear")
                                     .replace("(Linear)", "(_Linear)"),
           "1/model.pt": state_dict})
    write(out_dir, "py_bad_import", py_config("py_bad_import"),
          {"1/model.py": "import torch\nimport torchd_no_such_module\n"})
    write(out_dir, "py_no_module", py_config("py_no_module"),
          {"1/model.py": "def forward(x):\n    return x\n"})
    write(out_dir, "py_no_file", py_config("py_no_file"), {})
    write(out_dir, "py_bad_json", py_config("py_bad_json", compile_params="{backend: eager}"),
          {"1/model.py": PY_SOURCE})
    write(out_dir, "py_model_key", py_config("py_model_key", compile_params='{"model": 1}'),
          {"1/model.py": PY_SOURCE})

