"""Loading a model from files sent with the load request (`file:<path>` load parameters,
tritonclient.http's load_model(config=..., files=...)): a real TorchScript model loads and
infers, its private temporary repository lives exactly as long as the model, and hostile
or malformed parameters are refused with a 400 naming the parameter while the server
keeps serving."""
import base64
import glob
import json
import os
import stat

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from conftest import TORCHD_MODELS

PYTORCH_REPO = os.path.join(TORCHD_MODELS, "pytorch")
ADD_SUB = os.path.join(PYTORCH_REPO, "add_sub", "1", "model.pt")

pytestmark = pytest.mark.skipif(not os.path.isfile(ADD_SUB),
                                reason=f"generated models missing at {ADD_SUB}")


def add_sub_config(name, backend=True):
    config = {"name": name, "max_batch_size": 0,
              "input": [{"name": "INPUT0", "data_type": "TYPE_FP32", "dims": [16]},
                        {"name": "INPUT1", "data_type": "TYPE_FP32", "dims": [16]}],
              "output": [{"name": "OUTPUT0", "data_type": "TYPE_FP32", "dims": [16]},
                         {"name": "OUTPUT1", "data_type": "TYPE_FP32", "dims": [16]}]}
    if backend:
        config["backend"] = "pytorch"
    return json.dumps(config)


@pytest.fixture(scope="module")
def tmpdir_for_server(tmp_path_factory):
    return str(tmp_path_factory.mktemp("override_tmp"))


@pytest.fixture(scope="module")
def explicit_server(start_server, tmp_path_factory, tmpdir_for_server):
    empty = str(tmp_path_factory.mktemp("empty_repo"))
    old = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = tmpdir_for_server  # the server's temporary repositories go here
    try:
        server = start_server(empty, ["--model-control-mode=explicit",
                                      "--http-max-input-size=4194304"])
    finally:
        if old is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = old
    return server


@pytest.fixture(scope="module")
def client(explicit_server):
    return httpclient.InferenceServerClient(explicit_server.url.replace("http://", ""))


@pytest.fixture(scope="module")
def model_bytes():
    with open(ADD_SUB, "rb") as f:
        return f.read()


def overrides(tmp):
    return sorted(glob.glob(os.path.join(tmp, "torchd-override-*")))


