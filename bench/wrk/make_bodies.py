#!/usr/bin/env python3
"""Writes the request bodies wrk posts: one KServe v2 binary-tensor request per model.

Why this exists: wrk sends one fixed body per script; building it here, from the model
descriptions in bench/models.py, keeps the load generator free of tensor logic and makes
every system receive byte-identical requests.

For each model it writes <out>/<model>.body (the JSON header immediately followed by the
raw little-endian input tensors) and <out>/<model>.hlen (the JSON header's length in bytes,
the value of the Inference-Header-Content-Length header). Batching models get batch 1.
All outputs are requested as binary data. Input values are seeded pseudo-random numbers.

Usage: .venv/bin/python bench/wrk/make_bodies.py --out <dir>
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from models import MODELS  # noqa: E402

NUMPY = {"FP32": np.float32, "FP64": np.float64, "INT32": np.int32, "INT64": np.int64}


def request_body(name: str):
    """Returns (body bytes, JSON header length) of one batch-1 request to model `name`."""
    model = MODELS[name]
    rng = np.random.default_rng(0)
    batch = [1] if model["max_batch_size"] > 0 else []
    inputs, blobs = [], []
    for tensor_name, datatype, dims in model["inputs"]:
        shape = batch + dims
        little_endian = np.dtype(NUMPY[datatype]).newbyteorder("<")
        blob = rng.random(shape).astype(little_endian).tobytes()
        inputs.append({"name": tensor_name, "shape": shape, "datatype": datatype,
                       "parameters": {"binary_data_size": len(blob)}})
        blobs.append(blob)
    outputs = [{"name": n, "parameters": {"binary_data": True}} for n, _, _ in model["outputs"]]
    header = json.dumps({"inputs": inputs, "outputs": outputs}, separators=(",", ":")).encode()
    return header + b"".join(blobs), len(header)


def main(argv) -> int:
    parser = argparse.ArgumentParser(description="Write wrk request bodies for bench models.")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for name in MODELS:
        body, header_length = request_body(name)
        with open(os.path.join(args.out, name + ".body"), "wb") as f:
            f.write(body)
        with open(os.path.join(args.out, name + ".hlen"), "w") as f:
            f.write(f"{header_length}\n")
        print(f"make_bodies.py: {name}: {len(body)} bytes ({header_length} of JSON)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
