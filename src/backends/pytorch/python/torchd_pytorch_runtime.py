"""The Python side of torchd's `runtime: "model.py"` (src/backends/pytorch/python_shim.c
embeds CPython and calls this module; pytorch-backend.md §1.3, §8).

It matches Triton's PyTorch Python runtime (backends/pytorch/model.py) where users see it:
the model file choice, the nn.Module subclass found in model.py, model.pt as its
state_dict, the device per instance kind, NUM_THREADS / NUM_INTEROP_THREADS /
TORCH_COMPILE_OPTIONAL_PARAMETERS with the same errors and log lines, forward called
positionally in config order and outputs taken by position. It differs where Triton's is
weak:

- in-process: tensors arrive as DLPack capsules over the batch buffers (no copy) and leave
  as DLPack capsules the C side reads in place (no copy on the CPU);
- one module per device, shared by every instance of the model (one copy of the weights);
- compiled at load by running the config's shapes (batch dimension marked dynamic), and
  the time it took is logged;
- errors carry the exception type, message and the model's own traceback lines;
- a model.py that defines its own nn.Module subclass gets that one, not an imported class
  that sorts first in dir() (Triton's pitfall); Triton's rule is the fallback.

Every entry point returns (True, value) or (False, description) so the C side never has to
inspect Python exceptions.
"""

import importlib.util
import json
import os
import sys
import threading
import time
import traceback

import torch
from torch.utils import dlpack

# TRITONSERVER_DataType numbers -> torch dtypes.
DTYPES = {1: torch.bool, 2: torch.uint8, 3: torch.uint16, 4: torch.uint32, 5: torch.uint64,
          6: torch.int8, 7: torch.int16, 8: torch.int32, 9: torch.int64, 10: torch.float16,
          11: torch.float32, 12: torch.float64, 14: torch.bfloat16}
CONFIG_DTYPES = {"TYPE_" + name: number for number, name in {
    1: "BOOL", 2: "UINT8", 3: "UINT16", 4: "UINT32", 5: "UINT64", 6: "INT8", 7: "INT16",
    8: "INT32", 9: "INT64", 10: "FP16", 11: "FP32", 12: "FP64", 13: "STRING",
    14: "BF16"}.items()}

LOG_INFO, LOG_WARN, LOG_ERROR, LOG_VERBOSE = 0, 1, 2, 3


class TritonModelException(Exception):
    """Triton's exception type for model errors (same name, so messages match)."""


def describe(error):
    """'<Type>: <message>' and the traceback lines of the model's own code (this module's
    and torch's frames left out)."""
    here = os.path.abspath(__file__)
    torch_dir = os.path.dirname(os.path.abspath(torch.__file__))
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if os.path.abspath(f.filename) != here
              and not os.path.abspath(f.filename).startswith(torch_dir)]
    text = f"{type(error).__name__}: {error}"
    if frames:
        text += "\nTraceback (most recent call last):\n" + "".join(
            traceback.format_list(frames)).rstrip("\n")
    return text


def guarded(function):
    def call(*args):
        try:
            return True, function(*args)
        except BaseException as error:  # noqa: B902 (report everything, keep serving)
            return False, describe(error)
    return call


def model_path(version_dir, default_name):
    candidates = ([default_name] if default_name else []) + ["model.py", "model.pt"]
    for candidate in candidates:
        if os.path.isfile(os.path.join(version_dir, candidate)):
            return os.path.join(version_dir, candidate)
    raise TritonModelException(f"No model found in {version_dir}/{candidates}")


def find_module_class(module):
    classes = [getattr(module, name) for name in dir(module)]
    classes = [c for c in classes if isinstance(c, type) and issubclass(c, torch.nn.Module)]
    own = [c for c in classes if c.__module__ == module.__name__]
    if own:
        return own[0]
    if classes:
        return classes[0]
    raise TritonModelException("Cannot find a subclass of torch.nn.Module")


