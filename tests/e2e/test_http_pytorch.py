"""torchd serving real TorchScript models (tests/models/README.md) over HTTP: every dtype
JSON and binary, strings with NULs, batching and non-batching, naming conventions,
versions and policies, classification with labels, a model that raises, concurrency."""
import concurrent.futures
import os
import sys

import numpy as np
import pytest
import requests

from binary import binary_body, deserialize_bytes, serialize_bytes, split_response
from conftest import TORCHD_MODELS

PYTORCH_REPO = os.path.join(TORCHD_MODELS, "pytorch")
FAULTY_REPO = os.path.join(TORCHD_MODELS, "faulty")

pytestmark = pytest.mark.skipif(not os.path.isdir(PYTORCH_REPO),
                                reason=f"generated models missing at {PYTORCH_REPO}")


@pytest.fixture(scope="module")
def torch_server(start_server):
    return start_server(PYTORCH_REPO)


def tensor(name, dtype, shape, data):
    return {"name": name, "datatype": dtype, "shape": shape, "data": data}


def test_add_sub(torch_server):
    a = list(range(16))
    b = [1] * 16
    r = torch_server.infer("add_sub", {"inputs": [tensor("INPUT0", "FP32", [16], a),
                                                  tensor("INPUT1", "FP32", [16], b)]})
    assert r.status_code == 200, r.text
    outs = {o["name"]: o["data"] for o in r.json()["outputs"]}
    assert outs["OUTPUT0"] == [x + 1 for x in a] and outs["OUTPUT1"] == [x - 1 for x in a]
    meta = torch_server.get("/v2/models/add_sub").json()
    assert meta["platform"] == "pytorch_libtorch"


def test_config_keeps_the_users_model_filename(torch_server):
    """As Triton's auto-complete: a config that names a platform keeps the file name the
    user gave (here none: ""), and the backend still loads <version>/model.pt; only
    `backend: "pytorch"` with no platform gets platform and "model.pt" filled in."""
    import tritonclient.http as httpclient
    client = httpclient.InferenceServerClient(torch_server.url[len("http://"):])
    config = client.get_model_config("add_sub")  # platform: "pytorch_libtorch"
    assert (config["backend"], config["platform"], config["default_model_filename"]) == \
        ("pytorch", "pytorch_libtorch", "")
    assert client.is_model_ready("add_sub")
    config = client.get_model_config("identity_fp32")  # backend: "pytorch"
    assert (config["backend"], config["platform"], config["default_model_filename"]) == \
        ("pytorch", "pytorch_libtorch", "model.pt")
    client.close()


PLUS_ONE = {"uint8": ("UINT8", [0, 254, 255], [1, 255, 0]),
            "int8": ("INT8", [-128, 0, 127], [-127, 1, -128]),
            "int16": ("INT16", [-5, 0, 5], [-4, 1, 6]),
            "int32": ("INT32", [-5, 0, 5], [-4, 1, 6]),
            "int64": ("INT64", [-5, 0, 2**40], [-4, 1, 2**40 + 1]),
            "fp32": ("FP32", [0.5, -1.5, 2.0], [1.5, -0.5, 3.0]),
            "fp64": ("FP64", [0.5, -1.5, 2.0], [1.5, -0.5, 3.0]),
            "bool": ("BOOL", [True, False, True], [False, True, False])}


@pytest.mark.parametrize("suffix", sorted(PLUS_ONE))
def test_dtypes_json(torch_server, suffix):
    dtype, data, expected = PLUS_ONE[suffix]
    r = torch_server.infer(f"dtype_{suffix}", {"inputs": [tensor("INPUT__0", dtype, [1, 3], data)]})
    assert r.status_code == 200, r.text
    out = r.json()["outputs"][0]
    assert out["datatype"] == dtype and out["shape"] == [1, 3] and out["data"] == expected


@pytest.mark.parametrize("suffix,np_type", [("fp16", np.float16), ("fp32", np.float32),
                                            ("int64", np.int64), ("uint8", np.uint8)])
def test_dtypes_binary(torch_server, suffix, np_type):
    values = np.array([[1, 2, 3], [4, 5, 6]], dtype=np_type)
    raw = values.tobytes()
    header = {"inputs": [{"name": "INPUT__0", "shape": [2, 3], "datatype": suffix.upper(),
                          "parameters": {"binary_data_size": len(raw)}}],
              "outputs": [{"name": "OUTPUT__0", "parameters": {"binary_data": True}}]}
    body, headers = binary_body(header, [raw])
    r = torch_server.post(f"/v2/models/dtype_{suffix}/infer", data=body, headers=headers)
    assert r.status_code == 200, r.text
    meta, outputs = split_response(r)
    got = np.frombuffer(outputs["OUTPUT__0"], np_type).reshape(2, 3)
    assert (got == values + 1).all()


