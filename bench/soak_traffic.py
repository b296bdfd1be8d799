"""The request mix of bench/soak and the check of every answer.

Why this exists: a soak that only counts HTTP 200s would miss wrong answers and would
call every error "expected". Each request kind here carries its own verdict: a valid
request must come back with exactly the right numbers (add_sub exact; mlp within float
tolerance of a reference computed with torch before the load starts), an invalid one
must get its documented status and message. Anything else is a failure with a reason.

Kinds (weights in the mix): add_sub JSON and binary, mlp binary with batch 1..4 (dynamic
batching mixes requests from many clients), six invalid kinds, and client_abort: a raw
socket that sends a whole request and resets the connection without reading the answer
(its verdict is the soak's fd and RSS checks)."""
import json
import random
import socket
import struct

import numpy as np

MLP_POOL = 16  # distinct mlp inputs with precomputed reference outputs


def binary_request(header, blobs):
    text = json.dumps(header).encode()
    return text + b"".join(blobs), {"Inference-Header-Content-Length": str(len(text)),
                                    "Content-Type": "application/octet-stream"}


def split_binary(response):
    length = int(response.headers["Inference-Header-Content-Length"])
    header = json.loads(response.content[:length])
    out, offset = {}, length
    for o in header["outputs"]:
        size = o["parameters"]["binary_data_size"]
        out[o["name"]] = response.content[offset:offset + size]
        offset += size
    return header, out


