"""Fixtures for torchd end-to-end tests: start a real build/torchd on free ports, wait
until it is ready, hand tests a small client, and stop it with SIGTERM afterwards.

Environment (set by tests/e2e/CMakeLists.txt; defaults suit a build in build/):
  TORCHD_BIN        path of the torchd executable
  TORCHD_MODELS     generated model repositories (tests/models), for the PyTorch suite
"""
import os
import signal
import socket
import subprocess
import time

import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TORCHD_BIN = os.environ.get("TORCHD_BIN", os.path.join(ROOT, "build", "torchd"))
TORCHD_MODELS = os.environ.get("TORCHD_MODELS", os.path.join(ROOT, "build", "models"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running torchd process and helpers to talk to it."""

    def __init__(self, repositories, args=(), log_path=None, wait_ready=True):
        self.http_port = free_port()
        self.metrics_port = free_port()
        while self.metrics_port == self.http_port:
            self.metrics_port = free_port()
        self.grpc_port = free_port()
        while self.grpc_port in (self.http_port, self.metrics_port):
            self.grpc_port = free_port()
        self.grpc_url = f"127.0.0.1:{self.grpc_port}"
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.metrics_url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        if isinstance(repositories, (str, os.PathLike)):
            repositories = [repositories]
        cmd = [TORCHD_BIN] + [f"--model-repository={r}" for r in repositories]
        cmd += [f"--http-port={self.http_port}", f"--metrics-port={self.metrics_port}",
                "--http-address=127.0.0.1", "--http-thread-count=4",
                f"--grpc-port={self.grpc_port}", "--grpc-address=127.0.0.1"] + list(args)
        self.log_path = log_path
        self.log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        self.session = requests.Session()
        self._wait(ready=wait_ready)

    def _wait(self, ready, timeout=30):
        deadline = time.time() + timeout
        path = "/v2/health/ready" if ready else "/v2/health/live"
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"torchd exited with {self.process.returncode}: {self.read_log()}")
            try:
                if requests.get(self.url + path, timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"torchd not ready after {timeout}s: {self.read_log()}")

    def read_log(self):
        if not self.log_path:
            return "(no log)"
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def get(self, path, **kw):
        return self.session.get(self.url + path, timeout=30, **kw)

    def post(self, path, **kw):
        return self.session.post(self.url + path, timeout=30, **kw)

    def infer(self, model, body, version=None, **kw):
        path = f"/v2/models/{model}" + (f"/versions/{version}" if version is not None else "") + "/infer"
        return self.post(path, json=body, **kw)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not subprocess.DEVNULL:
            self.log.close()
        return self.process.returncode


def write_model(repo, name, config, versions=(1,), files=None):
    """Write <repo>/<name>/config.pbtxt, empty version folders and extra files."""
    model_dir = os.path.join(repo, name)
    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "config.pbtxt"), "w") as f:
        f.write(config)
    for v in versions:
        os.makedirs(os.path.join(model_dir, str(v)), exist_ok=True)
    for rel, text in (files or {}).items():
        with open(os.path.join(model_dir, rel), "w") as f:
            f.write(text)
    return model_dir


@pytest.fixture(scope="session")
def start_server(tmp_path_factory):
    """Factory: start_server(repos, args) → Server, stopped at the end of the session."""
    servers = []

    def start(repositories, args=(), wait_ready=True):
        log = tmp_path_factory.mktemp("log") / "torchd.log"
        server = Server(repositories, args, log_path=str(log), wait_ready=wait_ready)
        servers.append(server)
        return server

    yield start
    problems = []
    for server in servers:
        server.stop()
        log = server.read_log()
        # Sanitizer builds: any report in a server's log fails the session.
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                       "WARNING: ThreadSanitizer"):
            if marker in log:
                problems.append(f"{marker} in {server.log_path}")
    assert not problems, problems


# ---- the identity-backend repository used by the protocol suites --------------------------

CONFIG_TYPES = {
    "BOOL": "TYPE_BOOL", "UINT8": "TYPE_UINT8", "UINT16": "TYPE_UINT16", "UINT32": "TYPE_UINT32",
    "UINT64": "TYPE_UINT64", "INT8": "TYPE_INT8", "INT16": "TYPE_INT16", "INT32": "TYPE_INT32",
    "INT64": "TYPE_INT64", "FP16": "TYPE_FP16", "FP32": "TYPE_FP32", "FP64": "TYPE_FP64",
    "BYTES": "TYPE_STRING", "BF16": "TYPE_BF16",
}


def io_config(name, dtype, dims, max_batch_size=0, parameters=None, extra=""):
    dims_text = ", ".join(str(d) for d in dims)
    params = "".join(
        f'parameters {{ key: "{k}" value: {{ string_value: "{v}" }} }}\n'
        for k, v in (parameters or {}).items())
    return (f'name: "{name}"\nbackend: "identity"\nmax_batch_size: {max_batch_size}\n'
            f'input [ {{ name: "INPUT0" data_type: {dtype} dims: [ {dims_text} ] }} ]\n'
            f'output [ {{ name: "OUTPUT0" data_type: {dtype} dims: [ {dims_text} ] {extra} }} ]\n'
            + params)


def write_identity_repo(repo):
    for dtype, config_type in CONFIG_TYPES.items():
        write_model(repo, f"id_{dtype.lower()}", io_config(f"id_{dtype.lower()}", config_type, [-1]))
    write_model(repo, "ident_batch", io_config("ident_batch", "TYPE_FP32", [-1], max_batch_size=8))
    write_model(repo, "addsub", """name: "addsub"
backend: "identity"
max_batch_size: 0
input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] },
        { name: "INPUT1" data_type: TYPE_FP32 dims: [ 4 ] } ]
output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] },
         { name: "OUTPUT1" data_type: TYPE_FP32 dims: [ 4 ] } ]
parameters { key: "mode" value: { string_value: "add_sub" } }
""")
    write_model(repo, "versioned",
                io_config("versioned", "TYPE_INT32", [-1]) + "version_policy: { all { } }\n",
                versions=(1, 2, 3))
    write_model(repo, "classify",
                io_config("classify", "TYPE_FP32", [4], max_batch_size=4,
                          extra='label_filename: "labels.txt"'),
                files={"labels.txt": "cat\ndog\nbird\nfish\n"})
    write_model(repo, "erroring", io_config("erroring", "TYPE_FP32", [-1],
                                            parameters={"error_all": "true"}))
    write_model(repo, "slow", io_config("slow", "TYPE_FP32", [-1], max_batch_size=8,
                                        parameters={"execute_delay_ms": "300"}))
    write_model(repo, "stats_model", io_config("stats_model", "TYPE_FP32", [-1]))
    write_model(repo, "metrics_model", io_config("metrics_model", "TYPE_FP32", [-1]))
    return repo


@pytest.fixture(scope="session")
def identity_repo(tmp_path_factory):
    return write_identity_repo(str(tmp_path_factory.mktemp("identity_repo")))


@pytest.fixture(scope="session")
def server(start_server, identity_repo):
    """One shared torchd on the identity repository (2 MiB body limit, client shm on)."""
    return start_server(identity_repo, ["--allow-client-shm=true",
                                        "--http-max-input-size=2097152"])
