#!/usr/bin/env python3
"""The Python baseline of the benchmarks: a KServe v2 server as a user would write it.

Why this exists: torchd's promise is to beat what users would otherwise build, and the
common alternative is a small aiohttp app around torch.jit.load. This is that app, done
honestly: the same KServe v2 HTTP protocol as torchd (JSON tensors and the binary-tensor
extension with Inference-Header-Content-Length), so the same wrk scripts drive both.
It runs each request's forward directly in the event loop (no batching), under
torch.inference_mode, like most such servers.

Endpoints: GET /v2/health/live, GET /v2/health/ready, GET /v2/models/<m>,
GET /v2/models/<m>/ready, POST /v2/models/<m>/infer.

Models: every model of the repository that bench/models.py describes (MODELS gives the
input order and output names); the highest numeric version directory is served.

Threads: torch's intra-op pool gets one thread per core this process may run on
(sched_getaffinity), or --threads.

Usage: .venv/bin/python bench/python_server.py --model-repository DIR [--port 8100]
"""

import argparse
import json
import os
import sys
import warnings

import numpy as np
import torch
from aiohttp import web

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import MODELS  # noqa: E402

DTYPES = {  # KServe v2 datatype -> numpy dtype
    "BOOL": np.bool_, "UINT8": np.uint8, "INT8": np.int8, "INT16": np.int16,
    "INT32": np.int32, "INT64": np.int64, "FP16": np.float16, "FP32": np.float32,
    "FP64": np.float64,
}
NUMPY_TO_V2 = {np.dtype(v): k for k, v in DTYPES.items()}

# Inputs are read-only views of the request body (no copy); forward never writes them.
warnings.filterwarnings("ignore", message="The given NumPy array is not writable")


class BadRequest(Exception):
    """A client error: becomes HTTP 400 {"error": message}."""


def load_models(repository: str):
    """Returns {name: (scripted module, version string)} for every known model in repository."""
    loaded = {}
    for name in sorted(os.listdir(repository)):
        if name not in MODELS:
            print(f"python_server: skipping {name}: not a benchmark model", file=sys.stderr)
            continue
        model_dir = os.path.join(repository, name)
        versions = sorted(int(v) for v in os.listdir(model_dir) if v.isdigit())
        if not versions:
            raise SystemExit(f"python_server: {model_dir} has no version directory")
        module = torch.jit.load(os.path.join(model_dir, str(versions[-1]), "model.pt")).eval()
        if MODELS[name].get("optimize_for_inference"):  # what torchd's parameter does
            module = torch.jit.optimize_for_inference(torch.jit.freeze(module))
        loaded[name] = (module, str(versions[-1]))
    return loaded


def split_body(body: bytes, header_length):
    """Splits a request body into (JSON header dict, binary tail) per the binary extension."""
    if header_length is None:
        json_bytes, binary = body, b""
    else:
        try:
            n = int(header_length)
        except ValueError:
            raise BadRequest(f"Inference-Header-Content-Length must be an integer, "
                             f"got '{header_length}'")
        if not 0 <= n <= len(body):
            raise BadRequest(f"Inference-Header-Content-Length {n} is outside the body "
                             f"of {len(body)} bytes")
        json_bytes, binary = body[:n], body[n:]
    try:
        return json.loads(json_bytes), binary
    except ValueError as e:
        raise BadRequest(f"failed to parse the request JSON: {e}")


def decode_inputs(model_name: str, header: dict, binary: bytes):
    """Returns the forward arguments (tensors in MODELS order) for one request."""
    given, offset = {}, 0
    for tensor in header.get("inputs", []):
        name, datatype, shape = tensor.get("name"), tensor.get("datatype"), tensor.get("shape")
        if datatype not in DTYPES:
            raise BadRequest(f"input '{name}': unsupported datatype '{datatype}'")
        dtype = DTYPES[datatype]
        size = tensor.get("parameters", {}).get("binary_data_size")
        if size is not None:
            if offset + size > len(binary):
                raise BadRequest(f"unexpected size for input '{name}'")
            array = np.frombuffer(binary, dtype=dtype, count=size // np.dtype(dtype).itemsize,
                                  offset=offset)
            offset += size
        else:
            array = np.asarray(tensor.get("data"), dtype=dtype)
        try:
            given[name] = torch.from_numpy(array.reshape(shape))
        except (ValueError, TypeError) as e:
            raise BadRequest(f"input '{name}': data does not match shape {shape}: {e}")
    if offset != len(binary):
        raise BadRequest("unexpected additional input data")
    wanted = [n for n, _, _ in MODELS[model_name]["inputs"]]
    missing = [n for n in wanted if n not in given]
    if missing:
        raise BadRequest(f"model '{model_name}' expects inputs {wanted}, missing {missing}")
    return [given[n] for n in wanted]


