"""KServe v2 HTTP/REST protocol against a real torchd serving identity-backend models:
every endpoint, JSON and binary tensors of every dtype, batching, classification,
versions, request parameters and the Triton extensions."""
import json
import os

import numpy as np
import pytest
import requests

from binary import NUMPY_TYPES, binary_body, deserialize_bytes, split_response, tensor_bytes

JSON_SAMPLES = {
    "BOOL": [True, False, True],
    "UINT8": [0, 7, 255], "UINT16": [0, 9, 65535], "UINT32": [0, 1, 4294967295],
    "UINT64": [0, 1, 18446744073709551615],
    "INT8": [-128, 0, 127], "INT16": [-32768, 1, 32767], "INT32": [-2147483648, 5, 2147483647],
    "INT64": [-9223372036854775808, 0, 9223372036854775807],
    "FP32": [1.5, -0.25, 3.0], "FP64": [0.1, -2.5, 1e300],
    "BYTES": ["a", "", "hello world"],
}


def test_health(server):
    assert server.get("/v2/health/live").status_code == 200
    r = server.get("/v2/health/ready")
    assert r.status_code == 200 and r.content == b""


def test_server_metadata(server):
    body = server.get("/v2").json()
    assert body["name"] == "triton"
    assert body["version"]
    for ext in ("binary_tensor_data", "classification", "model_repository", "statistics",
                "system_shared_memory", "cuda_shared_memory", "logging", "trace", "parameters",
                "sequence"):
        assert ext in body["extensions"]
    assert "generate" not in body["extensions"]


def test_model_metadata_ready_config(server):
    meta = server.get("/v2/models/ident_batch").json()
    assert meta["name"] == "ident_batch" and meta["versions"] == ["1"]
    assert meta["inputs"] == [{"name": "INPUT0", "datatype": "FP32", "shape": [-1, -1]}]
    assert server.get("/v2/models/ident_batch/versions/1").status_code == 200
    assert server.get("/v2/models/ident_batch/ready").status_code == 200
    assert server.get("/v2/models/ident_batch/versions/1/ready").status_code == 200
    config = server.get("/v2/models/ident_batch/config").json()
    assert config["name"] == "ident_batch" and config["max_batch_size"] == 8
    assert server.get("/v2/models/id_bytes").json()["inputs"][0]["datatype"] == "BYTES"


def test_unknown_paths_methods_and_names(server):
    r = server.get("/v2/nothing")
    assert r.status_code == 404 and r.json() == {"error": "Not Found"}
    r = server.get("/v2/models/addsub/infer")
    assert r.status_code == 405 and r.json() == {"error": "Method Not Allowed"}
    r = server.get("/v2/models/nosuchmodel")
    assert r.status_code == 404 and "nosuchmodel" in r.json()["error"]
    r = server.get("/v2/models/addsub/versions/abc")
    assert r.status_code == 400 and "failed to parse model version" in r.json()["error"]
    for path in ("/v2/models/%2e%2e/config", "/v2/models/a%2Fb/ready"):
        r = server.get(path)
        assert r.status_code == 400 and "invalid model name" in r.json()["error"]
    # A version that is not loaded is not found (404, as Triton) on every per-version
    # endpoint; the message names the model and the version.
    body = {"inputs": [{"name": "INPUT0", "shape": [1], "datatype": "FP32", "data": [1]}]}
    for method, path in (("GET", "/ready"), ("GET", ""), ("GET", "/config"),
                         ("POST", "/infer")):
        url = "/v2/models/versioned/versions/9" + path
        r = server.get(url) if method == "GET" else server.post(url, json=body)
        assert r.status_code == 404, (url, r.status_code, r.text)
        assert "'versioned' version 9 is not found" in r.json()["error"], (url, r.text)
    # Statistics answer from the ready versions (spec §4.6, Triton's ServerModelStatistics)
    r = server.get("/v2/models/versioned/versions/9/stats")
    assert r.status_code == 400
    assert r.json()["error"] == "requested model version is not available for model 'versioned'"