def add_sub(client, name):
    a = np.arange(16, dtype=np.float32)
    b = np.full(16, 2, dtype=np.float32)
    inputs = [httpclient.InferInput("INPUT0", [16], "FP32"),
              httpclient.InferInput("INPUT1", [16], "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(b)
    result = client.infer(name, inputs)
    assert (result.as_numpy("OUTPUT0") == a + b).all()
    assert (result.as_numpy("OUTPUT1") == a - b).all()


def test_load_infer_unload(client, model_bytes, tmpdir_for_server):
    client.load_model("sent", config=add_sub_config("sent"),
                      files={"file:1/model.pt": model_bytes})
    assert client.is_model_ready("sent")
    add_sub(client, "sent")
    # One private temporary repository holds the model while it is loaded.
    [repository] = overrides(tmpdir_for_server)
    assert stat.S_IMODE(os.stat(repository).st_mode) == 0o700
    with open(os.path.join(repository, "sent", "1", "model.pt"), "rb") as f:
        assert f.read() == model_bytes
    index = {m["name"]: m for m in client.get_model_repository_index()}
    assert index["sent"]["state"] == "READY"
    client.unload_model("sent")
    assert overrides(tmpdir_for_server) == []
    assert not client.is_model_ready("sent")


def test_backend_found_from_the_files(client, model_bytes, tmpdir_for_server):
    """No backend in the config: model.pt in the version directory names it, as for a
    model of the repository."""
    client.load_model("detected", config=add_sub_config("detected", backend=False),
                      files={"file:1/model.pt": model_bytes})
    add_sub(client, "detected")
    assert client.get_model_metadata("detected")["platform"] == "pytorch_libtorch"
    client.unload_model("detected")
    assert overrides(tmpdir_for_server) == []


def test_reload_replaces_the_files(client, model_bytes, tmpdir_for_server):
    client.load_model("again", config=add_sub_config("again"),
                      files={"file:1/model.pt": model_bytes})
    first = overrides(tmpdir_for_server)
    client.load_model("again", config=add_sub_config("again"),
                      files={"file:2/model.pt": model_bytes})
    second = overrides(tmpdir_for_server)
    assert len(first) == 1 and len(second) == 1 and first != second  # old one removed
    index = [m for m in client.get_model_repository_index() if m["name"] == "again"]
    assert [m["version"] for m in index if m.get("state") == "READY"] == ["2"]
    add_sub(client, "again")
    # A failed reload keeps version 2 serving and leaves no new directory behind.
    with pytest.raises(InferenceServerException):
        client.load_model("again", config=add_sub_config("again"),
                          files={"file:3/model.pt": b"not a TorchScript archive"})
    assert overrides(tmpdir_for_server) == second
    add_sub(client, "again")
    client.unload_model("again")
    assert overrides(tmpdir_for_server) == []


HOSTILE = {
    "file:../escape.pt": "'..'",
    "file:1/../../escape.pt": "'..'",
    "file:/tmp/absolute.pt": "relative",
    "file:1//model.pt": "empty component",
    "file:1/model.pt/": "empty component",
    "file:": "empty",
    "file:./1/model.pt": "'.'",
    "file:1/" + "x" * 300: "255 bytes",
    "file:" + "/".join(["d"] * 20) + "/model.pt": "deep",
}


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_paths_are_refused(explicit_server, client, model_bytes, tmpdir_for_server,
                                   key):
    body = {"parameters": {"config": add_sub_config("hostile"),
                           key: base64.b64encode(model_bytes).decode()}}
    r = explicit_server.post("/v2/repository/models/hostile/load", json=body)
    assert r.status_code == 400, r.text
    message = r.json()["error"]
    assert f"'{key}'" in message and HOSTILE[key] in message, message
    assert overrides(tmpdir_for_server) == []
    assert not os.path.exists(os.path.join(os.path.dirname(tmpdir_for_server), "escape.pt"))
    assert explicit_server.get("/v2/health/live").status_code == 200


MALFORMED = [
    ({"file:1/model.pt": "AAAA"}, "Load parameter 'config' must be specified"),
    ({"config": "{}", "file:1/model.pt": "not base64!"}, "'file:1/model.pt' is not valid base64"),
    ({"config": "{}", "file:1/model.pt": 12}, "expecting a base64 string for load parameter "
                                              "'file:1/model.pt'"),
    ({"config": "{}", "file:1": "AAAA", "file:1/model.pt": "AAAA"}, "'file:1/model.pt'"),
    ({"config": "{}", "weights:1/model.pt": "AAAA"}, "unknown load parameter 'weights:1/model.pt'"),
    ({"config": "not json", "file:1/model.pt": "AAAA"}, "Invalid config override: "),
]


@pytest.mark.parametrize("parameters,fragment", MALFORMED)
def test_malformed_parameters_are_refused(explicit_server, tmpdir_for_server, parameters,
                                          fragment):
    r = explicit_server.post("/v2/repository/models/malformed/load",
                             json={"parameters": parameters})
    assert r.status_code == 400, r.text
    assert fragment in r.json()["error"], r.text
    assert overrides(tmpdir_for_server) == []
    assert explicit_server.get("/v2/health/live").status_code == 200


def test_files_bounded_by_max_input_size(explicit_server, tmpdir_for_server):
    """Compressed bodies inflate to at most --http-max-input-size (4 MiB here), and the
    decoded files must fit in it as well."""
    import gzip
    big = base64.b64encode(b"\0" * (3 * 1024 * 1024)).decode()
    body = json.dumps({"parameters": {"config": add_sub_config("big"),
                                      "file:1/model.pt": big, "file:1/more.bin": big}})
    r = explicit_server.post("/v2/repository/models/big/load", data=gzip.compress(body.encode()),
                             headers={"Content-Encoding": "gzip",
                                      "Content-Type": "application/json"})
    assert r.status_code in (400, 413), r.text
    assert overrides(tmpdir_for_server) == []


def test_files_removed_at_exit(start_server, tmp_path, model_bytes):
    empty = str(tmp_path / "repo")
    os.makedirs(empty)
    tmp = str(tmp_path / "tmp")
    os.makedirs(tmp)
    old = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = tmp
    try:
        server = start_server(empty, ["--model-control-mode=explicit"])
    finally:
        if old is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = old
    client = httpclient.InferenceServerClient(server.url.replace("http://", ""))
    client.load_model("leaving", config=add_sub_config("leaving"),
                      files={"file:1/model.pt": model_bytes})
    assert len(overrides(tmp)) == 1
    assert server.stop() == 0
    assert overrides(tmp) == []
