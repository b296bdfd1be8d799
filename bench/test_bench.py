"""Tests of the benchmark tools that run without a server or a load generator.

Why this exists: a benchmark whose requests are malformed, whose baseline server answers
wrongly or whose report computes the targets wrongly produces confident nonsense. These
tests check the request bodies wrk posts, the Python baseline server's KServe v2 handling
(in-process and over real HTTP), and the report's target arithmetic.
Run: .venv/bin/python -m pytest -q bench/test_bench.py
"""

import asyncio
import json
import os
import struct
import sys

import numpy as np
import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "wrk"))

import make_bodies  # noqa: E402
import python_server  # noqa: E402
import report  # noqa: E402
from models import MODELS, build_module, config_text  # noqa: E402

# python_server silences this at import for its zero-copy input views; pytest resets filters.
pytestmark = pytest.mark.filterwarnings("ignore:The given NumPy array is not writable")


@pytest.fixture(scope="module")
def add_sub():
    return build_module("add_sub")


def parse_response(body: bytes, json_length):
    """(JSON header, {output name: numpy array}) of a KServe v2 response body."""
    if json_length is None:
        return json.loads(body), {}
    header = json.loads(body[:json_length])
    arrays, offset = {}, json_length
    for out in header["outputs"]:
        size = out["parameters"]["binary_data_size"]
        arrays[out["name"]] = np.frombuffer(body[offset:offset + size], dtype="<f4").reshape(
            out["shape"])
        offset += size
    assert offset == len(body)
    return header, arrays


@pytest.mark.parametrize("name", list(MODELS))
def test_bodies_follow_the_binary_extension(name):
    body, header_length = make_bodies.request_body(name)
    header = json.loads(body[:header_length])
    sizes = [t["parameters"]["binary_data_size"] for t in header["inputs"]]
    assert sum(sizes) == len(body) - header_length
    for tensor, (tname, dtype, dims) in zip(header["inputs"], MODELS[name]["inputs"]):
        batch = [1] if MODELS[name]["max_batch_size"] > 0 else []
        assert (tensor["name"], tensor["datatype"], tensor["shape"]) == (tname, dtype,
                                                                         batch + dims)
        assert tensor["parameters"]["binary_data_size"] == 4 * int(np.prod(batch + dims))
    assert all(o["parameters"]["binary_data"] for o in header["outputs"])


def test_config_text_names_every_tensor():
    text = config_text("mlp")
    assert 'name: "mlp"' in text and "max_batch_size: 64" in text
    assert 'name: "INPUT__0" data_type: TYPE_FP32 dims: [ 512 ]' in text
    assert "dynamic_batching {" in text
    assert "dynamic_batching" not in config_text("add_sub")


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("variant", [{}, {"instances": 8, "weight_sharing": True,
                                          "warmup": True}])
