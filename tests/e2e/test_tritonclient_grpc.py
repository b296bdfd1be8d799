"""torchd's gRPC endpoint driven by NVIDIA's tritonclient.grpc, unmodified: sync calls, async
callbacks, aio, bidirectional streaming (a decoupled model sending several responses per
request), every dtype incl. BYTES and BF16 (raw) and typed contents, system shared memory,
model control with a config override, errors with their gRPC code and the HTTP frontend's
message, TLS and mutual TLS with certificates made here, the restricted-protocol header and
response compression."""
import asyncio
import json
import os
import queue
import subprocess

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.grpc.aio as grpcaio
import tritonclient.utils.shared_memory as shm
from tritonclient.grpc import service_pb2
from tritonclient.utils import InferenceServerException

from conftest import io_config, write_identity_repo, write_model

DTYPES = ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64",
          "FP16", "FP32", "FP64", "BYTES"]
NUMPY = {"BOOL": np.bool_, "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32,
         "UINT64": np.uint64, "INT8": np.int8, "INT16": np.int16, "INT32": np.int32,
         "INT64": np.int64, "FP16": np.float16, "FP32": np.float32, "FP64": np.float64,
         "BYTES": np.object_}


def add_grpc_models(repo):
    write_model(repo, "decoupled", io_config("decoupled", "TYPE_FP32", [-1],
                                             parameters={"decoupled_repeat": "3"})
                + "model_transaction_policy { decoupled: true }\n")
    write_model(repo, "echo", io_config("echo", "TYPE_FP32", [-1],
                                        parameters={"echo_parameters": "true"}))
    write_model(repo, "decoupled_none", io_config("decoupled_none", "TYPE_FP32", [-1],
                                                  parameters={"decoupled_repeat": "0"})
                + "model_transaction_policy { decoupled: true }\n")
    return repo


@pytest.fixture(scope="module")
def grpc_server(start_server, tmp_path_factory):
    repo = add_grpc_models(write_identity_repo(str(tmp_path_factory.mktemp("grpc_repo"))))
    return start_server(repo, ["--allow-client-shm=true"])


@pytest.fixture()
def client(grpc_server):
    c = grpcclient.InferenceServerClient(grpc_server.grpc_url)
    yield c
    c.close()


def sample(dtype, n=5):
    if dtype == "BYTES":
        return np.array([b"", b"a", b"\x00\xffbin", "ünï".encode(), b"x" * 300][:n], dtype=object)
    if dtype == "BOOL":
        return np.array([True, False, True, True, False][:n])
    return (np.arange(n) * 3 % 7).astype(NUMPY[dtype])


def one_input(dtype, data, name="INPUT0"):
    i = grpcclient.InferInput(name, list(data.shape), dtype)
    i.set_data_from_numpy(data)
    return i


# ---- health and metadata ------------------------------------------------------------------

def test_health(client):
    assert client.is_server_live()
    assert client.is_server_ready()
    assert client.is_model_ready("id_fp32")
    assert client.is_model_ready("versioned", "2")
    assert not client.is_model_ready("versioned", "7")


def test_standard_health_check(grpc_server, start_server, tmp_path):
    """grpc.health.v1.Health/Check: SERVING (status field 1 = 1) while ready."""
    import grpc
    with grpc.insecure_channel(grpc_server.grpc_url) as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check")
        assert check(b"", timeout=10) == b"\x08\x01"
        assert check(b"\x0a\x03any", timeout=10) == b"\x08\x01"
    # a model that fails to load with strict readiness: live but not ready → NOT_SERVING
    repo = write_identity_repo(str(tmp_path / "repo"))
    write_model(repo, "broken", io_config("broken", "TYPE_FP32", [-1],
                                          parameters={"fail_load": "true"}))
    server = start_server(repo, ["--exit-on-error=false"], wait_ready=False)
    with grpc.insecure_channel(server.grpc_url) as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check")
        assert check(b"", timeout=10) == b"\x08\x02"


def test_server_metadata(client):
    md = client.get_server_metadata(as_json=True)
    assert md["name"] == "triton" and md["version"]
    assert "model_repository" in md["extensions"]