class Model:
    """One model version: its parameters and its modules, one per device."""

    def __init__(self, name, version_dir, config_json, log):
        self.name = name
        self.log = log
        config = json.loads(config_json)
        params = {key: value.get("string_value", "")
                  for key, value in (config.get("parameters") or {}).items()}
        self.num_threads = int(params.get("NUM_THREADS", "1"))
        interop = params.get("NUM_INTEROP_THREADS")
        log(LOG_VERBOSE, f"Torch parallelism settings for '{name}': NUM_THREADS = "
                         f"{self.num_threads}; NUM_INTEROP_THREADS = {interop or 1}; ")
        if interop is not None:
            try:
                torch.set_num_interop_threads(int(interop))
            except RuntimeError as error:  # the process-wide pool already started
                log(LOG_WARN, f"NUM_INTEROP_THREADS {interop} of model '{name}' was not "
                              f"applied (torch has {torch.get_num_interop_threads()}): {error}")
        self.compile_params = json.loads(params.get("TORCH_COMPILE_OPTIONAL_PARAMETERS", "{}"))
        if "model" in self.compile_params:
            raise TritonModelException(
                "'model' is not an optional parameter for 'torch.compile'")
        log(LOG_VERBOSE, f"'torch.compile' optional parameter(s) for '{name}': "
                         f"{self.compile_params}")
        self.inputs = config.get("input") or []
        self.max_batch_size = int(config.get("max_batch_size") or 0)
        self.path = model_path(version_dir, config.get("default_model_filename") or "")
        self.module_class = None
        if self.path.endswith(".py"):
            spec = importlib.util.spec_from_file_location(f"torchd_model_{name}", self.path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self.module_class = find_module_class(module)
        self.modules = {}
        self.lock = threading.Lock()

    def device_for(self, kind, device_id, module):
        if kind == "GPU":
            return torch.device(f"cuda:{device_id}")
        if kind == "CPU":
            return torch.device("cpu")
        for parameter in module.parameters():
            return parameter.device
        raise TritonModelException("Cannot determine model device")

    def load(self, kind, device_id):
        """The module for this instance's device, loaded and compiled once per device."""
        with self.lock:
            if kind != "MODEL":
                key = str(self.device_for(kind, device_id, None))
                if key in self.modules:
                    self.log(LOG_INFO, f"Reusing the '{self.name}' module on {key} for "
                                       f"another instance")
                    return self.modules[key]
            if self.module_class is None:
                self.log(LOG_INFO, f"Loading '{self.name}' as TorchScript")
                module = torch.jit.load(self.path, map_location="cpu")
                device = self.device_for(kind, device_id, module)
                module = module.to(device).eval()
                compiled = module
            else:
                module = self.module_class()
                device = self.device_for(kind, device_id, module)
                weights = os.path.splitext(self.path)[0] + ".pt"
                if os.path.isfile(weights):
                    module.load_state_dict(torch.load(weights, map_location=device))
                else:
                    self.log(LOG_INFO, f"Model parameter file not found for '{self.name}'")
                module = module.to(device).eval()
                compiled = torch.compile(module, **self.compile_params)
            key = str(device)
            if key in self.modules:
                return self.modules[key]
            entry = (compiled, device)
            self.warm_up(entry)
            self.modules[key] = entry
            return entry

    def warm_up(self, entry):
        """Runs the config's shapes once (zeros; batch dimension 2, marked dynamic) so the
        first request runs compiled code; logs how long it took."""
        module, device = entry
        if self.module_class is None or self.compile_params.get("disable"):
            return
        args = []
        for spec in self.inputs:
            dtype = DTYPES.get(CONFIG_DTYPES.get(spec.get("data_type"), 0))
            if dtype is None:
                self.log(LOG_INFO, f"'{self.name}' is compiled at its first request: input "
                                   f"'{spec.get('name')}' has no tensor data type")
                return
            dims = [int(d) if int(d) > 0 else 1 for d in spec.get("dims") or []]
            if self.max_batch_size > 0:
                dims = [min(2, self.max_batch_size)] + dims
            tensor = torch.zeros(dims, dtype=dtype, device=device)
            if self.max_batch_size > 1 and self.compile_params.get("dynamic") is not False:
                torch._dynamo.mark_dynamic(tensor, 0)
            args.append(tensor)
        started = time.monotonic()
        try:
            with torch.inference_mode():
                module(*args)
        except Exception as error:  # noqa: BLE001 (a warm-up failure is not a load failure)
            self.log(LOG_WARN, f"compiling '{self.name}' at load with the configuration's "
                               f"shapes failed, it compiles at its first request: "
                               f"{describe(error)}")
            return
        self.log(LOG_INFO, f"Compiled '{self.name}' on {device} in "
                           f"{time.monotonic() - started:.2f} s (torch.compile "
                           f"{self.compile_params})")


class Instance:
    def __init__(self, model, kind, device_id):
        self.model = model
        self.module, self.device = model.load(kind, device_id)

    def run(self, inputs):
        torch.set_num_threads(self.model.num_threads)
        args = []
        for value in inputs:
            if isinstance(value, list):
                args.append([v.decode("utf-8", "surrogateescape") for v in value])
                continue
            tensor = torch.from_dlpack(value)
            if tensor.device != self.device:
                tensor = tensor.to(self.device)
            args.append(tensor)
        with torch.inference_mode():
            result = self.module(*args)
        if not isinstance(result, (tuple, list)):
            result = [result]
        outputs = []
        for value in result:
            if isinstance(value, torch.Tensor):
                outputs.append(dlpack.to_dlpack(value.detach().cpu().contiguous()))
            elif isinstance(value, (list, tuple)) and all(isinstance(v, (str, bytes))
                                                          for v in value):
                outputs.append([v.encode("utf-8", "surrogateescape") if isinstance(v, str)
                                else v for v in value])
            else:
                raise TypeError(f"output {len(outputs)} of '{self.model.name}' is a "
                                f"{type(value).__name__}; outputs must be tensors or lists "
                                f"of str/bytes")
        return outputs


create_model = guarded(Model)
create_instance = guarded(Instance)
run = guarded(lambda instance, inputs: instance.run(inputs))