def encode_outputs(model_name: str, version: str, header: dict, result):
    """Returns (response bytes, JSON header length or None) for the forward result."""
    values = list(result) if isinstance(result, tuple) else [result]
    names = [n for n, _, _ in MODELS[model_name]["outputs"]]
    default_binary = bool(header.get("parameters", {}).get("binary_data_output", False))
    requested = {o["name"]: o.get("parameters", {}) for o in header.get("outputs", [])}
    outputs, blobs = [], []
    for name, value in zip(names, values):
        if requested and name not in requested:
            continue
        array = value.contiguous().numpy()
        entry = {"name": name, "datatype": NUMPY_TO_V2[array.dtype], "shape": list(array.shape)}
        if requested.get(name, {}).get("binary_data", default_binary):
            blob = array.tobytes()
            entry["parameters"] = {"binary_data_size": len(blob)}
            blobs.append(blob)
        else:
            entry["data"] = array.reshape(-1).tolist()
        outputs.append(entry)
    response = {"model_name": model_name, "model_version": version, "outputs": outputs}
    if "id" in header and header["id"]:
        response["id"] = header["id"]
    json_bytes = json.dumps(response, separators=(",", ":")).encode()
    if not blobs:
        return json_bytes, None
    return json_bytes + b"".join(blobs), len(json_bytes)


def make_app(models) -> web.Application:
    routes = web.RouteTableDef()

    def error(status: int, message: str) -> web.Response:
        return web.json_response({"error": message}, status=status)

    @routes.get("/v2/health/live")
    @routes.get("/v2/health/ready")
    async def health(_request):
        return web.Response()

    @routes.get("/v2/models/{model}")
    async def metadata(request):
        name = request.match_info["model"]
        if name not in models:
            return error(404, f"Request for unknown model: '{name}' is not found")
        m = MODELS[name]
        batch = [-1] if m["max_batch_size"] > 0 else []

        def tensors(entries):
            return [{"name": n, "datatype": t, "shape": batch + d} for n, t, d in entries]
        return web.json_response({"name": name, "versions": [models[name][1]],
                                  "platform": "pytorch_libtorch",
                                  "inputs": tensors(m["inputs"]),
                                  "outputs": tensors(m["outputs"])})

    @routes.get("/v2/models/{model}/ready")
    async def model_ready(request):
        name = request.match_info["model"]
        return web.Response() if name in models else error(404, f"unknown model '{name}'")

    @routes.post("/v2/models/{model}/infer")
    async def infer(request):
        name = request.match_info["model"]
        if name not in models:
            return error(404, f"Request for unknown model: '{name}' is not found")
        module, version = models[name]
        try:
            header, binary = split_body(await request.read(),
                                        request.headers.get("Inference-Header-Content-Length"))
            args = decode_inputs(name, header, binary)
            with torch.inference_mode():
                result = module(*args)
            body, json_length = encode_outputs(name, version, header, result)
        except BadRequest as e:
            return error(400, str(e))
        except RuntimeError as e:  # what forward raises
            return error(500, f"PyTorch execute failure: {e}")
        if json_length is None:
            return web.Response(body=body, content_type="application/json")
        return web.Response(body=body, content_type="application/octet-stream",
                            headers={"Inference-Header-Content-Length": str(json_length)})

    app = web.Application(client_max_size=64 << 20)
    app.add_routes(routes)
    return app


def main(argv) -> int:
    parser = argparse.ArgumentParser(description="KServe v2 Python baseline server (aiohttp).")
    parser.add_argument("--model-repository", required=True)
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch intra-op threads (default: cores this process may use)")
    args = parser.parse_args(argv)
    threads = args.threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    models = load_models(args.model_repository)
    print(f"python_server: serving {', '.join(models)} on {args.host}:{args.port} "
          f"with {threads} intra-op thread(s)", file=sys.stderr, flush=True)
    web.run_app(make_app(models), host=args.host, port=args.port, print=None,
                access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