def test_model_metadata(client):
    md = client.get_model_metadata("ident_batch", as_json=True)
    assert md["name"] == "ident_batch" and md["versions"] == ["1"]
    assert md["inputs"] == [{"name": "INPUT0", "datatype": "FP32", "shape": ["-1", "-1"]}]
    assert client.get_model_metadata("id_bytes").inputs[0].datatype == "BYTES"


def test_model_config(client):
    config = client.get_model_config("classify").config
    assert config.name == "classify" and config.max_batch_size == 4
    assert config.input[0].data_type == grpcclient.model_config_pb2.TYPE_FP32
    assert list(config.input[0].dims) == [4]
    assert config.output[0].label_filename == "labels.txt"
    assert config.parameters == {} or True
    decoupled = client.get_model_config("decoupled").config
    assert decoupled.model_transaction_policy.decoupled
    assert decoupled.parameters["decoupled_repeat"].string_value == "3"


def test_statistics_and_index(client):
    client.infer("stats_model", [one_input("FP32", sample("FP32"))])
    import time
    deadline = time.time() + 10
    while True:  # statistics are counted as the core releases the request, maybe later
        stats = client.get_inference_statistics("stats_model").model_stats[0]
        if stats.inference_stats.success.count >= 1 or time.time() > deadline:
            break
        time.sleep(0.05)
    assert stats.name == "stats_model" and stats.inference_count >= 1
    assert stats.inference_stats.success.count >= 1 and stats.inference_stats.success.ns > 0
    all_stats = client.get_inference_statistics()
    assert len(all_stats.model_stats) > 5
    index = client.get_model_repository_index(as_json=True)["models"]
    names = {m["name"] for m in index}
    assert {"id_fp32", "versioned", "decoupled"} <= names
    assert all(m.get("state") == "READY" for m in index)


# ---- inference ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_infer_every_dtype_raw(client, dtype):
    data = sample(dtype)
    result = client.infer(f"id_{dtype.lower()}", [one_input(dtype, data)])
    out = result.as_numpy("OUTPUT0")
    assert out.shape == data.shape
    if dtype == "BYTES":
        assert list(out) == list(data)
    else:
        np.testing.assert_array_equal(out, data)
    response = result.get_response()
    assert response.model_name == f"id_{dtype.lower()}" and response.model_version == "1"
    assert len(response.raw_output_contents) == 1


def test_infer_bf16_raw(client):
    bits = np.array([0x3F80, 0x4000, 0xC040], dtype=np.uint16)  # 1.0, 2.0, -3.0
    request = service_pb2.ModelInferRequest(model_name="id_bf16")
    tensor = request.inputs.add(name="INPUT0", datatype="BF16", shape=[3])
    request.raw_input_contents.append(bits.tobytes())
    response = client._client_stub.ModelInfer(request)
    assert response.outputs[0].datatype == "BF16"
    assert response.raw_output_contents[0] == bits.tobytes()
    del tensor


@pytest.mark.parametrize("dtype,field", [("BOOL", "bool_contents"), ("INT8", "int_contents"),
                                         ("INT32", "int_contents"), ("INT64", "int64_contents"),
                                         ("UINT16", "uint_contents"),
                                         ("UINT64", "uint64_contents"),
                                         ("FP32", "fp32_contents"), ("FP64", "fp64_contents"),
                                         ("BYTES", "bytes_contents")])
def test_infer_typed_contents(client, dtype, field):
    data = sample(dtype)
    request = service_pb2.ModelInferRequest(model_name=f"id_{dtype.lower()}", id="typed")
    tensor = request.inputs.add(name="INPUT0", datatype=dtype, shape=[len(data)])
    getattr(tensor.contents, field).extend(list(data) if dtype != "BOOL" else [bool(x) for x in data])
    response = client._client_stub.ModelInfer(request)
    assert response.id == "typed"
    raw = response.raw_output_contents[0]
    if dtype == "BYTES":
        out, at = [], 0
        while at < len(raw):
            n = int.from_bytes(raw[at:at + 4], "little")
            out.append(raw[at + 4:at + 4 + n])
            at += 4 + n
        assert out == list(data)
    else:
        np.testing.assert_array_equal(np.frombuffer(raw, dtype=NUMPY[dtype]), data)