def test_infer_json_add_sub(server):
    r = server.infer("addsub", {"id": "req-1", "inputs": [
        {"name": "INPUT0", "shape": [4], "datatype": "FP32", "data": [1, 2, 3, 4]},
        {"name": "INPUT1", "shape": [4], "datatype": "FP32", "data": [[1, 1], [1, 1]]}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == "req-1" and body["model_name"] == "addsub"
    assert body["model_version"] == "1"
    outs = {o["name"]: o for o in body["outputs"]}
    assert outs["OUTPUT0"]["data"] == [2, 3, 4, 5]
    assert outs["OUTPUT1"]["data"] == [0, 1, 2, 3]
    assert outs["OUTPUT0"]["shape"] == [4] and outs["OUTPUT0"]["datatype"] == "FP32"
    assert r.headers["Content-Type"] == "application/json"


def test_requested_output_subset_and_no_id(server):
    r = server.infer("addsub", {"inputs": [
        {"name": "INPUT0", "shape": [4], "datatype": "FP32", "data": [1, 2, 3, 4]},
        {"name": "INPUT1", "shape": [4], "datatype": "FP32", "data": [1, 1, 1, 1]}],
        "outputs": [{"name": "OUTPUT1"}]})
    body = r.json()
    assert "id" not in body
    assert [o["name"] for o in body["outputs"]] == ["OUTPUT1"]


@pytest.mark.parametrize("dtype", sorted(JSON_SAMPLES))
def test_every_dtype_json(server, dtype):
    data = JSON_SAMPLES[dtype]
    r = server.infer(f"id_{dtype.lower()}", {"inputs": [
        {"name": "INPUT0", "shape": [3], "datatype": dtype, "data": data}]})
    assert r.status_code == 200, r.text
    out = r.json()["outputs"][0]
    assert out["datatype"] == dtype and out["shape"] == [3]
    if dtype == "FP32":
        assert np.allclose(out["data"], data)
    else:
        assert out["data"] == data


@pytest.mark.parametrize("dtype", sorted(NUMPY_TYPES) + ["BYTES"])
def test_every_dtype_binary(server, dtype):
    if dtype == "BYTES":
        values = [b"a\x00b", b"", b"\xff\x00\x01"]
        raw = tensor_bytes("BYTES", values)
    else:
        values = np.arange(6).astype(NUMPY_TYPES[dtype]) % (2 if dtype == "BOOL" else 100)
        raw = values.astype(NUMPY_TYPES[dtype]).tobytes()
    header = {"inputs": [{"name": "INPUT0", "shape": [len(values)], "datatype": dtype,
                          "parameters": {"binary_data_size": len(raw)}}],
              "outputs": [{"name": "OUTPUT0", "parameters": {"binary_data": True}}]}
    body, headers = binary_body(header, [raw])
    r = server.post(f"/v2/models/id_{dtype.lower()}/infer", data=body, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/octet-stream"
    meta, outputs = split_response(r)
    assert meta["outputs"][0]["parameters"]["binary_data_size"] == len(raw)
    assert outputs["OUTPUT0"] == raw
    if dtype == "BYTES":
        assert deserialize_bytes(outputs["OUTPUT0"]) == values


def test_fp16_in_json_is_rejected_with_a_clear_message(server):
    r = server.infer("id_fp16", {"inputs": [
        {"name": "INPUT0", "shape": [1], "datatype": "FP16", "data": [1.0]}]})
    assert r.status_code == 400
    assert "FP16" in r.json()["error"] and "binary" in r.json()["error"]


def test_bytes_with_embedded_nuls_json(server):
    r = server.infer("id_bytes", {"inputs": [
        {"name": "INPUT0", "shape": [2], "datatype": "BYTES", "data": ["a\u0000b", "\u0000"]}]})
    assert r.json()["outputs"][0]["data"] == ["a\u0000b", "\u0000"]


def test_binary_data_output_request_parameter(server):
    r = server.infer("addsub", {"parameters": {"binary_data_output": True}, "inputs": [
        {"name": "INPUT0", "shape": [4], "datatype": "FP32", "data": [1, 2, 3, 4]},
        {"name": "INPUT1", "shape": [4], "datatype": "FP32", "data": [1, 1, 1, 1]}],
        "outputs": [{"name": "OUTPUT0"}, {"name": "OUTPUT1", "parameters": {"binary_data": False}}]})
    meta, raw = split_response(r)
    assert np.frombuffer(raw["OUTPUT0"], np.float32).tolist() == [2, 3, 4, 5]
    out1 = [o for o in meta["outputs"] if o["name"] == "OUTPUT1"][0]
    assert out1["data"] == [0, 1, 2, 3]


def test_batched_request(server):
    data = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    r = server.infer("ident_batch", {"inputs": [
        {"name": "INPUT0", "shape": [3, 2], "datatype": "FP32", "data": data}]})
    out = r.json()["outputs"][0]
    assert out["shape"] == [3, 2] and out["data"] == [1, 2, 3, 4, 5, 6]
    r = server.infer("ident_batch", {"inputs": [
        {"name": "INPUT0", "shape": [9, 1], "datatype": "FP32", "data": [0] * 9}]})
    assert r.status_code == 400 and "batch" in r.json()["error"]


def test_raw_binary_body(server):
    raw = np.array([1.5, 2.5, 3.5], np.float32).tobytes()
    r = server.post("/v2/models/id_fp32/infer", data=raw,
                    headers={"Inference-Header-Content-Length": "0"})
    assert r.status_code == 200, r.text
    meta, outputs = split_response(r)
    assert meta["outputs"][0]["shape"] == [3]
    assert outputs["OUTPUT0"] == raw


def test_classification(server):
    r = server.infer("classify", {"inputs": [
        {"name": "INPUT0", "shape": [2, 4], "datatype": "FP32",
         "data": [[0.1, 0.7, 0.2, 0.0], [3, 1, 2, 4]]}],
        "outputs": [{"name": "OUTPUT0", "parameters": {"classification": 2}}]})
    assert r.status_code == 200, r.text
    out = r.json()["outputs"][0]
    assert out["datatype"] == "BYTES" and out["shape"] == [2, 2]
    assert out["data"] == ["0.700000:1:dog", "0.200000:2:bird", "4.000000:3:fish",
                           "3.000000:0:cat"]


def test_versions(server):
    meta = server.get("/v2/models/versioned").json()
    assert sorted(meta["versions"]) == ["1", "2", "3"]
    body = {"inputs": [{"name": "INPUT0", "shape": [1], "datatype": "INT32", "data": [7]}]}
    assert server.infer("versioned", body).json()["model_version"] == "3"
    assert server.infer("versioned", body, version=2).json()["model_version"] == "2"
    assert server.get("/v2/models/versioned/versions/1").json()["versions"] == ["1"]
    r = server.infer("versioned", body, version=7)
    assert r.status_code == 404, r.text


def test_request_parameters_are_accepted(server):
    r = server.infer("id_fp32", {"parameters": {"priority": 0, "timeout": 5000000,
                                                "my_flag": True, "my_text": "x", "my_num": 2.5},
                                 "inputs": [{"name": "INPUT0", "shape": [1], "datatype": "FP32",
                                             "data": [1]}]})
    assert r.status_code == 200, r.text
    r = server.infer("id_fp32", {"parameters": {"triton_secret": 1}, "inputs": []})
    assert r.status_code == 400 and "reserved" in r.json()["error"]


def test_backend_error_is_reported(server):
    r = server.infer("erroring", {"inputs": [
        {"name": "INPUT0", "shape": [1], "datatype": "FP32", "data": [1]}]})
    assert r.status_code in (400, 500)
    assert r.json()["error"]


def test_chunked_request_body(server):
    body = json.dumps({"inputs": [{"name": "INPUT0", "shape": [2], "datatype": "FP32",
                                   "data": [4, 5]}]}).encode()

    def chunks():
        for i in range(0, len(body), 7):
            yield body[i:i + 7]

    r = server.post("/v2/models/id_fp32/infer", data=chunks())
    assert r.status_code == 200, r.text
    assert r.json()["outputs"][0]["data"] == [4, 5]


def test_statistics_after_known_traffic(server):
    body = {"inputs": [{"name": "INPUT0", "shape": [2], "datatype": "FP32", "data": [1, 2]}]}
    for _ in range(5):
        assert server.infer("stats_model", body).status_code == 200
    stats = server.get("/v2/models/stats_model/stats").json()["model_stats"]
    assert len(stats) == 1
    s = stats[0]
    assert s["name"] == "stats_model" and s["version"] == "1"
    assert s["inference_count"] == 5 and s["execution_count"] == 5
    assert s["inference_stats"]["success"]["count"] == 5
    assert s["inference_stats"]["fail"]["count"] == 0
    assert s["inference_stats"]["success"]["ns"] > 0
    everything = server.get("/v2/models/stats").json()["model_stats"]
    assert "stats_model" in [m["name"] for m in everything]


def metric_value(text, name, model):
    prefix = f'{name}{{model="{model}",'
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_before_and_after(server):
    before = requests.get(server.metrics_url, timeout=10)
    assert before.status_code == 200
    assert before.headers["Content-Type"].startswith("text/plain")
    assert metric_value(before.text, "nv_inference_request_success", "metrics_model") == 0
    body = {"inputs": [{"name": "INPUT0", "shape": [1], "datatype": "FP32", "data": [1]}]}
    for _ in range(3):
        server.infer("metrics_model", body)
    after = requests.get(server.metrics_url, timeout=10).text
    assert metric_value(after, "nv_inference_request_success", "metrics_model") == 3
    assert metric_value(after, "nv_inference_count", "metrics_model") == 3
    assert metric_value(after, "nv_inference_pending_request_count", "metrics_model") == 0
    assert "# TYPE nv_inference_request_duration_us counter" in after
    assert requests.get(server.metrics_url.replace("/metrics", "/other"), timeout=10).status_code == 404


def test_logging_settings(server):
    settings = server.get("/v2/logging").json()
    assert set(settings) == {"log_file", "log_info", "log_warning", "log_error",
                             "log_verbose_level", "log_format"}
    r = server.post("/v2/logging", json={"log_verbose_level": 2, "log_info": None})
    assert r.status_code == 200 and r.json()["log_verbose_level"] == 2
    assert r.json()["log_info"] == settings["log_info"]
    assert server.post("/v2/logging", json={"log_file": "/tmp/x"}).status_code == 501
    assert server.post("/v2/logging", json={"log_info": "yes"}).status_code == 400
    server.post("/v2/logging", json={"log_verbose_level": 0})


def test_trace_settings(server):
    settings = server.get("/v2/trace/setting").json()
    assert settings["trace_level"] == ["OFF"] and settings["trace_count"] == "-1"
    r = server.post("/v2/trace/setting", json={"trace_level": ["TIMESTAMPS"], "trace_rate": "5"})
    assert r.status_code == 200
    assert r.json()["trace_level"] == ["TIMESTAMPS"] and r.json()["trace_rate"] == "5"
    assert server.get("/v2/models/addsub/trace/setting").json()["trace_rate"] == "5"
    r = server.post("/v2/trace/setting", json={"trace_level": None, "trace_rate": None})
    assert r.json()["trace_level"] == ["OFF"] and r.json()["trace_rate"] == "1000"
    assert server.post("/v2/trace/setting", json={"trace_level": ["LOUD"]}).status_code == 400


def test_repository_index(server):
    index = server.post("/v2/repository/index").json()
    names = {entry["name"] for entry in index}
    assert {"addsub", "versioned", "classify"} <= names
    entry = [e for e in index if e["name"] == "addsub"][0]
    assert entry == {"name": "addsub", "version": "1", "state": "READY"}  # no empty reason
    ready = server.post("/v2/repository/index", json={"ready": True}).json()
    assert all(e["state"] == "READY" for e in ready)
    r = server.post("/v2/repository/index", json={"ready": "yes"})
    assert r.status_code == 400
    assert r.json()["error"] == "Invalid value for 'ready': expected a boolean"


def test_load_unload_refused_in_none_mode(server):
    r = server.post("/v2/repository/models/addsub/unload")
    assert r.status_code == 503, r.text
    r = server.post("/v2/repository/myrepo/models/addsub/load")
    assert r.status_code == 501
    assert server.get("/v2/models/addsub/ready").status_code == 200


def test_cuda_shared_memory_without_a_gpu(server):
    """Where there is no NVIDIA driver (CI), registering a CUDA region fails with a clear
    500 and leaves nothing behind; a malformed request is a 400 naming what is expected.
    With a GPU the same endpoints carry real IPC handles (test_http_gpu.py)."""
    import base64
    assert server.get("/v2/cudasharedmemory/status").json() == []
    r = server.post("/v2/cudasharedmemory/region/x/register", json={})
    assert r.status_code == 400 and "raw_handle" in r.json()["error"], r.text
    r = server.post("/v2/cudasharedmemory/region/x/register",
                    json={"raw_handle": {"b64": base64.b64encode(b"short").decode()},
                          "device_id": 0, "byte_size": 64})
    assert r.status_code == 400 and "64-byte CUDA IPC handle" in r.json()["error"], r.text
    if not os.path.exists("/dev/nvidiactl"):
        r = server.post("/v2/cudasharedmemory/region/x/register",
                        json={"raw_handle": {"b64": base64.b64encode(bytes(64)).decode()},
                              "device_id": 0, "byte_size": 64})
        assert r.status_code == 500, r.text
        assert "CUDA shared memory is unavailable" in r.json()["error"], r.text
    assert server.get("/v2/cudasharedmemory/status").json() == []
    r = server.get("/v2/cudasharedmemory/region/x/status")
    assert r.status_code == 404
    assert r.json()["error"] == "Unable to find cuda shared memory region: 'x'"
    # unregistering (all, or one name) succeeds, as in Triton: perf_analyzer
    # --shared-memory system unregisters both kinds
    assert server.post("/v2/cudasharedmemory/unregister").status_code == 200
    assert server.post("/v2/cudasharedmemory/region/x/unregister").status_code == 200


def test_compressed_request_and_response(server):
    import gzip
    import zlib
    body = json.dumps({"inputs": [{"name": "INPUT0", "shape": [3], "datatype": "FP32",
                                   "data": [1, 2, 3]}]}).encode()
    for encoding, packed in (("gzip", gzip.compress(body)), ("deflate", zlib.compress(body))):
        r = server.post("/v2/models/id_fp32/infer", data=packed,
                        headers={"Content-Encoding": encoding, "Accept-Encoding": encoding})
        assert r.status_code == 200, r.text
        assert r.headers["Content-Encoding"] == encoding  # requests decompresses for us
        assert r.json()["outputs"][0]["data"] == [1, 2, 3]
    r = server.post("/v2/models/id_fp32/infer", data=b"not gzip",
                    headers={"Content-Encoding": "gzip"})
    assert r.status_code == 400 and "decompress" in r.json()["error"]
    r = server.post("/v2/models/id_fp32/infer", data=body, headers={"Content-Encoding": "br"})
    assert r.status_code == 400 and "unsupported Content-Encoding 'br'" in r.json()["error"]
    bomb = gzip.compress(b" " * (4 * 1024 * 1024))
    r = server.post("/v2/models/id_fp32/infer", data=bomb, headers={"Content-Encoding": "gzip"})
    assert r.status_code == 413
    # Binary outputs are compressed too; Inference-Header-Content-Length counts plain bytes.
    r = server.infer("id_fp32", {"inputs": [{"name": "INPUT0", "shape": [2], "datatype": "FP32",
                                             "data": [5, 6]}],
                                 "outputs": [{"name": "OUTPUT0", "parameters": {"binary_data": True}}]},
                     headers={"Accept-Encoding": "deflate;q=0.5, gzip;q=0.9"})
    assert r.headers["Content-Encoding"] == "gzip"
    meta, raw = split_response(r)
    assert np.frombuffer(raw["OUTPUT0"], np.float32).tolist() == [5, 6]


def test_large_json_tensor_round_trip(server):
    """50k numbers: the request takes the fast numeric decoder, the reply the direct
    encoder; every value must survive."""
    values = np.random.default_rng(7).standard_normal(50_000).astype(np.float32)
    r = server.infer("id_fp32", {"inputs": [{"name": "INPUT0", "shape": [len(values)],
                                             "datatype": "FP32", "data": values.tolist()}]})
    assert r.status_code == 200, r.text[:200]
    got = np.array(r.json()["outputs"][0]["data"], np.float32)
    assert (got == values).all()
    ints = list(range(-20_000, 20_000))
    r = server.infer("id_int64", {"inputs": [{"name": "INPUT0", "shape": [len(ints)],
                                              "datatype": "INT64", "data": ints}]})
    assert r.json()["outputs"][0]["data"] == ints
    r = server.infer("id_int64", {"inputs": [{"name": "INPUT0", "shape": [len(ints) + 1],
                                              "datatype": "INT64", "data": ints}]})
    assert r.status_code == 400 and "expects 40001, got 40000" in r.json()["error"]


def test_pending_gauge_counts_requests_in_flight(server):
    import threading
    import time
    body = {"inputs": [{"name": "INPUT0", "shape": [1, 1], "datatype": "FP32", "data": [1]}]}
    def call():
        requests.post(f"{server.url}/v2/models/slow/infer", json=body, timeout=30)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for t in threads:
        t.start()
    seen = 0
    deadline = time.time() + 2
    while time.time() < deadline and seen == 0:
        seen = metric_value(requests.get(server.metrics_url, timeout=10).text,
                            "nv_inference_pending_request_count", "slow") or 0
    for t in threads:
        t.join(30)
    assert seen >= 1
    after = requests.get(server.metrics_url, timeout=10).text
    assert metric_value(after, "nv_inference_pending_request_count", "slow") == 0
