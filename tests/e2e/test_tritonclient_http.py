"""Conformance with NVIDIA's own Python client (issue 16): tritonclient.http, sync
InferenceServerClient and tritonclient.http.aio, against a real torchd serving
identity-backend models. Every endpoint the client offers is driven through the client,
and every error must reach the caller as InferenceServerException carrying the server's
exact message and HTTP status, as Triton answers (shared/spec/triton-api.md §4 and the
Triton sources it cites; where torchd differed, torchd was fixed and the case is here)."""
import asyncio
import json
import os

import ml_dtypes
import numpy as np
import pytest
import tritonclient.http as httpclient
import tritonclient.http.aio as aiohttpclient
import tritonclient.utils.shared_memory as shm
from tritonclient.utils import InferenceServerException

from conftest import io_config, write_identity_repo, write_model

NUMPY = {
    "BOOL": np.bool_, "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32,
    "UINT64": np.uint64, "INT8": np.int8, "INT16": np.int16, "INT32": np.int32,
    "INT64": np.int64, "FP16": np.float16, "FP32": np.float32, "FP64": np.float64,
    "BYTES": np.object_, "BF16": ml_dtypes.bfloat16,
}
# Triton's list (server metadata); only generate is absent.
EXTENSIONS = ["classification", "sequence", "model_repository",
              "model_repository(unload_dependents)", "schedule_policy", "model_configuration",
              "system_shared_memory", "cuda_shared_memory", "binary_tensor_data", "parameters",
              "statistics", "trace", "logging"]