def test_strings_with_nuls(torch_server):
    items = [b"a\x00b", b"", b"plain"]
    raw = serialize_bytes(items)
    header = {"inputs": [{"name": "INPUT__0", "shape": [3], "datatype": "BYTES",
                          "parameters": {"binary_data_size": len(raw)}}],
              "outputs": [{"name": "OUTPUT__0", "parameters": {"binary_data": True}}]}
    body, headers = binary_body(header, [raw])
    r = torch_server.post("/v2/models/string_identity/infer", data=body, headers=headers)
    assert r.status_code == 200, r.text
    _, outputs = split_response(r)
    assert deserialize_bytes(outputs["OUTPUT__0"]) == items
    r = torch_server.infer("string_identity", {"inputs": [tensor("INPUT__0", "BYTES", [2], ["x\u0000y", "z"])]})
    assert r.json()["outputs"][0]["data"] == ["x\u0000y", "z"]


def test_non_batching_and_shape_errors(torch_server):
    r = torch_server.infer("nobatch_fp32", {"inputs": [tensor("INPUT__0", "FP32", [2, 3], [1, 2, 3, 4, 5, 6])]})
    assert r.json()["outputs"][0]["data"] == [2, 4, 6, 8, 10, 12]
    r = torch_server.infer("nobatch_fp32", {"inputs": [tensor("INPUT__0", "FP32", [3, 2], [1] * 6)]})
    assert r.status_code == 400 and "INPUT__0" in r.json()["error"]


def test_naming_conventions(torch_server):
    r = torch_server.infer("forward_args", {"inputs": [tensor("alpha", "FP32", [2], [5, 5]),
                                                       tensor("beta", "FP32", [2], [1, 2])]})
    assert r.json()["outputs"][0]["data"] == [4, 3]
    r = torch_server.infer("dict_input", {"inputs": [tensor("INPUT_A", "FP32", [1], [1]),
                                                     tensor("INPUT_B", "FP32", [1], [2])]})
    assert r.json()["outputs"][0]["data"] == [5]
    r = torch_server.infer("multi_output", {"inputs": [tensor("INPUT__0", "FP32", [1, 2], [1.5, -2])],
                                            "outputs": [{"name": "OUTPUT__2"}]})
    outs = r.json()["outputs"]
    assert [o["name"] for o in outs] == ["OUTPUT__2"] and outs[0]["data"] == [True, False]


def test_versions_and_policies(torch_server):
    body = {"inputs": [tensor("INPUT__0", "FP32", [1], [10])]}
    assert torch_server.infer("versioned_all", body).json()["outputs"][0]["data"] == [13]
    for v in (1, 2, 3):
        r = torch_server.infer("versioned_all", body, version=v)
        assert r.json()["model_version"] == str(v) and r.json()["outputs"][0]["data"] == [10 + v]
    assert torch_server.infer("versioned_specific", body, version=2).status_code != 200
    assert torch_server.infer("versioned_latest", body, version=1).status_code != 200
    assert sorted(torch_server.get("/v2/models/versioned_latest2").json()["versions"]) == ["2", "3"]


def test_classification_with_labels(torch_server):
    r = torch_server.infer("classifier", {
        "inputs": [tensor("INPUT__0", "FP32", [1, 4], [0.1, 0.7, 0.2, 0.0])],
        "outputs": [{"name": "OUTPUT__0", "parameters": {"classification": 2}}]})
    assert r.status_code == 200, r.text
    out = r.json()["outputs"][0]
    assert out["shape"] == [1, 2] and out["data"] == ["0.700000:1:dog", "0.200000:2:bird"]


def test_batching_concurrent_clients(torch_server):
    def one(i):
        r = requests.post(f"{torch_server.url}/v2/models/batch_probe/infer", timeout=60, json={
            "inputs": [tensor("INPUT__0", "FP32", [1, 4], [i, i + 1, i + 2, i + 3])]})
        outs = {o["name"]: o["data"] for o in r.json()["outputs"]}
        return r.status_code == 200 and outs["OUTPUT__0"] == [2 * x for x in (i, i + 1, i + 2, i + 3)]

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        assert all(pool.map(one, range(32)))


