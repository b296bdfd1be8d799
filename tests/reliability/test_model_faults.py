"""Model faults with the PyTorch backend (issue 7): corrupt, truncated, empty and missing
model.pt; a model that raises in forward; one that returns the wrong dtype, a scalar,
too few outputs or a non-tensor; one that hangs past a request's timeout. Each model's
clients get a clear error, the healthy model keeps serving throughout, and the server
stays up. The fault models are written by make_fault_models.py into a temp repository."""
import concurrent.futures
import os
import sys
import subprocess
import time

import pytest
import requests

from conftest import TORCHD_BIN

HERE = os.path.dirname(os.path.abspath(__file__))
PYTORCH_BACKEND = os.path.join(os.path.dirname(TORCHD_BIN), "backends", "pytorch")

pytestmark = pytest.mark.skipif(not os.path.isdir(PYTORCH_BACKEND),
                                reason=f"no PyTorch backend beside {TORCHD_BIN}")


@pytest.fixture(scope="module")
def faults(tmp_path_factory, start_server):
    repo = str(tmp_path_factory.mktemp("fault_models"))
    subprocess.run([sys.executable, os.path.join(HERE, "make_fault_models.py"), repo],
                   check=True, timeout=120)
    return start_server(repo, ["--exit-on-error=false", "--strict-readiness=false"])


def fp32(data, shape=None, **extra):
    return dict({"inputs": [{"name": "INPUT__0", "datatype": "FP32",
                             "shape": shape or [len(data)], "data": data}]}, **extra)


def assert_healthy(srv):
    assert srv.process.poll() is None, srv.read_log()[-3000:]
    r = srv.infer("healthy", fp32([1, 2, 3]))
    assert r.status_code == 200 and r.json()["outputs"][0]["data"] == [2, 3, 4], r.text


LOAD_FAILURES = [
    ("corrupt", "failed to load model 'corrupt': PytorchStreamReader failed reading zip archive"),
    ("truncated", "failed to load model 'truncated': PytorchStreamReader failed reading zip archive"),
    ("empty_file", "failed to load model 'empty_file': PytorchStreamReader failed reading zip archive"),
    ("missing_file", "missing_file/1/model.pt' for model instance 'missing_file"),
]


@pytest.mark.parametrize("name,reason", LOAD_FAILURES, ids=[c[0] for c in LOAD_FAILURES])
def test_bad_model_files(faults, name, reason):
    index = {e["name"]: e for e in faults.post("/v2/repository/index").json()}
    assert index[name]["state"] == "UNAVAILABLE"
    assert reason in index[name]["reason"], index[name]["reason"]
    assert faults.get(f"/v2/models/{name}/ready").status_code != 200
    r = faults.infer(name, fp32([1]))
    assert r.status_code in (400, 404, 503)
    assert f"'{name}'" in r.json()["error"], r.text
    assert faults.get("/v2/health/live").status_code == 200
    assert_healthy(faults)


EXECUTE_FAILURES = [
    ("wrong_dtype", 400, "configuration expects datatype TYPE_FP32 for output 'OUTPUT__0', "
                         "model provides TYPE_FP64"),
    ("scalar", 400, "output 'OUTPUT__0' is a scalar which is not supported."),
    ("wrong_count", 400, "The output OUTPUT__1 in the model configuration refers to an output "
                         "index which doesn't exist. This model has 1 outputs"),
    ("not_tensor", 400, "model provides TYPE_STRING"),
]


@pytest.mark.parametrize("name,status,message", EXECUTE_FAILURES,
                         ids=[c[0] for c in EXECUTE_FAILURES])
def test_bad_model_outputs(faults, name, status, message):
    for _ in range(3):  # repeatable: the instance survives its own failure
        r = faults.infer(name, fp32([1, 2]))
        assert r.status_code == status, r.text
        assert message in r.json()["error"], r.json()["error"]
    assert_healthy(faults)


def test_raises_in_forward(faults):
    for _ in range(3):
        r = faults.infer("raises", fp32([1, -2]))
        assert r.status_code == 500, r.text
        error = r.json()["error"]
        assert error.startswith("PyTorch execute failure: ") and "fault model: negative input" in error
        r = faults.infer("raises", fp32([1, 2]))
        assert r.status_code == 200 and r.json()["outputs"][0]["data"] == [2, 3]
    assert_healthy(faults)


def test_raising_under_concurrency(faults):
    """Good and raising requests interleaved from 16 clients: each gets its own fate."""
    def one(i):
        bad = i % 3 == 0
        r = requests.post(f"{faults.url}/v2/models/raises/infer", timeout=60,
                          json=fp32([float(i), -1.0 if bad else 1.0]))
        if bad:
            return r.status_code == 500 and "negative input" in r.json()["error"]
        return r.status_code == 200 and r.json()["outputs"][0]["data"] == [i + 1, 2]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        assert all(pool.map(one, range(48)))
    assert_healthy(faults)


def test_hang_past_the_request_timeout(faults):
    """A forward that spins ~3.5 s holds the only instance; a request queued behind it with
    a 200 ms timeout is rejected on time; the healthy model answers meanwhile; the hung
    request itself still completes."""
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        hung = pool.submit(faults.infer, "hangs", fp32([250000, 1], shape=[1, 2]))
        time.sleep(0.3)  # the hang is executing
        t0 = time.time()
        queued = pool.submit(faults.infer, "hangs",
                             fp32([0, 1], shape=[1, 2], parameters={"timeout": 200000}))
        assert_healthy(faults)
        assert time.time() - t0 < 2.0, "the healthy model waited for the hung one"
        r = queued.result(timeout=30)
        assert r.status_code in (400, 503), r.text
        assert r.json()["error"] == "Request timeout expired for model 'hangs'"
        r = hung.result(timeout=60)
        assert r.status_code == 200 and r.json()["outputs"][0]["data"] == [250001, 2]
    r = faults.infer("hangs", fp32([0, 5], shape=[1, 2]))
    assert r.status_code == 200 and r.json()["outputs"][0]["data"] == [1, 6]
    assert_healthy(faults)


def test_pytorch_unload_reload_under_load(start_server, tmp_path):
    """The identity-backend churn test, with a real TorchScript model: 5 unload/load
    cycles under 4 clients; every answer right or refused clearly."""
    from test_lifecycle import Load
    repo = str(tmp_path / "repo")
    subprocess.run([sys.executable, os.path.join(HERE, "make_fault_models.py"), repo],
                   check=True, timeout=120)
    srv = start_server(repo, ["--model-control-mode=explicit", "--load-model=healthy"])
    traffic = Load(srv, "healthy", threads=4, expected=lambda i: [i + 1, 1 - i],
                   input_name="INPUT__0")
    try:
        for _ in range(5):
            time.sleep(0.2)
            assert srv.post("/v2/repository/models/healthy/unload").status_code == 200
            time.sleep(0.1)
            assert srv.post("/v2/repository/models/healthy/load").status_code == 200
    finally:
        traffic.stop()
    assert traffic.wrong == [], traffic.wrong[:5]
    assert traffic.ok > 20 and traffic.refused
    for error in traffic.refused:
        assert "healthy" in error, error
    assert_healthy(srv)