def sample(dtype, count=4):
    """`count` distinct values of `dtype`, edge values included."""
    if dtype == "BYTES":
        return np.array([b"a", b"", b"\x00nul", "h\u00e9llo".encode()][:count] +
                        [b"x%d" % i for i in range(count - 4)], dtype=np.object_)
    if dtype == "BOOL":
        return np.array([True, False, True, False][:count] * (count // 4 + 1), np.bool_)[:count]
    t = NUMPY[dtype]
    if dtype in ("FP16", "FP32", "FP64", "BF16"):
        return np.array([1.5, -0.25, 3.0, 1024.0] * (count // 4 + 1), np.float32)[:count].astype(t)
    info = np.iinfo(t)
    return np.array([info.min, 0, 1, info.max] * (count // 4 + 1), dtype=t)[:count]


def tensor(name, array, binary=True):
    dtype = "BYTES" if array.dtype == np.object_ else (
        "BF16" if array.dtype == ml_dtypes.bfloat16 else
        httpclient.np_to_triton_dtype(array.dtype))
    t = httpclient.InferInput(name, list(array.shape), dtype)
    t.set_data_from_numpy(array, binary_data=binary)
    return t


def expect_error(status, message, call, *args, **kwargs):
    """call(*args, **kwargs) must raise InferenceServerException with exactly this HTTP
    status and message."""
    with pytest.raises(InferenceServerException) as info:
        call(*args, **kwargs)
    assert (info.value.status(), info.value.message()) == (str(status), message)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("tritonclient_repo"))
    write_identity_repo(path)
    write_model(path, "echo", io_config("echo", "TYPE_FP32", [-1],
                                        parameters={"echo_parameters": "true"}))
    write_model(path, "tc_stats", io_config("tc_stats", "TYPE_FP32", [-1]))
    write_model(path, "tc_fixed", io_config("tc_fixed", "TYPE_INT32", [2, 3], max_batch_size=4))
    return path


@pytest.fixture(scope="module")
def tserver(start_server, repo):
    return start_server(repo, ["--allow-client-shm=true"])


@pytest.fixture(scope="module")
def client(tserver):
    with httpclient.InferenceServerClient(tserver.url[len("http://"):], concurrency=4) as c:
        yield c


# ---- health and metadata -------------------------------------------------------------------

def test_live_ready(client):
    assert client.is_server_live() is True
    assert client.is_server_ready() is True
    assert client.is_model_ready("addsub") is True
    assert client.is_model_ready("addsub", "1") is True
    assert client.is_model_ready("versioned", "2") is True
    assert client.is_model_ready("versioned", "9") is False   # 404 from the server
    assert client.is_model_ready("nosuchmodel") is False      # 404 from the server


def test_server_metadata(client):
    meta = client.get_server_metadata()
    assert meta == {"name": "triton", "version": "2.73.0dev", "extensions": EXTENSIONS}


def test_model_metadata(client):
    assert client.get_model_metadata("addsub") == {
        "name": "addsub", "versions": ["1"], "platform": "identity",
        "inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [4]},
                   {"name": "INPUT1", "datatype": "FP32", "shape": [4]}],
        "outputs": [{"name": "OUTPUT0", "datatype": "FP32", "shape": [4]},
                    {"name": "OUTPUT1", "datatype": "FP32", "shape": [4]}]}
    assert client.get_model_metadata("versioned")["versions"] == ["1", "2", "3"]
    assert client.get_model_metadata("versioned", "2")["versions"] == ["2"]
    batched = client.get_model_metadata("tc_fixed")
    assert batched["inputs"] == [{"name": "INPUT0", "datatype": "INT32", "shape": [-1, 2, 3]}]
    assert client.get_model_metadata("id_bytes")["inputs"][0]["datatype"] == "BYTES"
    expect_error(404, "Request for unknown model: 'nosuchmodel' is not found",
                 client.get_model_metadata, "nosuchmodel")
    expect_error(404, "Request for unknown model: 'versioned' version 9 is not found",
                 client.get_model_metadata, "versioned", "9")


def test_model_config(client):
    # The whole normalized config, as Triton prints it (§3.4): every scalar and list
    # field present, unset messages left out, the one default instance group named after
    # the model, and the file name the user left empty still empty (auto-complete only
    # fills backend/platform fields for the backends it knows).
    assert client.get_model_config("classify") == {
        "name": "classify", "platform": "", "backend": "identity", "runtime": "",
        "version_policy": {"latest": {"num_versions": 1}}, "max_batch_size": 4,
        "input": [{"name": "INPUT0", "data_type": "TYPE_FP32", "format": "FORMAT_NONE",
                   "dims": [4], "is_shape_tensor": False, "allow_ragged_batch": False,
                   "optional": False, "is_non_linear_format_io": False}],
        "output": [{"name": "OUTPUT0", "data_type": "TYPE_FP32", "dims": [4],
                    "label_filename": "labels.txt", "is_shape_tensor": False,
                    "is_non_linear_format_io": False}],
        "batch_input": [], "batch_output": [],
        "optimization": {"priority": "PRIORITY_DEFAULT",
                         "input_pinned_memory": {"enable": True},
                         "output_pinned_memory": {"enable": True},
                         "gather_kernel_buffer_threshold": 0, "eager_batching": False},
        "instance_group": [{"name": "classify", "kind": "KIND_CPU", "count": 1, "gpus": [],
                            "secondary_devices": [], "profile": [], "passive": False,
                            "host_policy": ""}],
        "default_model_filename": "", "cc_model_filenames": {}, "metric_tags": {},
        "parameters": {}, "model_warmup": []}
    assert client.get_model_config("versioned", "3")["version_policy"] == {"all": {}}
    expect_error(404, "Request for unknown model: 'nosuchmodel' is not found",
                 client.get_model_config, "nosuchmodel")


# ---- inference -----------------------------------------------------------------------------

# FP16/BF16 travel only as binary (test_fp16_bf16_in_json_refused).
DTYPE_CASES = [(d, b) for d in sorted(NUMPY) for b in (True, False)
               if b or d not in ("FP16", "BF16")]


@pytest.mark.parametrize("dtype,binary", DTYPE_CASES,
                         ids=[f"{d}-{'binary' if b else 'json'}" for d, b in DTYPE_CASES])
def test_every_dtype(client, dtype, binary):
    """id_<dtype> echoes its input: JSON and binary tensors of every dtype, both ways."""
    data = sample(dtype, 4)
    if dtype == "BYTES" and binary:
        data[2] = b"\xff\x00raw"  # not UTF-8: only binary tensors can carry it
    inputs = [tensor("INPUT0", data, binary)]
    outputs = [httpclient.InferRequestedOutput("OUTPUT0", binary_data=binary)]
    result = client.infer(f"id_{dtype.lower()}", inputs, outputs=outputs)
    out = result.get_output("OUTPUT0")
    assert out["datatype"] == dtype and out["shape"] == [4]
    assert ("parameters" in out) == binary and ("data" in out) == (not binary)
    got = result.as_numpy("OUTPUT0")
    if dtype == "BYTES":  # the client gives str for JSON strings, bytes for binary ones
        assert [x.encode() if isinstance(x, str) else x for x in got] == list(data)
    elif dtype == "BF16":
        assert got.dtype == ml_dtypes.bfloat16 and got.tobytes() == data.tobytes()
    else:
        assert got.dtype == data.dtype and got.tolist() == data.tolist()


def test_fp16_bf16_in_json_refused(client):
    t = httpclient.InferInput("INPUT0", [2], "FP16")
    t.set_data_from_numpy(np.array([1, 2], np.float16), binary_data=False)
    expect_error(400, "receiving FP16 data via JSON is not supported. Please use the binary "
                      "data format for input INPUT0", client.infer, "id_fp16", [t])
    for dtype in ("FP16", "BF16"):
        inputs = [tensor("INPUT0", sample(dtype, 2))]
        outputs = [httpclient.InferRequestedOutput("OUTPUT0", binary_data=False)]
        expect_error(400, f"sending {dtype} data via JSON is not supported. Please use the "
                          "binary data format for output",
                     client.infer, f"id_{dtype.lower()}", inputs, outputs=outputs)


def test_requested_outputs_and_defaults(client):
    a = np.array([1, 2, 3, 4], np.float32)
    b = np.array([1, 1, 1, 1], np.float32)
    inputs = [tensor("INPUT0", a, False), tensor("INPUT1", b, True)]
    # No outputs asked: all of them, in binary (the client sets binary_data_output).
    result = client.infer("addsub", inputs, request_id="r-1")
    response = result.get_response()
    assert response["id"] == "r-1" and response["model_name"] == "addsub"
    assert response["model_version"] == "1"
    assert [o["name"] for o in response["outputs"]] == ["OUTPUT0", "OUTPUT1"]
    assert all(o["parameters"] == {"binary_data_size": 16} for o in response["outputs"])
    assert result.as_numpy("OUTPUT0").tolist() == [2, 3, 4, 5]
    assert result.as_numpy("OUTPUT1").tolist() == [0, 1, 2, 3]
    # One output, as JSON; the other is not returned.
    result = client.infer("addsub", inputs,
                          outputs=[httpclient.InferRequestedOutput("OUTPUT1", binary_data=False)])
    response = result.get_response()
    assert "id" not in response
    assert response["outputs"] == [{"name": "OUTPUT1", "datatype": "FP32", "shape": [4],
                                    "data": [0.0, 1.0, 2.0, 3.0]}]
    assert result.as_numpy("OUTPUT0") is None
    # Mixed: one binary, one JSON.
    result = client.infer("addsub", inputs, outputs=[
        httpclient.InferRequestedOutput("OUTPUT0", binary_data=True),
        httpclient.InferRequestedOutput("OUTPUT1", binary_data=False)])
    assert result.get_output("OUTPUT0")["parameters"] == {"binary_data_size": 16}
    assert result.get_output("OUTPUT1")["data"] == [0.0, 1.0, 2.0, 3.0]
    assert result.as_numpy("OUTPUT0").tolist() == [2, 3, 4, 5]


def test_batched_and_versions(client):
    data = np.arange(12, dtype=np.int32).reshape(2, 2, 3)
    result = client.infer("tc_fixed", [tensor("INPUT0", data)])
    assert result.as_numpy("OUTPUT0").tolist() == data.tolist()
    one = np.array([7], np.int32)
    assert client.infer("versioned", [tensor("INPUT0", one)]).get_response()[
        "model_version"] == "3"
    assert client.infer("versioned", [tensor("INPUT0", one)], model_version="1").get_response()[
        "model_version"] == "1"


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "json"])
def test_classification(client, binary):
    data = np.array([[0.1, 0.7, 0.2, 0.0], [3, 1, 2, 4]], np.float32)
    outputs = [httpclient.InferRequestedOutput("OUTPUT0", binary_data=binary, class_count=2)]
    result = client.infer("classify", [tensor("INPUT0", data)], outputs=outputs)
    out = result.get_output("OUTPUT0")
    assert out["datatype"] == "BYTES" and out["shape"] == [2, 2]
    expected = [[b"0.700000:1:dog", b"0.200000:2:bird"], [b"4.000000:3:fish", b"3.000000:0:cat"]]
    got = result.as_numpy("OUTPUT0")
    assert [[x if isinstance(x, bytes) else x.encode() for x in row] for row in got] == expected
    # More classes than elements: all of them.
    outputs = [httpclient.InferRequestedOutput("OUTPUT0", binary_data=binary, class_count=9)]
    result = client.infer("classify", [tensor("INPUT0", data[:1])], outputs=outputs)
    assert result.get_output("OUTPUT0")["shape"] == [1, 4]


def test_request_parameters(client):
    """Custom parameters reach the backend with their JSON type (the echo model copies
    them into the response parameters); priority/timeout/sequence ones are consumed."""
    params = {"my_string": "text", "my_int": -7, "my_bool": True, "my_double": 2.5}
    result = client.infer("echo", [tensor("INPUT0", np.array([1], np.float32))],
                          parameters=params, priority=1, timeout=10_000_000)
    got = result.get_response()["parameters"]
    assert {k: got[k] for k in params} == params
    assert not {"priority", "timeout", "binary_data_output"} & set(got)
    assert got["request_count"] == 1


def test_async_infer(client):
    """The sync client's async_infer (gevent pool) with several requests in flight."""
    pending = []
    for i in range(8):
        data = np.full(3, i, np.float32)
        pending.append((i, client.async_infer("id_fp32", [tensor("INPUT0", data)],
                                              request_id=str(i))))
    for i, request in pending:
        result = request.get_result(timeout=30)
        assert result.get_response()["id"] == str(i)
        assert result.as_numpy("OUTPUT0").tolist() == [i, i, i]
    bad = client.async_infer("nosuchmodel", [tensor("INPUT0", np.array([1], np.float32))])
    expect_error(404, "Request for unknown model: 'nosuchmodel' is not found",
                 bad.get_result, timeout=30)


# ---- errors --------------------------------------------------------------------------------

def addsub_inputs(**changes):
    a = tensor("INPUT0", np.array([1, 2, 3, 4], np.float32))
    b = tensor("INPUT1", np.array([1, 1, 1, 1], np.float32))
    return [changes.get("INPUT0", a), changes.get("INPUT1", b)]


ERRORS = [
    ("unknown model", "nosuchmodel", lambda: addsub_inputs(), {}, 404,
     "Request for unknown model: 'nosuchmodel' is not found"),
    ("unknown version", "addsub", lambda: addsub_inputs(), {"model_version": "5"}, 404,
     "Request for unknown model: 'addsub' version 5 is not found"),
    ("bad shape", "addsub",
     lambda: addsub_inputs(INPUT0=tensor("INPUT0", np.arange(5, dtype=np.float32))), {}, 400,
     "[request id: <id_unknown>] unexpected shape for input 'INPUT0' for model 'addsub'. "
     "Expected [4], got [5]. "),
    ("bad shape with id", "addsub",
     lambda: addsub_inputs(INPUT1=tensor("INPUT1", np.ones((2, 2), np.float32))),
     {"request_id": "abc"}, 400,
     "[request id: abc] unexpected shape for input 'INPUT1' for model 'addsub'. "
     "Expected [4], got [2,2]. "),
    ("bad dtype", "addsub",
     lambda: addsub_inputs(INPUT0=tensor("INPUT0", np.arange(4, dtype=np.int32))), {}, 400,
     "[request id: <id_unknown>] inference input 'INPUT0' data-type is 'INT32', but model "
     "'addsub' expects 'FP32'"),
    ("unknown input", "addsub",
     lambda: addsub_inputs() + [tensor("EXTRA", np.ones(4, np.float32))], {}, 400,
     "unexpected inference input 'EXTRA' for model 'addsub'"),
    ("missing input", "addsub", lambda: addsub_inputs()[:1], {}, 400,
     "[request id: <id_unknown>] expected 2 inputs but got 1 inputs for model 'addsub'. "
     "Got input(s) ['INPUT0'], but missing required input(s) ['INPUT1']. Please provide all "
     "required input(s)."),
    ("duplicate input", "addsub", lambda: addsub_inputs() + addsub_inputs()[1:], {}, 400,
     "input 'INPUT1' already exists in request"),
    ("unknown output", "addsub", lambda: addsub_inputs(),
     {"outputs": [httpclient.InferRequestedOutput("NOPE")]}, 400,
     "unexpected inference output 'NOPE' for model 'addsub'"),
    ("duplicate output", "addsub", lambda: addsub_inputs(),
     {"outputs": [httpclient.InferRequestedOutput("OUTPUT0"),
                  httpclient.InferRequestedOutput("OUTPUT0")]}, 400,
     "inference request for model 'addsub' has duplicate output name 'OUTPUT0'"),
    ("batch too large", "tc_fixed",
     lambda: [tensor("INPUT0", np.zeros((5, 2, 3), np.int32))], {}, 400,
     "[request id: <id_unknown>] inference request batch-size must be <= 4 for 'tc_fixed'"),
    ("backend error", "erroring", lambda: [tensor("INPUT0", np.ones(2, np.float32))], {}, 500,
     "identity backend: request failed as asked by parameter error_all"),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_inference_errors(client, case):
    _, model, inputs, kwargs, status, message = case
    expect_error(status, message, client.infer, model, inputs(), **kwargs)
    # the server still answers the next good request
    assert client.infer("addsub", addsub_inputs()).as_numpy("OUTPUT0").tolist() == [2, 3, 4, 5]


# ---- statistics, logging, trace ------------------------------------------------------------

def test_inference_statistics(client):
    before = client.get_inference_statistics("tc_stats")["model_stats"]
    assert [(s["name"], s["version"]) for s in before] == [("tc_stats", "1")]
    assert before[0]["inference_count"] == 0 and before[0]["execution_count"] == 0
    for _ in range(3):
        client.infer("tc_stats", [tensor("INPUT0", np.ones(2, np.float32))])
    after = client.get_inference_statistics("tc_stats", "1")["model_stats"][0]
    assert after["inference_count"] == 3 and after["execution_count"] == 3
    stats = after["inference_stats"]
    assert set(stats) == {"success", "fail", "queue", "compute_input", "compute_infer",
                          "compute_output", "cache_hit", "cache_miss"}
    assert stats["success"]["count"] == 3 and stats["fail"] == {"count": 0, "ns": 0}
    assert after["last_inference"] > 0
    everything = client.get_inference_statistics()["model_stats"]
    assert {"tc_stats", "addsub", "id_bf16"} <= {s["name"] for s in everything}
    # Triton answers from the ready versions: unknown model and absent version alike 400
    expect_error(400, "requested model 'nosuchmodel' is not available",
                 client.get_inference_statistics, "nosuchmodel")
    expect_error(400, "requested model version is not available for model 'tc_stats'",
                 client.get_inference_statistics, "tc_stats", "4")


def test_log_settings(client):
    settings = client.get_log_settings()
    assert set(settings) == {"log_file", "log_info", "log_warning", "log_error",
                             "log_verbose_level", "log_format"}
    updated = client.update_log_settings({"log_verbose_level": 1, "log_format": "ISO8601"})
    assert updated == dict(settings, log_verbose_level=1, log_format="ISO8601")
    assert client.get_log_settings() == updated
    expect_error(501, "log file location can not be updated through network protocol",
                 client.update_log_settings, {"log_file": "/tmp/elsewhere.log"})
    expect_error(503, "invalid argument for --log_format, got: XML",
                 client.update_log_settings, {"log_format": "XML"})
    assert client.get_log_settings() == updated  # a refused update changes nothing
    back = client.update_log_settings({"log_verbose_level": settings["log_verbose_level"],
                                       "log_format": settings["log_format"]})
    assert back == settings


def test_trace_settings(client):
    settings = client.get_trace_settings()
    assert settings["trace_level"] == ["OFF"] and settings["trace_rate"] == "1000"
    assert settings["trace_count"] == "-1" and settings["trace_mode"] == "triton"
    updated = client.update_trace_settings(settings={"trace_level": ["TIMESTAMPS"],
                                                     "trace_rate": "50"})
    assert updated["trace_level"] == ["TIMESTAMPS"] and updated["trace_rate"] == "50"
    # a model without its own settings follows the global ones...
    assert client.get_trace_settings("addsub")["trace_rate"] == "50"
    # ...until it gets its own; clearing them (null) falls back to the global ones
    mine = client.update_trace_settings("addsub", {"trace_rate": "7"})
    assert mine["trace_rate"] == "7" and mine["trace_level"] == ["TIMESTAMPS"]
    assert client.get_trace_settings()["trace_rate"] == "50"
    assert client.update_trace_settings("addsub", {"trace_rate": None})["trace_rate"] == "50"
    cleared = client.update_trace_settings(settings={"trace_level": None, "trace_rate": None})
    assert cleared == settings
    expect_error(400, "Request for unknown model : nosuchmodel",
                 client.get_trace_settings, "nosuchmodel")
    expect_error(400, "Request for unknown model : nosuchmodel",
                 client.update_trace_settings, "nosuchmodel", {"trace_rate": "3"})
    expect_error(501, "trace file location can not be updated through network protocol",
                 client.update_trace_settings, settings={"trace_file": "/tmp/t.json"})
    expect_error(400, "Unable to parse 'trace_rate', got: fast",
                 client.update_trace_settings, settings={"trace_rate": "fast"})


# ---- system shared memory ------------------------------------------------------------------

def test_system_shared_memory(client):
    key_in, key_out = f"/tc_in_{os.getpid()}", f"/tc_out_{os.getpid()}"
    a = np.array([1, 2, 3, 4], np.float32)
    b = np.array([10, 20, 30, 40], np.float32)
    h_in = shm.create_shared_memory_region("tc_in", key_in, 64)
    h_out = shm.create_shared_memory_region("tc_out", key_out, 32)
    try:
        shm.set_shared_memory_region(h_in, [a, b])  # a at offset 0, b at 16
        client.unregister_system_shared_memory()
        client.register_system_shared_memory("tc_in", key_in, 64)
        client.register_system_shared_memory("tc_out", key_out, 32)
        status = client.get_system_shared_memory_status()
        assert sorted(status, key=lambda r: r["name"]) == [
            {"name": "tc_in", "key": key_in, "offset": 0, "byte_size": 64},
            {"name": "tc_out", "key": key_out, "offset": 0, "byte_size": 32}]
        assert client.get_system_shared_memory_status("tc_out") == [
            {"name": "tc_out", "key": key_out, "offset": 0, "byte_size": 32}]

        in0 = httpclient.InferInput("INPUT0", [4], "FP32")
        in0.set_shared_memory("tc_in", 16)
        in1 = httpclient.InferInput("INPUT1", [4], "FP32")
        in1.set_shared_memory("tc_in", 16, offset=16)
        out0 = httpclient.InferRequestedOutput("OUTPUT0")
        out0.set_shared_memory("tc_out", 16)
        out1 = httpclient.InferRequestedOutput("OUTPUT1")
        out1.set_shared_memory("tc_out", 16, offset=16)
        result = client.infer("addsub", [in0, in1], outputs=[out0, out1])
        # As in Triton, an output written to shared memory has neither data nor parameters.
        assert result.get_response()["outputs"] == [
            {"name": "OUTPUT0", "datatype": "FP32", "shape": [4]},
            {"name": "OUTPUT1", "datatype": "FP32", "shape": [4]}]
        sums = shm.get_contents_as_numpy(h_out, np.float32, [4])
        diffs = shm.get_contents_as_numpy(h_out, np.float32, [4], offset=16)
        assert sums.tolist() == (a + b).tolist() and diffs.tolist() == (a - b).tolist()

        # shared-memory input, binary output
        result = client.infer("addsub", [in0, in1],
                              outputs=[httpclient.InferRequestedOutput("OUTPUT0")])
        assert result.as_numpy("OUTPUT0").tolist() == (a + b).tolist()

        # errors, with Triton's messages and status codes
        expect_error(400, "shared memory region 'tc_in' already in manager",
                     client.register_system_shared_memory, "tc_in", key_in, 64)
        expect_error(500, "Unable to open shared memory region: '/tc_no_such_key'",
                     client.register_system_shared_memory, "tc_x", "/tc_no_such_key", 8)
        expect_error(400, "failed to register shared memory region 'tc_big': invalid args",
                     client.register_system_shared_memory, "tc_big", key_in, 128)
        expect_error(404, "Unable to find system shared memory region: 'tc_none'",
                     client.get_system_shared_memory_status, "tc_none")
        far = httpclient.InferInput("INPUT0", [4], "FP32")
        far.set_shared_memory("tc_in", 16, offset=56)
        expect_error(400, "Invalid offset + byte size for shared memory region: 'tc_in'",
                     client.infer, "addsub", [far, in1])
        beyond = httpclient.InferInput("INPUT0", [4], "FP32")
        beyond.set_shared_memory("tc_in", 16, offset=64)
        expect_error(400, "Invalid offset for shared memory region: 'tc_in'",
                     client.infer, "addsub", [beyond, in1])
        small = httpclient.InferRequestedOutput("OUTPUT0")
        small.set_shared_memory("tc_out", 8)
        expect_error(500, "shared memory size specified with the request for output 'OUTPUT0' "
                          "(8 bytes) should be at least 16 bytes to hold the results",
                     client.infer, "addsub", [in0, in1], outputs=[small])

        client.unregister_system_shared_memory("tc_out")
        assert [r["name"] for r in client.get_system_shared_memory_status()] == ["tc_in"]
        expect_error(404, "Unable to find shared memory region: 'tc_out'",
                     client.infer, "addsub", [in0, in1], outputs=[out0])
        client.unregister_system_shared_memory("tc_out")  # unknown region: no error
        client.unregister_system_shared_memory()
        assert client.get_system_shared_memory_status() == []
    finally:
        client.unregister_system_shared_memory()
        shm.destroy_shared_memory_region(h_in)
        shm.destroy_shared_memory_region(h_out)


# ---- model control (explicit mode) ---------------------------------------------------------

@pytest.fixture(scope="module")
def explicit_server(start_server, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("tritonclient_explicit"))
    write_model(path, "alpha", io_config("alpha", "TYPE_FP32", [-1]))
    write_model(path, "beta", io_config("beta", "TYPE_INT32", [-1]), versions=(1, 2))
    write_model(path, "broken", io_config("broken", "TYPE_FP32", [-1],
                                          parameters={"fail_load": "true"}))
    return start_server(path, ["--model-control-mode=explicit", "--load-model=alpha"])


@pytest.fixture(scope="module")
def explicit(explicit_server):
    with httpclient.InferenceServerClient(explicit_server.url[len("http://"):]) as c:
        yield c


def test_model_control(explicit):
    c = explicit
    assert c.is_model_ready("alpha") and not c.is_model_ready("beta")
    index = {e["name"]: e for e in c.get_model_repository_index()}
    assert index["alpha"] == {"name": "alpha", "version": "1", "state": "READY"}
    assert index["beta"] == {"name": "beta"}
    expect_error(404, "Request for unknown model: 'beta' is not found",
                 c.infer, "beta", [tensor("INPUT0", np.array([5], np.int32))])

    c.load_model("beta")
    assert c.is_model_ready("beta") and c.get_model_metadata("beta")["versions"] == ["2"]
    assert c.infer("beta", [tensor("INPUT0", np.array([5], np.int32))]).as_numpy(
        "OUTPUT0").tolist() == [5]

    # Load with a config override: the JSON replaces config.pbtxt for this load.
    override = c.get_model_config("beta")
    override["version_policy"] = {"specific": {"versions": [1]}}
    override["max_batch_size"] = 2
    c.load_model("beta", config=json.dumps(override))
    config = c.get_model_config("beta")
    assert config["max_batch_size"] == 2
    assert config["version_policy"] == {"specific": {"versions": [1]}}
    assert c.get_model_metadata("beta")["versions"] == ["1"]
    assert c.is_model_ready("beta", "1") and not c.is_model_ready("beta", "2")
    assert c.get_model_metadata("beta")["inputs"][0]["shape"] == [-1, -1]
    # ...and a plain load goes back to the repository's config
    c.load_model("beta")
    assert c.get_model_config("beta")["max_batch_size"] == 0

    c.unload_model("beta")
    assert not c.is_model_ready("beta")
    assert {e["name"]: e for e in c.get_model_repository_index()}["beta"]["state"] == "UNAVAILABLE"
    c.unload_model("alpha", unload_dependents=True)
    assert not c.is_model_ready("alpha")
    c.load_model("alpha")
    assert c.is_model_ready("alpha")
    expect_error(503, "Request for unknown model: 'beta' has no available versions",
                 c.infer, "beta", [tensor("INPUT0", np.array([5], np.int32))])
    expect_error(400, "requested model 'beta' is not available",
                 c.get_inference_statistics, "beta")


def test_model_control_errors(explicit):
    c = explicit
    expect_error(500, "failed to load 'nosuchmodel', failed to poll from model repository",
                 c.load_model, "nosuchmodel")
    # Unloading a model that was never loaded is not an error in Triton.
    c.unload_model("nosuchmodel")
    c.unload_model("broken", unload_dependents=True)
    expect_error(400, "load failed for model 'broken': version 1 is at UNAVAILABLE state: "
                      "Invalid argument: identity backend: model load failed as asked by "
                      "parameter fail_load;\n", c.load_model, "broken")
    with pytest.raises(InferenceServerException) as info:
        c.load_model("alpha", config="{not json")
    assert info.value.status() == "400"
    assert info.value.message().startswith("Invalid config override: ")
    assert c.is_model_ready("alpha")  # a refused reload keeps the model serving


def test_load_unload_refused_outside_explicit_mode(client):
    expect_error(503, "explicit model load / unload is not allowed if polling is enabled",
                 client.load_model, "addsub")
    expect_error(503, "explicit model load / unload is not allowed if polling is enabled",
                 client.unload_model, "addsub")
    assert client.is_model_ready("addsub")


# ---- tritonclient.http.aio -----------------------------------------------------------------

def test_aio_client(tserver):
    async def run():
        async with aiohttpclient.InferenceServerClient(tserver.url[len("http://"):]) as c:
            assert await c.is_server_live() and await c.is_server_ready()
            assert await c.is_model_ready("addsub")
            assert not await c.is_model_ready("nosuchmodel")
            assert (await c.get_server_metadata())["extensions"] == EXTENSIONS
            assert (await c.get_model_metadata("versioned", "1"))["versions"] == ["1"]
            assert (await c.get_model_config("addsub"))["name"] == "addsub"

            inputs = addsub_inputs()
            outputs = [aiohttpclient.InferRequestedOutput("OUTPUT1", binary_data=False)]
            results = await asyncio.gather(*[
                c.infer("addsub", inputs, outputs=outputs, request_id=str(i))
                for i in range(6)])
            for i, result in enumerate(results):
                assert result.get_response()["id"] == str(i)
                assert result.as_numpy("OUTPUT1").tolist() == [0, 1, 2, 3]
            for dtype in ("BF16", "UINT64", "BYTES"):
                data = sample(dtype)
                result = await c.infer(f"id_{dtype.lower()}", [tensor("INPUT0", data)])
                assert result.as_numpy("OUTPUT0").tobytes() == data.tobytes() or \
                    list(result.as_numpy("OUTPUT0")) == list(data)

            stats = (await c.get_inference_statistics("addsub"))["model_stats"][0]
            assert stats["name"] == "addsub" and stats["inference_count"] >= 6
            assert set(await c.get_log_settings()) >= {"log_info", "log_verbose_level"}
            assert (await c.get_trace_settings())["trace_level"] == ["OFF"]
            assert await c.get_system_shared_memory_status() == []

            with pytest.raises(InferenceServerException) as info:
                await c.infer("addsub", addsub_inputs()[:1])
            assert info.value.status() == "400"
            assert info.value.message() == (
                "[request id: <id_unknown>] expected 2 inputs but got 1 inputs for model "
                "'addsub'. Got input(s) ['INPUT0'], but missing required input(s) ['INPUT1']. "
                "Please provide all required input(s).")
            with pytest.raises(InferenceServerException) as info:
                await c.get_model_metadata("nosuchmodel")
            assert (info.value.status(), info.value.message()) == (
                "404", "Request for unknown model: 'nosuchmodel' is not found")
            with pytest.raises(InferenceServerException) as info:
                await c.load_model("addsub")
            assert info.value.status() == "503"

    asyncio.run(run())


def test_aio_model_control(explicit_server):
    async def run():
        async with aiohttpclient.InferenceServerClient(explicit_server.url[len("http://"):]) as c:
            config = await c.get_model_config("alpha")
            config["max_batch_size"] = 3
            await c.load_model("alpha", config=json.dumps(config))
            assert (await c.get_model_config("alpha"))["max_batch_size"] == 3
            index = {e["name"]: e for e in await c.get_model_repository_index()}
            assert index["alpha"]["state"] == "READY"
            await c.unload_model("alpha", unload_dependents=True)
            assert not await c.is_model_ready("alpha")
            with pytest.raises(InferenceServerException) as info:
                await c.load_model("nosuchmodel")
            assert (info.value.status(), info.value.message()) == (
                "500", "failed to load 'nosuchmodel', failed to poll from model repository")
            await c.load_model("alpha")
            assert await c.is_model_ready("alpha")
            assert (await c.get_model_config("alpha"))["max_batch_size"] == 0

    asyncio.run(run())