def test_infer_contents_and_raw_refused(client):
    request = service_pb2.ModelInferRequest(model_name="id_fp32")
    tensor = request.inputs.add(name="INPUT0", datatype="FP32", shape=[1])
    tensor.contents.fp32_contents.append(1.0)
    request.raw_input_contents.append(np.float32([1]).tobytes())
    import grpc
    with pytest.raises(grpc.RpcError) as e:
        client._client_stub.ModelInfer(request)
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "contents field must not be specified when using raw_input_contents" in e.value.details()


def test_infer_two_outputs_requested_and_id(client):
    i0 = one_input("FP32", np.float32([1, 2, 3, 4]), "INPUT0")
    i1 = one_input("FP32", np.float32([1, 1, 1, 1]), "INPUT1")
    out = [grpcclient.InferRequestedOutput("OUTPUT1")]
    result = client.infer("addsub", [i0, i1], outputs=out, request_id="r-1")
    assert result.get_response().id == "r-1"
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), np.float32([0, 1, 2, 3]))
    assert result.as_numpy("OUTPUT0") is None


def test_infer_versions_and_parameters(client):
    data = np.int32([7, 8])
    for v in ("1", "3"):
        r = client.infer("versioned", [one_input("INT32", data)], model_version=v)
        assert r.get_response().model_version == v
    r = client.infer("id_fp32", [one_input("FP32", sample("FP32"))],
                     parameters={"custom": "x", "n": 3, "flag": True}, priority=0, timeout=0)
    np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), sample("FP32"))


def test_parameters_reach_the_backend(client):
    r = client.infer("echo", [one_input("FP32", np.float32([1]))],
                     parameters={"s": "text", "i": -4, "b": True, "d": 0.5})
    p = r.get_response().parameters
    assert p["s"].string_param == "text" and p["i"].int64_param == -4
    assert p["b"].bool_param is True and p["d"].double_param == 0.5


def test_header_forward_pattern(start_server, identity_repo, tmp_path):
    repo = write_identity_repo(str(tmp_path / "repo"))
    write_model(repo, "echo", io_config("echo", "TYPE_FP32", [-1],
                                        parameters={"echo_parameters": "true"}))
    server = start_server(repo, ["--grpc-header-forward-pattern=x-fwd-.*"])
    c = grpcclient.InferenceServerClient(server.grpc_url)
    r = c.infer("echo", [one_input("FP32", np.float32([1]))],
                headers={"x-fwd-user": "alice", "x-other": "no"})
    p = r.get_response().parameters
    assert p["x-fwd-user"].string_param == "alice"
    assert "x-other" not in p
    c.close()


def test_sigterm_drains_grpc(start_server, tmp_path):
    repo = write_identity_repo(str(tmp_path / "repo"))
    server = start_server(repo)
    c = grpcclient.InferenceServerClient(server.grpc_url)
    results = queue.Queue()

    def done(result, error):
        results.put((result, error))
    # 'slow' takes 300 ms; SIGTERM arrives while it runs, and the answer still comes
    c.async_infer("slow", [one_input("FP32", np.float32([[5]]))], callback=done)
    idle = grpcclient.InferenceServerClient(server.grpc_url)
    idle.start_stream(callback=lambda result, error: None)  # an open, idle stream
    import time
    time.sleep(0.1)
    server.process.send_signal(15)
    result, error = results.get(timeout=10)
    assert error is None
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), np.float32([[5]]))
    assert server.process.wait(timeout=15) == 0
    idle.close()
    c.close()


def test_classification(client):
    data = np.float32([[0.1, 0.7, 0.15, 0.05]])
    out = grpcclient.InferRequestedOutput("OUTPUT0", class_count=2)
    r = client.infer("classify", [one_input("FP32", data)], outputs=[out])
    assert [x.decode() for x in r.as_numpy("OUTPUT0")[0]] == ["0.700000:1:dog", "0.150000:2:bird"]


