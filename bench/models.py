#!/usr/bin/python3
"""Generates the benchmark model repository: add_sub, mlp and resnet18 (TorchScript).

Why this exists: every system in a benchmark run (torchd, the Python server, the in-process
LibTorch loop) must run the very same model files. MODELS below is also the one description
of each model's tensors that the other bench tools import (python_server.py,
wrk/make_bodies.py, run), so it needs no torch to import; torch is loaded only to write
the files.

  add_sub   INPUT0, INPUT1 FP32 [16] -> OUTPUT0 = sum, OUTPUT1 = difference (no batching)
  mlp       INPUT__0 FP32 [512] -> Linear 512x2048, ReLU, Linear 2048x512 -> OUTPUT__0 [512]
  resnet18  INPUT__0 FP32 [3,224,224] -> OUTPUT__0 FP32 [1000] (torchvision, random weights)

mlp and resnet18 use dynamic batching (max_batch_size 64). Weights are seeded, so every run
makes the same models. Idempotent: a model whose model.pt is newer than this script is
skipped (--force rewrites).

Usage: /usr/bin/python3 bench/models.py --out <repository dir> [--force] [--only m1,m2]
       /usr/bin/python3 bench/models.py --inprocess-args resnet18   (prints --input 3,224,224)
"""

import argparse
import os
import sys

# name -> description. Tensors are (name, config data type, dims without batch dim).
MODELS = {
    "add_sub": {
        "inputs": [("INPUT0", "FP32", [16]), ("INPUT1", "FP32", [16])],
        "outputs": [("OUTPUT0", "FP32", [16]), ("OUTPUT1", "FP32", [16])],
        "max_batch_size": 0,
        "dynamic_batching": None,
    },
    "mlp": {
        "inputs": [("INPUT__0", "FP32", [512])],
        "outputs": [("OUTPUT__0", "FP32", [512])],
        "max_batch_size": 64,
        "dynamic_batching": "max_queue_delay_microseconds: 200",
    },
    "resnet18": {
        "inputs": [("INPUT__0", "FP32", [3, 224, 224])],
        "outputs": [("OUTPUT__0", "FP32", [1000])],
        "max_batch_size": 64,
        "dynamic_batching": "max_queue_delay_microseconds: 1000",
    },
}


def config_text(name: str) -> str:
    """The config.pbtxt of model `name` (backend pytorch, one CPU instance)."""
    m = MODELS[name]

    def tensors(entries):
        return ",\n".join(
            f'  {{ name: "{n}" data_type: TYPE_{t} dims: [ {", ".join(map(str, d))} ] }}'
            for n, t, d in entries)

    text = (f'name: "{name}"\nbackend: "pytorch"\nmax_batch_size: {m["max_batch_size"]}\n'
            f'input [\n{tensors(m["inputs"])}\n]\noutput [\n{tensors(m["outputs"])}\n]\n'
            'instance_group [ { count: 1, kind: KIND_CPU } ]\n')
    if m["dynamic_batching"] is not None:
        text += f'dynamic_batching {{ {m["dynamic_batching"]} }}\n'
    return text


def example_modules():
    """examples/make_example_models.py's build_modules() (one add_sub definition for all)."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples",
                        "make_example_models.py")
    spec = importlib.util.spec_from_file_location("make_example_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_modules()


def build_module(name: str):
    """Returns the scripted, eval-mode module of model `name` (imports torch)."""
    import torch

    torch.manual_seed(0)
    if name == "add_sub":  # the very module of the bundled example
        return example_modules()["add_sub"]
    if name == "mlp":
        class Mlp(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = torch.nn.Linear(512, 2048)
                self.out = torch.nn.Linear(2048, 512)

            def forward(self, INPUT__0: torch.Tensor) -> torch.Tensor:
                return self.out(torch.relu(self.hidden(INPUT__0)))
        return torch.jit.script(Mlp().eval())
    if name == "resnet18":
        import torchvision
        return torch.jit.script(torchvision.models.resnet18(weights=None).eval())
    raise KeyError(f"unknown benchmark model '{name}'; expected one of {sorted(MODELS)}")


def write_model(out_dir: str, name: str, force: bool) -> bool:
    """Writes <out_dir>/<name>/{config.pbtxt,1/model.pt}; returns False if it was up to date."""
    model_dir = os.path.join(out_dir, name)
    path = os.path.join(model_dir, "1", "model.pt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(os.path.join(model_dir, "config.pbtxt"), "w") as f:
        f.write(config_text(name))
    if not force and os.path.exists(path) and \
            os.path.getmtime(path) >= os.path.getmtime(os.path.abspath(__file__)):
        return False
    import torch
    torch.jit.save(build_module(name), path + ".tmp")
    os.replace(path + ".tmp", path)
    return True


def main(argv) -> int:
    parser = argparse.ArgumentParser(description="Generate the benchmark model repository.")
    parser.add_argument("--out", help="repository folder to write")
    parser.add_argument("--inprocess-args", metavar="NAME",
                        help="print inprocess_bench's --input flags for model NAME and exit")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--only", default=",".join(MODELS),
                        help="comma-separated subset of " + ",".join(MODELS))
    args = parser.parse_args(argv)
    if args.inprocess_args:
        if args.inprocess_args not in MODELS:
            parser.error(f"unknown model '{args.inprocess_args}'")
        print(" ".join("--input " + ",".join(map(str, dims))
                       for _, _, dims in MODELS[args.inprocess_args]["inputs"]))
        return 0
    if not args.out:
        parser.error("--out is required")
    for name in args.only.split(","):
        if name not in MODELS:
            parser.error(f"unknown model '{name}'; expected one of {', '.join(MODELS)}")
        state = "wrote" if write_model(args.out, name, args.force) else "up to date:"
        print(f"bench/models.py: {state} {os.path.join(args.out, name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
