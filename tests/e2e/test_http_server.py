"""Server-level behaviour: command line, startup table, shared memory, restricted APIs,
explicit model control, 64 concurrent clients, and graceful shutdown."""
import concurrent.futures
import mmap
import os
import signal
import subprocess
import threading
import time

import numpy as np
import pytest
import requests

from conftest import TORCHD_BIN, io_config, write_model


def test_help_and_bad_flags():
    out = subprocess.run([TORCHD_BIN, "--help"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0 and "--model-repository=<dir>" in out.stdout
    bad = subprocess.run([TORCHD_BIN, "--model-repository=/x", "--http-port=abc"],
                         capture_output=True, text=True, timeout=10)
    assert bad.returncode != 0
    assert "--http-port expects an integer in [0, 65535], got 'abc'" in bad.stderr
    missing = subprocess.run([TORCHD_BIN], capture_output=True, text=True, timeout=10)
    assert missing.returncode != 0 and "--model-repository is required" in missing.stderr


def test_startup_table_and_addresses(server):
    deadline = time.time() + 10  # the address line is logged just after the port opens
    while "Started HTTPService" not in server.read_log() and time.time() < deadline:
        time.sleep(0.05)
    log = server.read_log()
    assert "| Model" in log and "| Version" in log and "| Status" in log
    assert "| addsub" in log and "READY" in log
    assert f"Started HTTPService at 127.0.0.1:{server.http_port}" in log
    assert f"Started Metrics Service at 127.0.0.1:{server.metrics_port}" in log


def shm_create(key, size):
    path = "/dev/shm" + key
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.ftruncate(fd, size)
    m = mmap.mmap(fd, size)
    os.close(fd)
    return m, path


def test_system_shared_memory(server):
    key = f"/torchd_e2e_{os.getpid()}"
    m, path = shm_create(key, 64)
    try:
        np.frombuffer(m, np.float32, 4, 0)[:] = [1, 2, 3, 4]
        r = server.post("/v2/systemsharedmemory/region/in_out/register",
                        json={"key": key, "offset": 0, "byte_size": 64})
        assert r.status_code == 200, r.text
        status = server.get("/v2/systemsharedmemory/status").json()
        assert {"name": "in_out", "key": key, "offset": 0, "byte_size": 64} in status
        assert server.get("/v2/systemsharedmemory/region/in_out/status").json()[0]["name"] == "in_out"
        r = server.post("/v2/systemsharedmemory/region/in_out/register",
                        json={"key": key, "offset": 0, "byte_size": 64})
        assert r.status_code == 400 and "already in manager" in r.json()["error"]
        r = server.infer("id_fp32", {
            "inputs": [{"name": "INPUT0", "shape": [4], "datatype": "FP32",
                        "parameters": {"shared_memory_region": "in_out",
                                       "shared_memory_byte_size": 16}}],
            "outputs": [{"name": "OUTPUT0",
                         "parameters": {"shared_memory_region": "in_out",
                                        "shared_memory_offset": 32,
                                        "shared_memory_byte_size": 16}}]})
        assert r.status_code == 200, r.text
        out = r.json()["outputs"][0]
        assert "data" not in out and "parameters" not in out and out["shape"] == [4]
        assert np.frombuffer(m, np.float32, 4, 32).tolist() == [1, 2, 3, 4]
        r = server.infer("id_fp32", {"inputs": [{
            "name": "INPUT0", "shape": [4], "datatype": "FP32",
            "parameters": {"shared_memory_region": "in_out", "shared_memory_offset": 60,
                           "shared_memory_byte_size": 16}}]})
        assert r.status_code == 400 and "in_out" in r.json()["error"]
        r = server.infer("id_fp32", {"inputs": [{
            "name": "INPUT0", "shape": [4], "datatype": "FP32",
            "parameters": {"shared_memory_region": "nope", "shared_memory_byte_size": 16}}]})
        assert r.status_code == 404  # NOT_FOUND, as Triton
        assert r.json()["error"] == "Unable to find shared memory region: 'nope'"
        assert server.post("/v2/systemsharedmemory/region/in_out/unregister").status_code == 200
        assert server.get("/v2/systemsharedmemory/status").json() == []
        r = server.get("/v2/systemsharedmemory/region/in_out/status")
        assert r.status_code == 404
    finally:
        m.close()
        os.unlink(path)


def test_shared_memory_needs_the_flag(start_server, identity_repo):
    plain = start_server(identity_repo)
    r = plain.post("/v2/systemsharedmemory/region/r/register",
                   json={"key": "/x", "offset": 0, "byte_size": 4})
    assert r.status_code == 400 and "--allow-client-shm" in r.json()["error"]


def test_restricted_api(start_server, identity_repo):
    s = start_server(identity_repo, ["--http-restricted-api=model-repository,statistics:Admin-Key=s3cret"])
    r = s.post("/v2/repository/index")
    assert r.status_code == 403
    assert r.json()["error"] == "This API is restricted, expecting header 'admin-key'"
    assert s.get("/v2/models/stats", headers={"admin-key": "wrong"}).status_code == 403
    assert s.post("/v2/repository/index", headers={"Admin-Key": "s3cret"}).status_code == 200
    assert s.get("/v2/models/stats", headers={"admin-key": "s3cret"}).status_code == 200
    assert s.get("/v2/health/ready").status_code == 200  # not restricted


def test_explicit_load_unload_with_config_override(start_server, tmp_path):
    repo = str(tmp_path / "repo")
    write_model(repo, "alpha", io_config("alpha", "TYPE_FP32", [-1]))
    write_model(repo, "beta", io_config("beta", "TYPE_INT32", [-1]))
    s = start_server(repo, ["--model-control-mode=explicit", "--load-model=alpha"])
    assert s.get("/v2/models/alpha/ready").status_code == 200
    assert s.get("/v2/models/beta/ready").status_code != 200
    index = {e["name"]: e for e in s.post("/v2/repository/index").json()}
    assert index["alpha"]["state"] == "READY" and "state" not in index["beta"] or \
        index["beta"].get("state") != "READY"
    assert s.post("/v2/repository/models/beta/load").status_code == 200
    assert s.get("/v2/models/beta/ready").status_code == 200
    body = {"inputs": [{"name": "INPUT0", "shape": [2], "datatype": "INT32", "data": [3, 4]}]}
    assert s.infer("beta", body).json()["outputs"][0]["data"] == [3, 4]
    assert s.post("/v2/repository/models/beta/unload").status_code == 200
    deadline = time.time() + 10
    while s.get("/v2/models/beta/ready").status_code == 200 and time.time() < deadline:
        time.sleep(0.05)
    assert s.get("/v2/models/beta/ready").status_code != 200
    assert s.infer("beta", body).status_code != 200
    # Load with a configuration override: the served config is the override's.
    override = ('{"name":"beta","backend":"identity","max_batch_size":4,'
                '"input":[{"name":"INPUT0","data_type":"TYPE_INT32","dims":[-1]}],'
                '"output":[{"name":"OUTPUT0","data_type":"TYPE_INT32","dims":[-1]}]}')
    r = s.post("/v2/repository/models/beta/load", json={"parameters": {"config": override}})
    assert r.status_code == 200, r.text
    assert s.get("/v2/models/beta/config").json()["max_batch_size"] == 4
    r = s.post("/v2/repository/models/beta/load", json={"parameters": {"config": 5}})
    assert r.status_code == 400
    r = s.post("/v2/repository/models/nosuch/load")  # INTERNAL, as Triton
    assert r.status_code == 500
    assert r.json()["error"] == "failed to load 'nosuch', failed to poll from model repository"
    r = s.post("/v2/repository/models/..%2Fetc/load")
    assert r.status_code == 400 and "invalid model name" in r.json()["error"]


def test_64_concurrent_clients(server):
    def one(i):
        session = requests.Session()
        results = []
        for j in range(4):
            a = [float(i), float(j), float(i * j), 1.0]
            b = [1.0, 2.0, 3.0, float(i)]
            r = session.post(f"{server.url}/v2/models/addsub/infer", timeout=60, json={
                "id": f"{i}-{j}", "inputs": [
                    {"name": "INPUT0", "shape": [4], "datatype": "FP32", "data": a},
                    {"name": "INPUT1", "shape": [4], "datatype": "FP32", "data": b}]})
            body = r.json()
            outs = {o["name"]: o["data"] for o in body["outputs"]}
            results.append(r.status_code == 200 and body["id"] == f"{i}-{j}"
                           and outs["OUTPUT0"] == [x + y for x, y in zip(a, b)]
                           and outs["OUTPUT1"] == [x - y for x, y in zip(a, b)])
        return all(results)

    with concurrent.futures.ThreadPoolExecutor(64) as pool:
        assert all(pool.map(one, range(64)))


def test_graceful_shutdown_with_requests_in_flight(start_server, identity_repo):
    s = start_server(identity_repo, ["--exit-timeout-secs=20"])
    body = {"inputs": [{"name": "INPUT0", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]}
    results = []

    def call():
        r = requests.post(f"{s.url}/v2/models/slow/infer", json=body, timeout=30)
        results.append((r.status_code, r.json()))

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.15)  # the requests are in the slow model (300 ms per execution)
    s.process.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(30)
    assert s.process.wait(timeout=30) == 0
    assert len(results) == 8
    assert all(code == 200 and out["outputs"][0]["data"] == [1, 2] for code, out in results), results
    assert "Received signal 15 (SIGTERM)" in s.read_log()


def test_shutdown_timeout_with_requests_still_running(start_server, identity_repo):
    """--exit-timeout-secs=0: torchd stops while requests are still executing; it must exit
    cleanly (status 0, no crash) and the clients get an answer or a closed connection."""
    s = start_server(identity_repo, ["--exit-timeout-secs=0"])
    body = {"inputs": [{"name": "INPUT0", "shape": [1, 1], "datatype": "FP32", "data": [1]}]}
    outcomes = []

    def call():
        try:
            r = requests.post(f"{s.url}/v2/models/slow/infer", json=body, timeout=30)
            outcomes.append(r.status_code)
        except requests.RequestException:
            outcomes.append("closed")

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.1)
    s.process.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(30)
    assert s.process.wait(timeout=30) == 0, s.read_log()[-2000:]
    assert len(outcomes) == 4 and all(o in (200, 500, 503, "closed") for o in outcomes), outcomes


BATCHED = ('name: "batched"\nbackend: "identity"\nmax_batch_size: 8\n'
           'input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]\n'
           'output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]\n'
           'dynamic_batching { max_queue_delay_microseconds: 1500000 }\n')


def test_batches_close_early_when_every_connection_waits(start_server, tmp_path):
    """--close-batches-early=true (opt-in): a batch closes as soon as every open connection
    has its request in the server."""
    repo = str(tmp_path / "repo")
    write_model(repo, "batched", BATCHED)
    body = {"inputs": [{"name": "INPUT0", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]}
    early = start_server(repo, ["--close-batches-early=true"])
    # The readiness polls' connections may still be open on the server's side for a
    # moment (it counts a close when it reads it); an open idle connection could send, so
    # the batch may wait. One untimed request outlasts them.
    assert early.infer("batched", body).status_code == 200
    # The only connection has its request in the server: nothing can come to grow the
    # batch, so it closes at once instead of after the 1.5 s queue delay.
    started = time.time()
    r = early.infer("batched", body)
    assert r.status_code == 200 and r.json()["outputs"][0]["data"] == [1, 2]
    assert time.time() - started < 1.0

    # Four clients, each with its own open connection, send at once, on a server no other
    # connection has touched since its readiness polls: the batch closes when the fourth
    # request is in, as one batch, long before the delay. A loaded machine can hold a
    # client back (the batch then closes with fewer, and the late one waits for the
    # others' idle connections): the rounds repeat, and one of them must show it.
    fresh = start_server(repo, ["--close-batches-early=true"])
    barrier = threading.Barrier(4)
    rounds = 6

    def one(i):
        answers = []
        with requests.Session() as session:
            b = {"inputs": [{"name": "INPUT0", "shape": [1, 2], "datatype": "FP32",
                             "data": [i, i]}]}
            url = fresh.url + "/v2/models/batched/infer"
            for _ in range(rounds):
                barrier.wait()
                started = time.time()
                r = session.post(url, json=b, timeout=30)
                answers.append((r.status_code, r.json(), time.time() - started))
                barrier.wait()  # keep the connection open until every client is answered
        return answers
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(one, range(4)))
    for i, answers in enumerate(results):
        for code, answer, _ in answers:
            assert code == 200 and answer["outputs"][0]["data"] == [i, i], answer
    one_batch_fast = [all(results[i][k][1]["parameters"]["batch_size"] == 4 and
                          results[i][k][2] < 1.0 for i in range(4)) for k in range(rounds)]
    assert any(one_batch_fast), results


def test_batches_wait_out_the_queue_delay_by_default(start_server, tmp_path):
    """Triton's semantics by default: a batch waits out max_queue_delay_microseconds, and
    max_queue_size counts the requests it holds meanwhile (a second one gets 503)."""
    repo = str(tmp_path / "repo")
    write_model(repo, "batched", BATCHED)
    write_model(repo, "queued", BATCHED.replace('"batched"', '"queued"').replace(
        "max_queue_delay_microseconds: 1500000",
        "max_queue_delay_microseconds: 1000000 preferred_batch_size: [ 8 ] "
        "default_queue_policy { max_queue_size: 1 }"))
    body = {"inputs": [{"name": "INPUT0", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]}
    server = start_server(repo)
    started = time.time()
    assert server.infer("batched", body).status_code == 200
    assert time.time() - started >= 1.4

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        first = pool.submit(server.infer, "queued", body)
        time.sleep(0.5)
        with requests.Session() as other:  # a new connection while the first one waits
            second = other.post(server.url + "/v2/models/queued/infer", json=body, timeout=30)
        assert second.status_code == 503, second.text
        assert "Exceeds maximum queue size" in second.json()["error"], second.text
        assert first.result().status_code == 200


def test_tritonserver_flags_without_effect_start_torchd(start_server, tmp_path):
    """A tritonserver command line with flags torchd gives no meaning still starts it, and
    one WARN line says which flags were ignored."""
    repo = str(tmp_path / "repo")
    write_model(repo, "batched", BATCHED)
    server = start_server(repo, ["--host-policy=gpu_0,numa-node=0", "--rate-limit=off",
                                 "--buffer-manager-thread-count=2",
                                 "--model-load-gpu-limit=0:0.5"])
    assert server.get("/v2/health/ready").status_code == 200
    lines = [l for l in server.read_log().splitlines() if "have no effect in torchd" in l]
    assert len(lines) == 1, server.read_log()
    assert lines[0].startswith("W"), lines[0]
    for flag in ("--host-policy", "--rate-limit", "--buffer-manager-thread-count",
                 "--model-load-gpu-limit"):
        assert flag in lines[0], lines[0]
