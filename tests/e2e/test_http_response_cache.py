"""Triton's response cache over HTTP, driven by tritonclient.http: torchd started with
--cache-config=local,size=<bytes> (or the deprecated --response-cache-byte-size) serves
repeated requests of a model with `response_cache { enable: true }` from the cache, and
reports it in the statistics extension (cache_hit / cache_miss) and in /metrics
(nv_cache_num_hits_per_model, ...). Identity-backend models, so the suite also runs
against sanitizer builds of torchd."""
import re
import subprocess
import time

import numpy as np
import pytest
import requests

from conftest import TORCHD_BIN, write_model

httpclient = pytest.importorskip("tritonclient.http")
from tritonclient.utils import InferenceServerException  # noqa: E402

CACHED = "response_cache { enable: true }\n"


def fp32_model(name, extra=""):
    return (f'name: "{name}"\nbackend: "identity"\nmax_batch_size: 8\n'
            'input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]\n'
            'output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]\n' + extra)


@pytest.fixture(scope="module")
def cache_repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("cache_repo")
    write_model(repo, "cached", fp32_model("cached", CACHED))
    write_model(repo, "plain", fp32_model("plain"))
    write_model(repo, "strings",
                'name: "strings"\nbackend: "identity"\nmax_batch_size: 4\n'
                'input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]\n'
                'output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]\n' + CACHED)
    write_model(repo, "flaky", fp32_model(
        "flaky", 'parameters { key: "error_request_id" value { string_value: "bad" } }\n' + CACHED))
    return repo


@pytest.fixture(scope="module")
def cache_server(start_server, cache_repo):
    return start_server(cache_repo, ["--cache-config=local,size=1048576"])


def client_of(server):
    return httpclient.InferenceServerClient(server.url[len("http://"):])


def infer_fp32(client, model, data, request_id="", binary=True):
    inp = httpclient.InferInput("INPUT0", list(data.shape), "FP32")
    inp.set_data_from_numpy(data, binary_data=binary)
    out = httpclient.InferRequestedOutput("OUTPUT0", binary_data=binary)
    return client.infer(model, [inp], outputs=[out], request_id=request_id)


def inference_stats(client, model):
    stats = client.get_inference_statistics(model)["model_stats"][0]
    return stats, stats["inference_stats"]


def settled_stats(client, model, check, timeout=10):
    """Statistics once `check(stats, inference_stats)` holds. A backend reports a computed
    request's statistics after sending its response, so the client can ask before they
    are in; cache hits and misses are counted before the response leaves."""
    deadline = time.time() + timeout
    while True:
        stats, inference = inference_stats(client, model)
        if check(stats, inference) or time.time() > deadline:
            return stats, inference
        time.sleep(0.02)


def metric(text, family, model):
    match = re.search(rf'^{family}{{model="{model}",version="1"}} (\d+)$', text, re.M)
    return int(match.group(1)) if match else None


def test_repeated_requests_are_answered_from_the_cache(cache_server):
    client = client_of(cache_server)
    a = np.array([[1, 2, 3, 4]], dtype=np.float32)
    b = np.array([[5, 6, 7, 8]], dtype=np.float32)
    for data, binary in ((a, True), (a, False), (a, True), (b, True), (b, False)):
        result = infer_fp32(client, "cached", data, binary=binary)
        np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), data)
    stats, inference = settled_stats(
        client, "cached",
        lambda st, inf: inf["success"]["count"] == 5 and st["execution_count"] == 2)
    assert inference["cache_hit"]["count"] == 3
    assert inference["cache_miss"]["count"] == 2
    assert inference["cache_hit"]["ns"] > 0 and inference["cache_miss"]["ns"] > 0
    assert inference["success"]["count"] == 5
    assert stats["execution_count"] == 2 and stats["inference_count"] == 2
    # The response names the request it answers, even from the cache.
    result = infer_fp32(client, "cached", a, request_id="mine")
    assert result.get_response()["id"] == "mine"


