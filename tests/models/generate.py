#!/usr/bin/env python3
"""Generates torchd's test model repositories into --out (see README.md beside this file).

Why this exists: tests need real TorchScript models, which are binary and must match the
installed torch, so they are made at test time instead of committed. Every
`cases_*.py` module beside this script is imported and its `generate(out_dir)` called
(cases_core.py: the general models; cases_pytorch.py, when present: the PyTorch backend's
extras).

Fast path: the hash of the generator scripts (and of torch's version file) is kept in <out>/.stamp; when it matches,
nothing is done and torch is not even imported. Otherwise the models are written into a
temporary folder under <out> and each repository folder is swapped in when complete, so a
failed run never leaves half a repository behind.

Usage: .venv/bin/python tests/models/generate.py --out <dir> [--force]
"""

import argparse
import glob
import hashlib
import importlib
import importlib.util
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE_SCRIPT = os.path.join(HERE, "..", "..", "examples", "make_example_models.py")


def case_modules():
    """Names of the cases_*.py modules beside this script, sorted."""
    return sorted(os.path.splitext(os.path.basename(p))[0]
                  for p in glob.glob(os.path.join(HERE, "cases_*.py")))


def scripts_hash() -> str:
    """Hex digest over the content of every script that shapes the generated models."""
    paths = [os.path.join(HERE, "generate.py"), os.path.join(HERE, "modelrepo.py"),
             EXAMPLE_SCRIPT] + [os.path.join(HERE, m + ".py") for m in case_modules()]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(os.path.basename(path).encode() + b"\0")
        with open(path, "rb") as f:
            digest.update(f.read())
    digest.update(sys.version.encode())
    # The installed torch (found, not imported: importing takes seconds): its version file.
    spec = importlib.util.find_spec("torch")
    if spec and spec.submodule_search_locations:
        version_file = os.path.join(list(spec.submodule_search_locations)[0], "version.py")
        if os.path.exists(version_file):
            with open(version_file, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()


def read_stamp(path: str) -> str:
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def generate_all(out_dir: str) -> None:
    """Runs every cases module into a temporary folder, then swaps each repository in."""
    sys.path.insert(0, HERE)
    tmp = os.path.join(out_dir, f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        for name in case_modules():
            started = time.monotonic()
            module = importlib.import_module(name)
            if not hasattr(module, "generate"):
                raise SystemExit(f"generate.py: {name}.py has no generate(out_dir) function")
            module.generate(tmp)
            print(f"generate.py: {name}: {time.monotonic() - started:.1f} s")
        for repo in sorted(os.listdir(tmp)):
            target = os.path.join(out_dir, repo)
            shutil.rmtree(target, ignore_errors=True)
            os.replace(os.path.join(tmp, repo), target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv) -> int:
    parser = argparse.ArgumentParser(description="Generate torchd's test model repositories.")
    parser.add_argument("--out", required=True, help="output folder (e.g. build/models)")
    parser.add_argument("--force", action="store_true", help="regenerate even if up to date")
    args = parser.parse_args(argv)

    out_dir = os.path.abspath(args.out)
    stamp_path = os.path.join(out_dir, ".stamp")
    wanted = scripts_hash()
    if not args.force and read_stamp(stamp_path) == wanted:
        print(f"generate.py: {out_dir} is up to date")
        return 0
    os.makedirs(out_dir, exist_ok=True)
    if os.path.exists(stamp_path):
        os.remove(stamp_path)  # a failed run must not look up to date
    started = time.monotonic()
    generate_all(out_dir)
    with open(stamp_path, "w") as f:
        f.write(wanted + "\n")
    print(f"generate.py: wrote {out_dir} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
