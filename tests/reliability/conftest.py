"""Fixtures for the reliability suites: reuse tests/e2e/conftest.py (the Server helper,
start_server, identity_repo, server) without copying it, and add raw-socket helpers for
malformed traffic and a liveness check every test ends with.

tests/e2e/conftest.py is loaded under the module name `e2e_conftest` (both files are
called conftest.py, so a plain import would find this one). Its fixtures are re-exported
here so pytest sees them; test modules import helpers from `e2e_conftest`.

Environment (set by tests/reliability/CMakeLists.txt; defaults suit a build in build/):
  TORCHD_BIN, TORCHD_MODELS   as for tests/e2e
"""
import importlib.util
import os
import socket
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
E2E = os.path.join(os.path.dirname(HERE), "e2e")
if E2E not in sys.path:
    sys.path.insert(0, E2E)  # for binary.py


def _load_e2e_conftest():
    if "e2e_conftest" in sys.modules:
        return sys.modules["e2e_conftest"]
    spec = importlib.util.spec_from_file_location("e2e_conftest", os.path.join(E2E, "conftest.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules["e2e_conftest"] = module
    spec.loader.exec_module(module)
    return module


e2e = _load_e2e_conftest()
start_server = e2e.start_server  # noqa: F811 — re-exported fixtures
identity_repo = e2e.identity_repo
server = e2e.server
Server = e2e.Server
TORCHD_BIN = e2e.TORCHD_BIN
TORCHD_MODELS = e2e.TORCHD_MODELS
write_model = e2e.write_model
io_config = e2e.io_config

ADDSUB_GOOD = {"inputs": [
    {"name": "INPUT0", "shape": [4], "datatype": "FP32", "data": [1, 2, 3, 4]},
    {"name": "INPUT1", "shape": [4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}


def assert_alive(srv, model="addsub"):
    """The server process runs, is live, and answers a good request correctly."""
    assert srv.process.poll() is None, f"torchd exited: {srv.read_log()[-3000:]}"
    assert srv.get("/v2/health/live").status_code == 200
    if model == "addsub":
        r = srv.infer("addsub", ADDSUB_GOOD)
        assert r.status_code == 200, r.text
        outs = {o["name"]: o["data"] for o in r.json()["outputs"]}
        assert outs == {"OUTPUT0": [2, 3, 4, 5], "OUTPUT1": [0, 1, 2, 3]}


def raw_connect(srv, timeout=10):
    """A plain TCP socket to the server's HTTP port (caller closes it)."""
    s = socket.create_connection(("127.0.0.1", srv.http_port), timeout=timeout)
    s.settimeout(timeout)
    return s


def read_http_response(sock, deadline_s=10):
    """Reads one HTTP/1.1 response (Content-Length framing) from 'sock'.

    Returns (status, headers dict with lower-case names, body bytes, leftover bytes), or
    raises AssertionError when the peer closes before a full response arrives."""
    buf = b""
    deadline = time.time() + deadline_s
    while b"\r\n\r\n" not in buf:
        assert time.time() < deadline, f"no full response head: {buf!r}"
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response head: {buf!r}"
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        assert time.time() < deadline, "response body incomplete"
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside a response body"
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def request_bytes(method, path, body=b"", headers=None, content_length=None):
    """One raw HTTP/1.1 request; content_length overrides the true length (to lie)."""
    headers = dict(headers or {})
    headers.setdefault("Host", "127.0.0.1")
    if body or content_length is not None or method == "POST":
        headers["Content-Length"] = str(len(body) if content_length is None else content_length)
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + body


@pytest.fixture(scope="module")
def fresh_server(start_server, identity_repo):
    """A torchd of this module alone (identity repository, 1 MiB body limit), so a fault
    one module provokes cannot hide behind another module's server."""
    return start_server(identity_repo, ["--http-max-input-size=1048576"])