def test_config_text_is_valid_text_format(name, variant):
    """Parsed by protoc with Triton's model_config.proto (the config engineer's oracle)."""
    import shutil
    import subprocess
    proto_dir = os.path.join(HERE, "..", "tests", "config-corpus")
    if shutil.which("protoc") is None or not os.path.exists(
            os.path.join(proto_dir, "model_config.proto")):
        pytest.skip("needs protoc and tests/config-corpus/model_config.proto")
    done = subprocess.run(["protoc", "--proto_path=" + proto_dir,
                           "--encode=inference.ModelConfig", "model_config.proto"],
                          input=config_text(name, **variant).encode(), capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


def test_python_server_binary_round_trip(add_sub):
    body, header_length = make_bodies.request_body("add_sub")
    header, binary = python_server.split_body(body, str(header_length))
    args = python_server.decode_inputs("add_sub", header, binary)
    assert [a.shape for a in args] == [torch.Size([16]), torch.Size([16])]
    response, json_length = python_server.encode_outputs("add_sub", "1", header, add_sub(*args))
    meta, arrays = parse_response(response, json_length)
    assert meta["model_name"] == "add_sub" and meta["model_version"] == "1"
    x = np.frombuffer(binary[:64], dtype="<f4")
    y = np.frombuffer(binary[64:], dtype="<f4")
    np.testing.assert_array_equal(arrays["OUTPUT0"], x + y)
    np.testing.assert_array_equal(arrays["OUTPUT1"], x - y)


def test_python_server_json_and_output_selection(add_sub):
    header = {"id": "7", "inputs": [
        {"name": "INPUT1", "shape": [16], "datatype": "FP32", "data": [1] * 16},
        {"name": "INPUT0", "shape": [16], "datatype": "FP32", "data": list(range(16))}],
        "outputs": [{"name": "OUTPUT1"}]}
    args = python_server.decode_inputs("add_sub", header, b"")
    response, json_length = python_server.encode_outputs("add_sub", "1", header, add_sub(*args))
    assert json_length is None
    meta = json.loads(response)
    assert meta["id"] == "7"
    assert [o["name"] for o in meta["outputs"]] == ["OUTPUT1"]
    assert meta["outputs"][0]["data"] == [float(i - 1) for i in range(16)]


@pytest.mark.parametrize("body,header_length,message", [
    (b'{"inputs":[]}', "99", "outside the body"),
    (b'{"inputs":[]}', "x", "must be an integer"),
    (b"{not json", None, "failed to parse"),
])
def test_python_server_rejects_bad_framing(body, header_length, message):
    with pytest.raises(python_server.BadRequest, match=message):
        python_server.split_body(body, header_length)


def test_python_server_rejects_bad_tensors():
    def inputs(binary_sizes):
        return {"inputs": [{"name": n, "shape": [16], "datatype": "FP32",
                            "parameters": {"binary_data_size": s}}
                           for n, s in zip(["INPUT0", "INPUT1"], binary_sizes)]}
    with pytest.raises(python_server.BadRequest, match="unexpected additional input data"):
        python_server.decode_inputs("add_sub", inputs([64, 64]), bytes(132))
    with pytest.raises(python_server.BadRequest, match="unexpected size for input 'INPUT1'"):
        python_server.decode_inputs("add_sub", inputs([64, 64]), bytes(100))
    with pytest.raises(python_server.BadRequest, match=r"missing \['INPUT1'\]"):
        python_server.decode_inputs("add_sub", inputs([64]), bytes(64))
    with pytest.raises(python_server.BadRequest, match="unsupported datatype 'BF16'"):
        python_server.decode_inputs("add_sub", {"inputs": [
            {"name": "INPUT0", "shape": [1], "datatype": "BF16", "data": [1]}]}, b"")


def test_python_server_over_http(add_sub):
    from aiohttp.test_utils import TestClient, TestServer

    async def scenario():
        app = python_server.make_app({"add_sub": (add_sub, "1")})
        async with TestClient(TestServer(app)) as client:
            assert (await client.get("/v2/health/ready")).status == 200
            assert (await client.get("/v2/models/add_sub/ready")).status == 200
            assert (await client.get("/v2/models/nope/ready")).status == 404
            meta = await (await client.get("/v2/models/add_sub")).json()
            assert meta["inputs"][0] == {"name": "INPUT0", "datatype": "FP32", "shape": [16]}
            body, header_length = make_bodies.request_body("add_sub")
            resp = await client.post("/v2/models/add_sub/infer", data=body, headers={
                "Inference-Header-Content-Length": str(header_length)})
            assert resp.status == 200
            json_length = int(resp.headers["Inference-Header-Content-Length"])
            _, arrays = parse_response(await resp.read(), json_length)
            assert arrays["OUTPUT0"].shape == (16,)
            bad = await client.post("/v2/models/add_sub/infer", data=b"{}")
            assert bad.status == 400
            assert "missing" in (await bad.json())["error"]
    asyncio.run(scenario())


def test_inprocess_limit_picks_the_batch_a_server_could_form():
    rows = [{"model": m, "batch": str(b), "items_per_s": str(b * 100), "median_us": "1",
             "p99_us": "2"} for m in ("mlp", "add_sub") for b in (1, 2, 4, 8, 16, 32, 64)]
    assert report.inprocess_limit(rows, "mlp", 16)[0] == 16
    assert report.inprocess_limit(rows, "mlp", 128)[0] == 64
    assert report.inprocess_limit(rows, "add_sub", 16)[0] == 1
    assert report.inprocess_limit(rows, "resnet18", 1) is None


def test_targets_arithmetic():
    def server(system, model, c, rps, p50):
        return {"system": system, "model": model, "concurrency": str(c), "rps": str(rps),
                "p50_us": str(p50)}
    inprocess = [{"model": "add_sub", "batch": "1", "items_per_s": "1000", "median_us": "5",
                  "p99_us": "9"},
                 {"model": "mlp", "batch": "16", "items_per_s": "1000", "median_us": "5",
                  "p99_us": "9"}]
    servers = [server("torchd", "add_sub", 1, 100, 50), server("torchd", "add_sub", 16, 900, 1),
               server("python", "add_sub", 16, 100, 1), server("torchd", "mlp", 16, 850, 1)]
    extras = [{"measurement": "RSS when ready", "model": "resnet18", "setting": setting,
               "value": value, "unit": "MiB"}
              for setting, value in [("1 instance", "400"), ("8 instances", "1500"),
                                     ("8 instances + weight sharing", "440")]]
    lines = "\n".join(report.targets(servers, inprocess, extras))
    assert "| +45 µs | yes |" in lines
    assert "| 9.0× | yes |" in lines
    assert "(assumed batch 16) | 0.85× | no |" in lines
    assert "resnet18, c=16: torchd ≥ 0.9× in-process at the batch formed | not measured" in lines
    assert "memory of 1 instance | 1.10× | yes |" in lines
    table = "\n".join(report.extras_table(extras))
    assert "| resnet18 | 8 instances + weight sharing | 440 |" in table
    assert "| model | configuration | RSS when ready (MiB) |" in table


def test_variant_configs(tmp_path):
    text = config_text("resnet18", instances=8, weight_sharing=True, warmup=True)
    assert "instance_group [ { count: 8, kind: KIND_CPU } ]" in text
    assert 'key: "ENABLE_WEIGHT_SHARING" value { string_value: "true" }' in text
    assert 'inputs { key: "INPUT__0" value { data_type: TYPE_FP32 dims: [ 3, 224, 224 ] ' \
           'zero_data: true } }' in text
    source = tmp_path / "repo" / "mlp" / "1"
    source.mkdir(parents=True)
    (source / "model.pt").write_bytes(b"weights")
    from models import write_variant
    write_variant(str(tmp_path / "variant"), "mlp", str(tmp_path / "repo"), 2, False, True)
    link = tmp_path / "variant" / "mlp" / "1" / "model.pt"
    assert link.is_symlink() and link.read_bytes() == b"weights"
    assert "count: 2" in (tmp_path / "variant" / "mlp" / "config.pbtxt").read_text()


def test_little_endian_float_layout_of_bodies():
    body, header_length = make_bodies.request_body("mlp")
    first = struct.unpack("<f", body[header_length:header_length + 4])[0]
    assert 0.0 <= first < 1.0


def test_batch_stats_subtracts_snapshots(tmp_path):
    import batch_stats

    def snapshot(name, counts):
        stats = {"model_stats": [{"name": "mlp", "batch_stats": [
            {"batch_size": size, "compute_infer": {"count": n, "ns": n * 1000}}
            for size, n in counts.items()]}]}
        path = tmp_path / name
        path.write_text(json.dumps(stats))
        return str(path)

    before = snapshot("before.json", {1: 5, 4: 2})
    after = snapshot("after.json", {1: 7, 4: 2, 16: 3})
    formed = batch_stats.formed(batch_stats.executions(before), batch_stats.executions(after))
    assert formed == {1: 2, 16: 3}  # size 4 did not run in between: left out
    assert batch_stats.line(formed) == "10.00,1:2 16:3"  # (2*1 + 3*16) / 5 executions
    assert batch_stats.line({}) == ","
    assert batch_stats.executions(str(tmp_path / "missing.json")) == {}


def test_inprocess_time_is_interpolated_between_measured_batches():
    rows = [{"model": "mlp", "batch": str(b), "median_us": str(t)}
            for b, t in ((1, 100), (4, 160), (16, 400))]
    assert report.inprocess_call_us(rows, "mlp", 4) == 160
    assert report.inprocess_call_us(rows, "mlp", 10) == 280  # halfway between 4 and 16
    assert report.inprocess_call_us(rows, "mlp", 32) == 800  # proportional beyond 16
    assert report.inprocess_call_us(rows, "resnet18", 4) is None
    # 2 batches of 1 (200 µs) and 1 of 16 (400 µs): 18 items in 600 µs.
    assert report.limit_at_formed_batches(rows, "mlp", {1: 2, 16: 1}) == pytest.approx(30000)
    assert report.parse_batches("1:2 16:1") == {1: 2, 16: 1}
    assert report.parse_batches("") == {}


def test_targets_use_the_batches_formed_when_recorded():
    inprocess = [{"model": "mlp", "batch": str(b), "items_per_s": "1", "median_us": str(t),
                  "p99_us": "1"} for b, t in ((1, 1000), (16, 2000))]
    servers = [{"system": "torchd", "model": "mlp", "concurrency": "16", "rps": "7200",
                "p50_us": "1", "mean_batch": "16.00", "batches": "16:10"}]
    lines = "\n".join(report.targets(servers, inprocess, []))
    # In-process: 16 items per 2000 µs = 8000 items/s; torchd 7200 req/s = 0.90×.
    assert "in-process at the batch formed (mean batch 16.0) | 0.90× | yes |" in lines


def test_before_after_skips_points_with_few_answers():
    def row(model, c, requests, rps):
        return {"system": "torchd", "model": model, "concurrency": str(c),
                "requests": str(requests), "rps": str(rps), "p50_us": "1000"}
    before = [row("mlp", 16, 900, 300), row("resnet18", 64, 5, 1)]
    now = [row("mlp", 16, 1800, 600), row("resnet18", 64, 40, 8)]
    lines = "\n".join(report.before_after(before, now))
    assert "| mlp | 16 | 300 | 600 | 2.00× | 1.00 | 1.00 |" in lines
    assert "resnet18" not in lines
    floor = report.floor_table([{"system": "torchd", "concurrency": "1", "rps": "20000",
                                 "p50_us": "45", "p90_us": "60", "p99_us": "90"}])
    assert "| torchd | 1 | 20,000 | 45 | 60 | 90 |" in "\n".join(floor)