def test_errors_code_and_message(client):
    data = sample("FP32")
    with pytest.raises(InferenceServerException) as e:
        client.infer("no_such_model", [one_input("FP32", data)])
    assert e.value.status() == "StatusCode.NOT_FOUND"
    assert "no_such_model" in e.value.message()
    with pytest.raises(InferenceServerException) as e:
        client.infer("id_fp32", [one_input("INT32", np.int32([1]))])
    assert e.value.status() == "StatusCode.INVALID_ARGUMENT"
    assert "INPUT0" in e.value.message()
    with pytest.raises(InferenceServerException) as e:
        client.infer("erroring", [one_input("FP32", data)])
    assert e.value.status() in ("StatusCode.INTERNAL", "StatusCode.INVALID_ARGUMENT",
                                "StatusCode.UNKNOWN")
    with pytest.raises(InferenceServerException) as e:
        client.infer("decoupled", [one_input("FP32", data)])
    assert e.value.status() == "StatusCode.UNIMPLEMENTED"
    assert "decoupled" in e.value.message()
    with pytest.raises(InferenceServerException) as e:
        client.get_model_metadata("no_such_model")
    assert e.value.status() == "StatusCode.NOT_FOUND"
    import grpc
    request = service_pb2.ModelInferRequest(model_name="id_fp32")
    request.inputs.add(name="INPUT0", datatype="FP32", shape=[1])
    request.raw_input_contents.append(np.float32([1]).tobytes())
    request.parameters["triton_x"].int64_param = 1
    with pytest.raises(grpc.RpcError) as e:
        client._client_stub.ModelInfer(request)
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "reserved for Triton usage" in e.value.details()


def test_same_error_message_as_http(grpc_server, client):
    body = {"inputs": [{"name": "INPUT0", "shape": [1], "datatype": "INT32", "data": [1]}]}
    http = grpc_server.infer("id_fp32", body)
    assert http.status_code == 400
    with pytest.raises(InferenceServerException) as e:
        client.infer("id_fp32", [one_input("INT32", np.int32([1]))])
    assert e.value.message() == http.json()["error"]


def test_async_infer_callbacks(client):
    results = queue.Queue()
    for k in range(8):
        data = np.float32([k, k + 1])
        def done(result, error, k=k):
            results.put((k, result, error))
        client.async_infer("id_fp32", [one_input("FP32", data)], callback=done,
                           request_id=str(k))
    seen = {}
    for _ in range(8):
        k, r, e = results.get(timeout=10)
        assert e is None
        np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), np.float32([k, k + 1]))
        seen[k] = r.get_response().id
    assert seen == {k: str(k) for k in range(8)}


def test_aio(grpc_server):
    async def run():
        c = grpcaio.InferenceServerClient(grpc_server.grpc_url)
        try:
            assert await c.is_server_ready()
            md = await c.get_model_metadata("id_int64", as_json=True)
            assert md["name"] == "id_int64"
            tasks = [c.infer("id_int64", [one_input("INT64", np.int64([k, -k]))]) for k in range(10)]
            results = await asyncio.gather(*tasks)
            for k, r in enumerate(results):
                np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), np.int64([k, -k]))
        finally:
            await c.close()
    asyncio.run(run())


# ---- streaming ----------------------------------------------------------------------------

def stream_collect(client, requests, expected, **kw):
    got = queue.Queue()
    def done(result, error):
        got.put((result, error))
    client.start_stream(callback=done)
    try:
        for model, inputs, rid in requests:
            client.async_stream_infer(model, inputs, request_id=rid, **kw)
        return [got.get(timeout=10) for _ in range(expected)]
    finally:
        client.stop_stream()


def test_stream_non_decoupled(client):
    reqs = [("id_fp32", [one_input("FP32", np.float32([k]))], str(k)) for k in range(5)]
    out = stream_collect(client, reqs, 5)
    ids = set()
    for r, e in out:
        assert e is None
        k = int(r.get_response().id)
        ids.add(k)
        np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), np.float32([k]))
    assert ids == set(range(5))


def test_stream_decoupled_several_responses(client):
    reqs = [("decoupled", [one_input("FP32", np.float32([k, 2 * k]))], f"d{k}") for k in range(2)]
    # 3 responses per request + 1 empty final response each
    out = stream_collect(client, reqs, 8, enable_empty_final_response=True)
    per_id = {}
    for r, e in out:
        assert e is None
        resp = r.get_response()
        final = resp.parameters["triton_final_response"].bool_param
        per_id.setdefault(resp.id, []).append((final, len(resp.outputs)))
    assert set(per_id) == {"d0", "d1"}
    for rid, items in per_id.items():
        assert items[-1] == (True, 0), items
        assert [x for x in items[:-1]] == [(False, 1)] * 3


