"""Bad input over HTTP (issue 5): each case gets the right status and a clear message, and
the next good request still succeeds."""
import json
import struct

import pytest

from binary import binary_body

GOOD = {"inputs": [{"name": "INPUT0", "shape": [4], "datatype": "FP32", "data": [1, 2, 3, 4]},
                   {"name": "INPUT1", "shape": [4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}


def check_good(server):
    r = server.infer("addsub", GOOD)
    assert r.status_code == 200, r.text
    assert r.json()["outputs"][0]["data"] == [2, 3, 4, 5]


def with_input(**changes):
    body = json.loads(json.dumps(GOOD))
    body["inputs"][0].update(changes)
    return body


CASES = [
    # (name, model, body or raw bytes, headers, status, message fragment)
    ("malformed json", "addsub", b'{"inputs": [', None, 400,
     "failed to parse the request JSON buffer"),
    ("not an object", "addsub", b"[1,2]", None, 400, "must be a JSON object"),
    ("wrong dtype", "addsub", with_input(datatype="INT32", data=[1, 2, 3, 4]), None, 400,
     "INPUT0"),
    ("unknown dtype", "addsub", with_input(datatype="FLOAT"), None, 400,
     "invalid datatype 'FLOAT'"),
    ("wrong shape", "addsub", with_input(shape=[5], data=[1, 2, 3, 4, 5]), None, 400,
     "INPUT0"),
    ("element count mismatch", "addsub", with_input(shape=[4], data=[1, 2, 3]), None, 400,
     "expects 4, got 3"),
    ("data of wrong JSON type", "addsub", with_input(data=["a", "b", "c", "d"]), None, 400,
     "expected a number for datatype FP32"),
    ("missing input", "addsub", {"inputs": GOOD["inputs"][:1]}, None, 400, "INPUT1"),
    ("unknown input", "addsub",
     {"inputs": GOOD["inputs"] + [{"name": "EXTRA", "shape": [1], "datatype": "FP32", "data": [1]}]},
     None, 400, "unexpected inference input 'EXTRA' for model 'addsub'"),
    ("duplicate output", "addsub",
     {"inputs": GOOD["inputs"], "outputs": [{"name": "OUTPUT0"}, {"name": "OUTPUT0"}]},
     None, 400, "inference request for model 'addsub' has duplicate output name 'OUTPUT0'"),
    ("no inputs member", "addsub", {"outputs": []}, None, 400, "has no 'inputs' array"),
    ("unknown model", "nosuchmodel", GOOD, None, 404, "nosuchmodel"),
    ("huge shape overflow", "addsub",
     with_input(shape=[4294967296, 4294967296, 16], data=[1]), None, 400,
     "causes total element count to exceed maximum size of"),
    ("huge shape within uint64", "addsub", with_input(shape=[1000000000000], data=[1]), None,
     400, "causes total element count to exceed maximum size of"),
    ("binary size without header", "addsub",
     with_input(data=None, parameters={"binary_data_size": 16}), None, 400,
     "has no Inference-Header-Content-Length header"),
    ("two data sources", "addsub", with_input(parameters={"binary_data_size": 16}), None, 400,
     "Input must set only one of the following fields"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_request_then_good(server, case):
    _, model, body, headers, status, fragment = case
    if isinstance(body, bytes):
        r = server.post(f"/v2/models/{model}/infer", data=body, headers=headers or {})
    else:
        if body.get("inputs") and body["inputs"][0].get("data", 0) is None:
            del body["inputs"][0]["data"]
        r = server.infer(model, body, headers=headers or {})
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "application/json"
    assert fragment in r.json()["error"], r.json()["error"]
    check_good(server)


def test_unknown_version(server):
    r = server.infer("addsub", GOOD, version=42)
    assert r.status_code == 404 and "addsub" in r.json()["error"]
    check_good(server)


def test_header_length_larger_than_body(server):
    body, headers = binary_body(GOOD, [])
    headers["Inference-Header-Content-Length"] = str(len(body) + 10)
    r = server.post("/v2/models/addsub/infer", data=body, headers=headers)
    assert r.status_code == 400 and "Inference-Header-Content-Length" in r.json()["error"]
    headers["Inference-Header-Content-Length"] = "abc"
    r = server.post("/v2/models/addsub/infer", data=body, headers=headers)
    assert r.status_code == 400
    check_good(server)


def test_binary_size_mismatches(server):
    header = {"inputs": [{"name": "INPUT0", "shape": [4], "datatype": "FP32",
                          "parameters": {"binary_data_size": 16}},
                         {"name": "INPUT1", "shape": [4], "datatype": "FP32",
                          "parameters": {"binary_data_size": 16}}]}
    body, headers = binary_body(header, [b"\0" * 20])  # 12 bytes short
    r = server.post("/v2/models/addsub/infer", data=body, headers=headers)
    assert r.status_code == 400 and "unexpected size for input 'INPUT1'" in r.json()["error"]
    body, headers = binary_body(header, [b"\0" * 40])  # 8 bytes extra
    r = server.post("/v2/models/addsub/infer", data=body, headers=headers)
    assert r.status_code == 400 and "unexpected additional input data" in r.json()["error"]
    header["inputs"][0]["parameters"]["binary_data_size"] = 12
    body, headers = binary_body(header, [b"\0" * 28])
    r = server.post("/v2/models/addsub/infer", data=body, headers=headers)
    assert r.status_code == 400 and "byte size mismatch" in r.json()["error"]
    check_good(server)


def test_truncated_bytes(server):
    raw = struct.pack("<I", 10) + b"abc"  # declares 10 bytes, carries 3
    header = {"inputs": [{"name": "INPUT0", "shape": [1], "datatype": "BYTES",
                          "parameters": {"binary_data_size": len(raw)}}]}
    body, headers = binary_body(header, [raw])
    r = server.post("/v2/models/id_bytes/infer", data=body, headers=headers)
    assert r.status_code == 400 and "incomplete string data" in r.json()["error"]
    check_good(server)


def test_body_over_the_limit(server):
    big = b'{"inputs":[' + b" " * (3 * 1024 * 1024) + b"]}"
    r = server.post("/v2/models/addsub/infer", data=big)
    assert r.status_code == 413
    message = r.json()["error"]
    assert "exceeds the maximum allowed value of" in message, message
    assert message.endswith("Use --http-max-input-size to increase the limit."), message
    check_good(server)


def test_raw_binary_requests_worded_as_triton(server, start_server, tmp_path):
    """A raw-binary request (Inference-Header-Content-Length: 0) is deduced from a model of
    one input with at most one variable dimension; otherwise Triton's words."""
    raw = {"Inference-Header-Content-Length": "0", "Content-Type": "application/octet-stream"}
    r = server.post("/v2/models/addsub/infer", data=b"\0" * 16, headers=raw)
    assert r.status_code == 400
    assert r.json()["error"] == ("Raw request must only have 1 input (found 1) to be deduced "
                                 "but got 2 inputs in 'addsub' model configuration")
    from conftest import io_config, write_model
    repo = str(tmp_path / "repo")
    write_model(repo, "two_variable", io_config("two_variable", "TYPE_FP32", [-1, -1]))
    write_model(repo, "one_variable", io_config("one_variable", "TYPE_FP32", [2, -1]))
    other = start_server(repo)
    r = other.post("/v2/models/two_variable/infer", data=b"\0" * 16, headers=raw)
    assert r.status_code == 400
    assert r.json()["error"] == ("The shape of the raw input 'INPUT0' can not be deduced "
                                 "because there are more than one variable-sized dimension")
    r = other.post("/v2/models/one_variable/infer", data=b"\0" * 16, headers=raw)
    assert r.status_code == 200, r.text
    check_good(server)


def test_deep_json(server):
    deep = b'{"inputs":[{"name":"INPUT0","shape":[1],"datatype":"FP32","data":' + \
        b"[" * 200 + b"1" + b"]" * 200 + b"}]}"
    r = server.post("/v2/models/addsub/infer", data=deep)
    assert r.status_code == 400 and "failed to parse" in r.json()["error"]
    check_good(server)


def test_bad_bodies_on_other_endpoints(server):
    r = server.post("/v2/logging", data=b"{nope")
    assert r.status_code == 400 and "failed to parse" in r.json()["error"]
    r = server.post("/v2/repository/index", json={"ready": "yes"})
    assert r.status_code == 400
    r = server.post("/v2/systemsharedmemory/region/r/register", json={"key": 5})
    assert r.status_code == 400 and "register expects" in r.json()["error"]
    check_good(server)


def test_oversized_headers(server):
    """Headers beyond the 32 KiB per-connection memory are refused by libmicrohttpd."""
    r = server.get("/v2/health/live", headers={"X-Big": "a" * 40000})
    assert r.status_code == 431
    check_good(server)