def test_strings_from_the_cache(cache_server):
    client = client_of(cache_server)
    values = np.array([["ab", "c"]], dtype=np.object_)
    other = np.array([["a", "bc"]], dtype=np.object_)
    for data in (values, other, values, other):
        inp = httpclient.InferInput("INPUT0", [1, 2], "BYTES")
        inp.set_data_from_numpy(data)
        result = client.infer("strings", [inp])
        assert [s.decode() for s in result.as_numpy("OUTPUT0")[0]] == list(data[0])
    _, inference = inference_stats(client, "strings")
    assert (inference["cache_miss"]["count"], inference["cache_hit"]["count"]) == (2, 2)


def test_errors_are_not_cached(cache_server):
    client = client_of(cache_server)
    data = np.array([[9, 9, 9, 9]], dtype=np.float32)
    with pytest.raises(InferenceServerException):
        infer_fp32(client, "flaky", data, request_id="bad")
    infer_fp32(client, "flaky", data)  # must run: the error was not stored
    infer_fp32(client, "flaky", data)  # hit
    stats, inference = settled_stats(
        client, "flaky", lambda st, inf: st["execution_count"] >= 2 and inf["fail"]["count"] >= 1)
    assert stats["execution_count"] == 2
    assert inference["cache_hit"]["count"] == 1 and inference["fail"]["count"] == 1


def test_metrics(cache_server):
    client = client_of(cache_server)
    data = np.array([[3, 1, 4, 1]], dtype=np.float32)
    for model in ("cached", "plain"):
        for _ in range(3):
            infer_fp32(client, model, data)
    settled_stats(client, "plain", lambda st, inf: st["execution_count"] == 3)
    text = requests.get(cache_server.metrics_url, timeout=10).text
    _, inference = inference_stats(client, "cached")
    assert metric(text, "nv_cache_num_hits_per_model", "cached") == inference["cache_hit"]["count"]
    assert metric(text, "nv_cache_num_misses_per_model", "cached") == inference["cache_miss"]["count"]
    assert metric(text, "nv_cache_hit_duration_per_model", "cached") == inference["cache_hit"]["ns"] // 1000
    assert metric(text, "nv_cache_miss_duration_per_model", "cached") == inference["cache_miss"]["ns"] // 1000
    assert "# TYPE nv_cache_num_hits_per_model counter" in text
    # Only models that use the cache have the families; 'plain' ran every request.
    assert metric(text, "nv_cache_num_hits_per_model", "plain") is None
    assert metric(text, "nv_inference_exec_count", "plain") == 3
    stats, inference = inference_stats(client, "plain")
    assert inference["cache_hit"]["count"] == 0 and inference["cache_miss"]["count"] == 0


def test_deprecated_flag_and_no_cache_families_without_a_cache(start_server, cache_repo):
    server = start_server(cache_repo, ["--response-cache-byte-size=65536"])
    client = client_of(server)
    data = np.array([[2, 7, 1, 8]], dtype=np.float32)
    for _ in range(2):
        infer_fp32(client, "cached", data)
    _, inference = inference_stats(client, "cached")
    assert (inference["cache_miss"]["count"], inference["cache_hit"]["count"]) == (1, 1)
    assert "'--response-cache-byte-size' has been deprecated!" in server.read_log()

    bare = start_server(cache_repo)  # response_cache in the config, no server cache
    client = client_of(bare)
    for _ in range(2):
        infer_fp32(client, "cached", data)
    stats, inference = settled_stats(client, "cached", lambda st, inf: st["execution_count"] == 2)
    assert stats["execution_count"] == 2 and inference["cache_hit"]["count"] == 0
    assert "nv_cache_" not in requests.get(bare.metrics_url, timeout=10).text


def test_bad_cache_flags_stop_torchd(tmp_path):
    def run(*flags):
        return subprocess.run([TORCHD_BIN, f"--model-repository={tmp_path}", *flags],
                              capture_output=True, text=True, timeout=30)
    both = run("--response-cache-byte-size=12345", "--cache-config=local,size=67890")
    assert both.returncode != 0
    assert "Incompatible flags --response-cache-byte-size and --cache-config" in both.stderr
    two = run("--cache-config=local,size=8192", "--cache-config=redis,key=value")
    assert two.returncode != 0 and "multiple cache configurations" in two.stderr
    zero = run("--cache-config=local,size=0")
    assert zero.returncode != 0 and "'size' must be a byte count > 0" in zero.stderr