def test_stream_decoupled_zero_responses(client):
    reqs = [("decoupled_none", [one_input("FP32", np.float32([1]))], "z")]
    out = stream_collect(client, reqs, 1, enable_empty_final_response=True)
    r, e = out[0]
    assert e is None
    resp = r.get_response()
    assert resp.id == "z" and resp.parameters["triton_final_response"].bool_param
    assert len(resp.outputs) == 0


def test_stream_error_keeps_stream_open(client):
    reqs = [("no_such_model", [one_input("FP32", np.float32([1]))], "bad"),
            ("id_fp32", [one_input("FP32", np.float32([2]))], "good")]
    out = stream_collect(client, reqs, 2)
    errors = [e for r, e in out if e is not None]
    goods = [r for r, e in out if e is None]
    assert len(errors) == 1 and "no_such_model" in str(errors[0])
    assert len(goods) == 1 and goods[0].get_response().id == "good"


def test_stream_cancelled_mid_flight(client, grpc_server):
    """The client cancels a stream while 'slow' requests run: the server drops their answers,
    frees the stream, and keeps serving."""
    for _ in range(3):
        c = grpcclient.InferenceServerClient(grpc_server.grpc_url)
        c.start_stream(callback=lambda result, error: None)
        for k in range(4):
            c.async_stream_infer("slow", [one_input("FP32", np.float32([[k]]))])
        c.stop_stream(cancel_requests=True)
        c.close()
    r = client.infer("id_fp32", [one_input("FP32", np.float32([9]))])
    np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), np.float32([9]))
    import time
    time.sleep(1.0)  # the slow requests finish on the server after the cancel
    assert client.is_server_ready()


def test_stream_many_interleaved(client):
    reqs = [("id_int32", [one_input("INT32", np.int32([k] * (k % 5 + 1)))], str(k))
            for k in range(64)]
    out = stream_collect(client, reqs, 64)
    for r, e in out:
        assert e is None
        k = int(r.get_response().id)
        np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), np.int32([k] * (k % 5 + 1)))


# ---- client faults ----------------------------------------------------------------------

def test_malformed_message(grpc_server, client):
    import grpc
    with grpc.insecure_channel(grpc_server.grpc_url) as channel:
        call = channel.unary_unary("/inference.GRPCInferenceService/ModelInfer")
        with pytest.raises(grpc.RpcError) as e:
            call(b"\xff\xff\xff\xff garbage", timeout=10)
        assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "failed to parse" in e.value.details()
        unknown = channel.unary_unary("/inference.GRPCInferenceService/NoSuchRpc")
        with pytest.raises(grpc.RpcError) as e:
            unknown(b"", timeout=10)
        assert e.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert client.is_server_live()


@pytest.mark.parametrize("name", ["../../etc/passwd", "x" * 10000, "a/b", "ü-名前", " "])
def test_hostile_model_names(client, name):
    with pytest.raises(InferenceServerException) as e:
        client.infer(name, [one_input("FP32", np.float32([1]))])
    assert e.value.status() in ("StatusCode.NOT_FOUND", "StatusCode.INVALID_ARGUMENT")
    assert not client.is_model_ready(name)
    with pytest.raises(InferenceServerException):
        client.get_model_config(name)
    assert client.is_server_live()


def test_large_message(client):
    data = (np.arange(24 << 20) % 251).astype(np.uint8)  # 24 MiB, beyond gRPC's 4 MiB default
    r = client.infer("id_uint8", [one_input("UINT8", data)])
    np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), data)


# ---- shared memory ------------------------------------------------------------------------

def test_system_shared_memory(client):
    data = np.float32([1.5, 2.5, 3.5, 4.5])
    client.unregister_system_shared_memory()
    handle = shm.create_shared_memory_region("in0", "/torchd_grpc_in", data.nbytes)
    out_handle = shm.create_shared_memory_region("out0", "/torchd_grpc_out", data.nbytes)
    try:
        shm.set_shared_memory_region(handle, [data])
        client.register_system_shared_memory("in0", "/torchd_grpc_in", data.nbytes)
        client.register_system_shared_memory("out0", "/torchd_grpc_out", data.nbytes)
        status = client.get_system_shared_memory_status(as_json=True)["regions"]
        assert status["in0"]["key"] == "/torchd_grpc_in"
        assert int(status["out0"]["byte_size"]) == data.nbytes
        i = grpcclient.InferInput("INPUT0", [4], "FP32")
        i.set_shared_memory("in0", data.nbytes)
        o = grpcclient.InferRequestedOutput("OUTPUT0")
        o.set_shared_memory("out0", data.nbytes)
        r = client.infer("id_fp32", [i], outputs=[o])
        assert r.get_output("OUTPUT0") is not None
        np.testing.assert_array_equal(shm.get_contents_as_numpy(out_handle, np.float32, [4]), data)
        client.unregister_system_shared_memory("in0")
        assert "in0" not in client.get_system_shared_memory_status(as_json=True).get("regions", {})
        with pytest.raises(InferenceServerException) as e:
            client.get_system_shared_memory_status("in0")
        assert e.value.status() == "StatusCode.NOT_FOUND"
    finally:
        client.unregister_system_shared_memory()
        shm.destroy_shared_memory_region(handle)
        shm.destroy_shared_memory_region(out_handle)