def test_raising_model_keeps_serving(start_server):
    s = start_server([FAULTY_REPO], ["--exit-on-error=false", "--strict-readiness=false"])
    r = s.infer("raises", {"inputs": [tensor("INPUT__0", "FP32", [1, 2], [1, -1])]})
    assert r.status_code == 500
    assert "raises: input contains a negative value" in r.json()["error"]
    r = s.infer("raises", {"inputs": [tensor("INPUT__0", "FP32", [1, 2], [1, 2])]})
    assert r.status_code == 200 and r.json()["outputs"][0]["data"] == [2, 3]
    index = {e["name"]: e for e in s.post("/v2/repository/index").json()}
    assert index["corrupt"]["state"] == "UNAVAILABLE" and index["corrupt"]["reason"]


def test_readme_example_answers(start_server, tmp_path):
    """The quick start: torchd --model-repository=examples/models answers the README's
    curl queries (examples/README.md) correctly."""
    import shutil
    import subprocess
    import sys
    from conftest import ROOT
    repo = tmp_path / "models"
    shutil.copytree(os.path.join(ROOT, "examples", "models"), repo,
                    ignore=shutil.ignore_patterns("model.pt"))
    subprocess.run([sys.executable, os.path.join(ROOT, "examples", "make_example_models.py"),
                    str(repo)], check=True, timeout=120, stdout=sys.stderr)
    s = start_server(str(repo))
    r = s.infer("quadrant", {"inputs": [tensor("POINT", "FP32", [1, 2], [3, 1])]})
    assert r.status_code == 200, r.text
    assert np.allclose(r.json()["outputs"][0]["data"], [0.878619, 0.002178, 0.000295, 0.118908],
                       atol=1e-6)
    r = s.infer("quadrant", {
        "inputs": [tensor("POINT", "FP32", [4, 2], [[3, 1], [-2, 0.5], [-1, -1.5], [0.5, -4]])],
        "outputs": [{"name": "PROBABILITIES", "parameters": {"classification": 1}}]})
    assert r.json()["outputs"][0]["data"] == ["0.878619:0:northeast", "0.717910:1:northwest",
                                              "0.839024:2:southwest", "0.730813:3:southeast"]
    r = s.infer("add_sub", {"inputs": [tensor("INPUT0", "FP32", [16], list(range(16))),
                                       tensor("INPUT1", "FP32", [16], [1] * 16)]})
    outs = {o["name"]: o["data"] for o in r.json()["outputs"]}
    assert outs["OUTPUT0"] == list(range(1, 17)) and outs["OUTPUT1"] == list(range(-1, 15))


def extra_model_repo(tmp_path, *names):
    """A repository holding copies of the named pytorch_extra models."""
    import shutil
    repo = tmp_path / "repo"
    for name in names:
        shutil.copytree(os.path.join(TORCHD_MODELS, "pytorch_extra", name), repo / name)
    return str(repo)


def test_transformer_layer_with_default_arguments(start_server, tmp_path):
    """A stock nn.TransformerEncoderLayer, scripted as users export it (attention through
    aten::scaled_dot_product_attention), serves with only `src` in the config: the mask
    arguments and is_causal take their defaults. Driven by tritonclient.http, and checked
    against the same model.pt run by the environment's torch."""
    import torch
    import tritonclient.http as httpclient

    repo = extra_model_repo(tmp_path, "transformer_layer", "default_arguments")
    server = start_server(repo)
    client = httpclient.InferenceServerClient(server.url[len("http://"):])
    reference = torch.jit.load(os.path.join(repo, "transformer_layer", "1", "model.pt"))
    rng = np.random.default_rng(0)
    for batch, sequence in ((1, 5), (3, 17)):
        src = rng.standard_normal((batch, sequence, 64)).astype(np.float32)
        inputs = [httpclient.InferInput("src", list(src.shape), "FP32")]
        inputs[0].set_data_from_numpy(src, binary_data=True)
        result = client.infer("transformer_layer", inputs)
        got = result.as_numpy("OUTPUT__0")
        with torch.no_grad():
            expected = reference(torch.from_numpy(src)).numpy()
        assert got.shape == (batch, sequence, 64)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)

    x = np.array([[1.0, 2.0]], dtype=np.float32)
    bias = np.array([[0.5, 0.25]], dtype=np.float32)
    only_x = [httpclient.InferInput("x", [1, 2], "FP32")]
    only_x[0].set_data_from_numpy(x)
    assert client.infer("default_arguments", only_x).as_numpy("OUTPUT__0").tolist() == [[2, 4]]
    with_bias = only_x + [httpclient.InferInput("bias", [1, 2], "FP32")]
    with_bias[1].set_data_from_numpy(bias)
    out = client.infer("default_arguments", with_bias).as_numpy("OUTPUT__0")
    assert out.tolist() == [[2.5, 4.25]]