class Traffic:
    """Builds requests and judges answers. reference(x) gives the mlp's expected output
    for a [n, 512] float32 array (None: no mlp traffic)."""

    def __init__(self, mlp_reference=None, seed=0):
        rng = np.random.default_rng(seed)
        self.mix = [("add_sub_json", 30), ("add_sub_binary", 20), ("invalid_shape", 3),
                    ("unknown_model", 3), ("bad_json", 3), ("bad_dtype", 2),
                    ("client_abort", 2)]
        if mlp_reference is not None:
            self.mlp_inputs = rng.standard_normal((MLP_POOL, 512)).astype(np.float32)
            self.mlp_expected = mlp_reference(self.mlp_inputs)
            self.mix += [("mlp", 30), ("mlp_batch_too_big", 2)]
        self.kinds = [k for k, _ in self.mix]
        self.weights = [w for _, w in self.mix]

    def pick(self, rnd):
        return rnd.choices(self.kinds, self.weights)[0]

    def make(self, kind, rnd, rid):
        """Returns (path, body bytes, headers, judge) — judge(response) → None when the
        answer is right, else a short reason."""
        a = [rnd.randint(-1000, 1000) / 8 for _ in range(16)]  # exact in float32
        b = [rnd.randint(-1000, 1000) / 8 for _ in range(16)]
        if kind == "add_sub_json":
            body = json.dumps({"id": rid, "inputs": [
                {"name": "INPUT0", "shape": [16], "datatype": "FP32", "data": a},
                {"name": "INPUT1", "shape": [16], "datatype": "FP32", "data": b}]}).encode()

            def judge(r):
                if r.status_code != 200:
                    return f"status {r.status_code}: {r.text[:200]}"
                out = r.json()
                got = {o["name"]: o["data"] for o in out["outputs"]}
                if out.get("id") != rid:
                    return f"id {out.get('id')} for {rid}"
                if got.get("OUTPUT0") != [x + y for x, y in zip(a, b)] or \
                        got.get("OUTPUT1") != [x - y for x, y in zip(a, b)]:
                    return f"wrong add_sub answer {got}"
                return None
            return "/v2/models/add_sub/infer", body, {}, judge
        if kind == "add_sub_binary":
            header = {"id": rid, "inputs": [
                {"name": n, "shape": [16], "datatype": "FP32",
                 "parameters": {"binary_data_size": 64}} for n in ("INPUT0", "INPUT1")],
                "outputs": [{"name": n, "parameters": {"binary_data": True}}
                            for n in ("OUTPUT0", "OUTPUT1")]}
            body, headers = binary_request(header, [np.array(a, np.float32).tobytes(),
                                                    np.array(b, np.float32).tobytes()])

            def judge(r):
                if r.status_code != 200:
                    return f"status {r.status_code}: {r.text[:200]}"
                head, raw = split_binary(r)
                if head.get("id") != rid:
                    return f"id {head.get('id')} for {rid}"
                s = np.frombuffer(raw["OUTPUT0"], np.float32)
                d = np.frombuffer(raw["OUTPUT1"], np.float32)
                if s.tolist() != [x + y for x, y in zip(a, b)] or \
                        d.tolist() != [x - y for x, y in zip(a, b)]:
                    return "wrong add_sub binary answer"
                return None
            return "/v2/models/add_sub/infer", body, headers, judge
        if kind == "mlp":
            n = rnd.randint(1, 4)
            rows = [rnd.randrange(MLP_POOL) for _ in range(n)]
            x = self.mlp_inputs[rows]
            expected = self.mlp_expected[rows]
            header = {"id": rid, "inputs": [{"name": "INPUT__0", "shape": [n, 512],
                                             "datatype": "FP32",
                                             "parameters": {"binary_data_size": x.nbytes}}],
                      "outputs": [{"name": "OUTPUT__0", "parameters": {"binary_data": True}}]}
            body, headers = binary_request(header, [x.tobytes()])

            def judge(r):
                if r.status_code != 200:
                    return f"status {r.status_code}: {r.text[:200]}"
                head, raw = split_binary(r)
                if head.get("id") != rid or head["outputs"][0]["shape"] != [n, 512]:
                    return f"id/shape {head.get('id')} {head['outputs'][0]['shape']} for {rid}"
                got = np.frombuffer(raw["OUTPUT__0"], np.float32).reshape(n, 512)
                if not np.allclose(got, expected, rtol=1e-4, atol=1e-4):
                    return f"wrong mlp answer (max error {np.abs(got - expected).max():.3g})"
                return None
            return "/v2/models/mlp/infer", body, headers, judge
        # invalid kinds: (path, body, status, message fragment)
        if kind == "invalid_shape":
            body = json.dumps({"inputs": [
                {"name": "INPUT0", "shape": [15], "datatype": "FP32", "data": a[:15]},
                {"name": "INPUT1", "shape": [16], "datatype": "FP32", "data": b}]}).encode()
            case = ("/v2/models/add_sub/infer", body, 400,
                    "unexpected shape for input 'INPUT0' for model 'add_sub'")
        elif kind == "unknown_model":
            case = ("/v2/models/no_such_model/infer", b'{"inputs":[]}', 404, "no_such_model")
        elif kind == "bad_json":
            case = ("/v2/models/add_sub/infer", b'{"inputs": [{"name": ', 400,
                    "failed to parse the request JSON buffer")
        elif kind == "bad_dtype":
            body = json.dumps({"inputs": [
                {"name": "INPUT0", "shape": [16], "datatype": "INT32", "data": [1] * 16},
                {"name": "INPUT1", "shape": [16], "datatype": "FP32", "data": b}]}).encode()
            case = ("/v2/models/add_sub/infer", body, 400, "INPUT0")
        elif kind == "mlp_batch_too_big":
            header = {"inputs": [{"name": "INPUT__0", "shape": [65, 512], "datatype": "FP32",
                                  "parameters": {"binary_data_size": 65 * 512 * 4}}]}
            body, headers = binary_request(header, [bytes(65 * 512 * 4)])
            return "/v2/models/mlp/infer", body, headers, expect_error(
                400, "inference request batch-size must be <= 64 for 'mlp'")
        else:
            raise ValueError(f"unknown request kind '{kind}'")
        path, body, status, fragment = case
        return path, body, {}, expect_error(status, fragment)


def client_abort(host, port, body):
    """Sends one add_sub request on a fresh connection and resets it at once. Returns None
    (nothing to judge) or a reason when the server would not even accept the request."""
    try:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(b"POST /v2/models/add_sub/infer HTTP/1.1\r\nHost: soak\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(body) + body)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError as e:
        return f"could not send: {e}"
    return None


def expect_error(status, fragment):
    def judge(r):
        if r.status_code != status:
            return f"expected {status}, got {r.status_code}: {r.text[:200]}"
        try:
            error = r.json()["error"]
        except (ValueError, KeyError):
            return f"error answer is not {{\"error\": ...}}: {r.text[:200]}"
        if fragment not in error:
            return f"error without '{fragment}': {error[:200]}"
        return None
    return judge


def new_random(worker):
    return random.Random(1000 + worker)