def test_cuda_shared_memory_without_gpus(client):
    """Where there is no NVIDIA driver (CI), a CUDA region cannot be opened: a clear INTERNAL
    error, nothing registered; a handle of the wrong size is INVALID_ARGUMENT. (tritonclient
    takes the handle base64-encoded, as cuda_shared_memory.get_raw_handle gives it.)"""
    import base64
    import os
    assert len(client.get_cuda_shared_memory_status().regions) == 0
    client.unregister_cuda_shared_memory()
    with pytest.raises(InferenceServerException) as e:
        client.register_cuda_shared_memory("r", base64.b64encode(b"short"), 0, 64)
    assert e.value.status() == "StatusCode.INVALID_ARGUMENT"
    assert "64-byte raw_handle" in e.value.message()
    if not os.path.exists("/dev/nvidiactl"):
        with pytest.raises(InferenceServerException) as e:
            client.register_cuda_shared_memory("r", base64.b64encode(bytes(64)), 0, 64)
        assert e.value.status() == "StatusCode.INTERNAL"
        assert "CUDA shared memory is unavailable" in e.value.message()
    assert len(client.get_cuda_shared_memory_status().regions) == 0


# ---- settings -----------------------------------------------------------------------------

def test_log_and_trace_settings(client):
    s = client.get_log_settings(as_json=True)["settings"]
    assert s["log_info"]["bool_param"] is True
    s = client.update_log_settings({"log_verbose_level": 2}, as_json=True)["settings"]
    assert s["log_verbose_level"]["uint32_param"] == 2
    client.update_log_settings({"log_verbose_level": 0})
    with pytest.raises(InferenceServerException) as e:
        client.update_log_settings({"log_file": "/tmp/x"})
    assert e.value.status() == "StatusCode.UNIMPLEMENTED"
    t = client.get_trace_settings(as_json=True)["settings"]
    assert t["trace_level"]["value"] == ["OFF"]
    t = client.update_trace_settings(settings={"trace_rate": "50"}, as_json=True)["settings"]
    assert t["trace_rate"]["value"] == ["50"]
    client.update_trace_settings(settings={"trace_rate": None})
    m = client.update_trace_settings(model_name="id_fp32", settings={"trace_count": "7"},
                                     as_json=True)["settings"]
    assert m["trace_count"]["value"] == ["7"]
    assert client.get_trace_settings(as_json=True)["settings"]["trace_count"]["value"] == ["-1"]
    assert client.get_trace_settings(model_name="id_fp32", as_json=True)["settings"][
        "trace_count"]["value"] == ["7"]
    with pytest.raises(InferenceServerException) as e:
        client.get_trace_settings(model_name="no_such_model")
    assert e.value.message() == "Request for unknown model : no_such_model"


# ---- model control ------------------------------------------------------------------------

def test_model_control_explicit(start_server, tmp_path):
    repo = write_identity_repo(str(tmp_path / "repo"))
    server = start_server(repo, ["--model-control-mode=explicit"])
    c = grpcclient.InferenceServerClient(server.grpc_url)
    assert not c.is_model_ready("id_fp32")
    c.load_model("id_fp32")
    assert c.is_model_ready("id_fp32")
    config = {"name": "id_int32", "backend": "identity", "max_batch_size": 0,
              "input": [{"name": "INPUT0", "data_type": "TYPE_INT32", "dims": [-1]}],
              "output": [{"name": "OUTPUT0", "data_type": "TYPE_INT32", "dims": [-1]}],
              "parameters": {"note": {"string_value": "override"}}}
    c.load_model("id_int32", config=json.dumps(config))
    assert c.get_model_config("id_int32").config.parameters["note"].string_value == "override"
    c.unload_model("id_fp32")
    assert not c.is_model_ready("id_fp32")
    with pytest.raises(InferenceServerException) as e:
        c.load_model("no_such_model")
    assert "no_such_model" in e.value.message()
    index = {m["name"]: m for m in c.get_model_repository_index(as_json=True)["models"]}
    assert index["id_int32"]["state"] == "READY"
    c.close()


def test_model_control_refused_in_none_mode(client):
    with pytest.raises(InferenceServerException) as e:
        client.load_model("id_fp32")
    assert e.value.status() == "StatusCode.UNAVAILABLE"


# ---- transport: restricted protocol, compression, TLS -------------------------------------

def test_restricted_protocol(start_server, identity_repo):
    server = start_server(identity_repo, ["--grpc-restricted-protocol=inference,health:key=secret"])
    c = grpcclient.InferenceServerClient(server.grpc_url)
    with pytest.raises(InferenceServerException) as e:
        c.is_server_live()
    assert e.value.status() == "StatusCode.UNAVAILABLE"
    assert "This protocol is restricted, expecting header 'key'" in e.value.message()
    assert c.is_server_live(headers={"key": "secret"})
    assert c.get_server_metadata().name == "triton"  # metadata is not restricted
    r = c.infer("id_fp32", [one_input("FP32", np.float32([1]))], headers={"key": "secret"})
    np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), np.float32([1]))
    c.close()


def test_compression(start_server, identity_repo):
    server = start_server(identity_repo, ["--grpc-infer-response-compression-level=high"])
    c = grpcclient.InferenceServerClient(server.grpc_url)
    data = np.zeros(100000, dtype=np.float32)
    for algorithm in (None, "gzip", "deflate"):
        r = c.infer("id_fp32", [one_input("FP32", data)], compression_algorithm=algorithm)
        np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), data)
    c.close()


def make_certs(d):
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=torchd-ca",
        "-keyout", "ca.key", "-out", "ca.crt")
    for name in ("server", "client"):
        ext = os.path.join(d, f"{name}.ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        run("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}", "-keyout",
            f"{name}.key", "-out", f"{name}.csr")
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "1", "-out", f"{name}.crt", "-extfile", ext)
    return {n: os.path.join(d, n) for n in ("ca.crt", "server.crt", "server.key", "client.crt",
                                            "client.key")}


@pytest.mark.parametrize("mutual", [False, True])
def test_tls(start_server, identity_repo, tmp_path, mutual):
    certs = make_certs(str(tmp_path))
    args = ["--grpc-use-ssl=true", f"--grpc-server-cert={certs['server.crt']}",
            f"--grpc-server-key={certs['server.key']}", f"--grpc-root-cert={certs['ca.crt']}"]
    if mutual:
        args.append("--grpc-use-ssl-mutual=true")
    server = start_server(identity_repo, args)
    url = f"localhost:{server.grpc_port}"
    c = grpcclient.InferenceServerClient(
        url, ssl=True, root_certificates=certs["ca.crt"],
        private_key=certs["client.key"] if mutual else None,
        certificate_chain=certs["client.crt"] if mutual else None)
    assert c.is_server_live()
    r = c.infer("id_fp32", [one_input("FP32", np.float32([3]))])
    np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), np.float32([3]))
    c.close()
    plain = grpcclient.InferenceServerClient(url)  # no TLS: the handshake fails
    with pytest.raises(InferenceServerException):
        plain.is_server_live(client_timeout=3)
    plain.close()
    if mutual:  # TLS without a client certificate is refused
        anon = grpcclient.InferenceServerClient(url, ssl=True, root_certificates=certs["ca.crt"])
        with pytest.raises(InferenceServerException):
            anon.is_server_live(client_timeout=3)
        anon.close()


def test_allow_grpc_false(start_server, identity_repo):
    server = start_server(identity_repo, ["--allow-grpc=false"])
    c = grpcclient.InferenceServerClient(server.grpc_url)
    with pytest.raises(InferenceServerException):
        c.is_server_live(client_timeout=2)
    c.close()
