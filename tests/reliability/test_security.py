"""Security (issue 7): model names with '..', '/', absolute paths or NUL — raw and
percent-encoded — in every URL that names a model and in the repository API; backend
names that try to leave the backends folder; the restricted API without and with the
right key; and proof that nothing outside the model repository is ever read.

"Never read" is checked without strace: files outside the repository that a traversal
would open are FIFOs. Opening a FIFO for reading blocks until a writer comes, and a
non-blocking open for writing succeeds only while a reader has it open — so a watcher
thread that keeps trying O_WRONLY|O_NONBLOCK both detects any read and unblocks it."""
import errno
import json
import os
import threading
import time

import pytest
import requests

from conftest import ADDSUB_GOOD, assert_alive, io_config, raw_connect, read_http_response, \
    request_bytes, write_model

# ---- a repository with sentinels outside it ---------------------------------------------


class FifoWatch:
    """Watches FIFOs; records every path some process opened for reading."""

    def __init__(self, paths):
        self.paths = list(paths)
        self.opened = []
        self.stop_flag = False
        for p in self.paths:
            os.makedirs(os.path.dirname(p), exist_ok=True)
            os.mkfifo(p)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop_flag:
            for p in self.paths:
                try:
                    fd = os.open(p, os.O_WRONLY | os.O_NONBLOCK)
                except OSError as e:
                    if e.errno != errno.ENXIO:
                        raise
                    continue
                self.opened.append(p)
                try:
                    os.write(fd, b'name: "stolen" backend: "identity"\n')
                except OSError:
                    pass
                os.close(fd)
            time.sleep(0.01)

    def close(self):
        self.stop_flag = True
        self.thread.join(5)


@pytest.fixture(scope="module")
def jail(tmp_path_factory, start_server):
    """base/repo (the repository, explicit mode) beside base/outside/secret, a complete
    model whose files are FIFOs; base/config.pbtxt is one too."""
    base = tmp_path_factory.mktemp("jail")
    repo = str(base / "repo")
    write_model(repo, "addsub", """name: "addsub"
backend: "identity"
max_batch_size: 0
input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] },
        { name: "INPUT1" data_type: TYPE_FP32 dims: [ 4 ] } ]
output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] },
         { name: "OUTPUT1" data_type: TYPE_FP32 dims: [ 4 ] } ]
parameters { key: "mode" value: { string_value: "add_sub" } }
""")
    write_model(repo, "plain", io_config("plain", "TYPE_FP32", [-1]))
    outside = base / "outside" / "secret"
    os.makedirs(outside / "1")
    watch = FifoWatch([str(outside / "config.pbtxt"), str(base / "config.pbtxt"),
                       str(base / "outside" / "config.pbtxt")])
    srv = start_server(repo, ["--model-control-mode=explicit", "--load-model=*"])
    yield srv, str(base), watch
    watch.close()
    assert watch.opened == [], f"files outside the repository were opened: {watch.opened}"


BAD_NAMES = [
    "..", "%2E%2E", "%2e.", "..%2F..%2Foutside%2Fsecret", "..%2foutside%2fsecret",
    "%2E%2E%2Foutside%2Fsecret", "a%2Fb", "%2Fetc%2Fpasswd", "%2F", "%00", "plain%00",
    "plain%00..%2F", ".", "%2E", "%", "%zz", "%2",
]


def model_urls(name):
    return [("GET", f"/v2/models/{name}"), ("GET", f"/v2/models/{name}/ready"),
            ("GET", f"/v2/models/{name}/config"), ("GET", f"/v2/models/{name}/stats"),
            ("GET", f"/v2/models/{name}/versions/1"), ("GET", f"/v2/models/{name}/versions/1/ready"),
            ("POST", f"/v2/models/{name}/infer"), ("POST", f"/v2/models/{name}/versions/1/infer"),
            ("GET", f"/v2/models/{name}/trace/setting"),
            ("POST", f"/v2/repository/models/{name}/load"),
            ("POST", f"/v2/repository/models/{name}/unload")]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_model_names_in_every_url(jail, name):
    srv, _, _ = jail
    for method, path in model_urls(name):
        body = json.dumps(ADDSUB_GOOD).encode() if method == "POST" and "infer" in path else b""
        s = raw_connect(srv)
        try:
            s.sendall(request_bytes(method, path, body))
            status, _, text, _ = read_http_response(s)
        finally:
            s.close()
        assert status in (400, 404), f"{method} {path}: {status} {text!r}"
        error = json.loads(text)["error"]
        assert error, f"{method} {path}"
        if status == 400 and "invalid model name" in error:
            assert "expected a name without '/', NUL or percent-escape" in error
    assert_alive(srv)


@pytest.mark.parametrize("raw", [b"../outside/secret", b"/../outside/secret",
                                 b"plain/../../outside/secret", b"./plain",
                                 b"/%2E%2E/outside/secret"])
def test_raw_dot_segments(jail, raw):
    """Unencoded '..' segments in the path itself: never reach a model named '..'."""
    srv, _, _ = jail
    for action in (b"load", b"ready", b"config"):
        method = b"POST" if action == b"load" else b"GET"
        prefix = b"/v2/repository/models/" if action == b"load" else b"/v2/models/"
        s = raw_connect(srv)
        try:
            s.sendall(method + b" " + prefix + raw + b"/" + action +
                      b" HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            status, _, text, _ = read_http_response(s)
        finally:
            s.close()
        assert status in (400, 404), (raw, action, status, text)
    assert_alive(srv)


def test_absolute_and_nul_in_url_with_requests(jail):
    srv, base, _ = jail
    secret = os.path.join(base, "outside", "secret")
    for name in (requests.utils.quote(secret, safe=""), requests.utils.quote(secret + "\0", safe="")):
        r = srv.post(f"/v2/repository/models/{name}/load")
        assert r.status_code == 400 and "invalid model name" in r.json()["error"], r.text
    assert_alive(srv)


def test_index_lists_only_the_repository(jail):
    srv, _, _ = jail
    names = sorted(e["name"] for e in srv.post("/v2/repository/index").json())
    assert names == ["addsub", "plain"]
    assert srv.get("/v2/models/secret/ready").status_code != 200
    r = srv.post("/v2/repository/models/secret/load")  # not in the repository: as Triton
    assert r.status_code == 500, r.text
    assert r.json()["error"] == "failed to load 'secret', failed to poll from model repository"


OVERRIDES = [
    # (what, config override JSON, error fragment)
    ("backend with ..", {"backend": "../../outside/secret"}, "backend"),
    ("backend absolute", {"backend": "/tmp/evil"}, "backend"),
    ("backend with NUL", {"backend": "identity\u0000x"}, "backend"),
    ("default_model_filename escapes", {"backend": "identity",
                                        "default_model_filename": "../../outside/secret/config.pbtxt"},
     "default_model_filename"),
    ("label file escapes", {"backend": "identity", "output": [
        {"name": "OUTPUT0", "data_type": "TYPE_FP32", "dims": [-1],
         "label_filename": "../../outside/config.pbtxt"}]}, "label_filename"),
]


@pytest.mark.parametrize("case", OVERRIDES, ids=[c[0] for c in OVERRIDES])
def test_load_override_cannot_escape(jail, case):
    srv, _, _ = jail
    _, fields, fragment = case
    config = {"name": "plain", "max_batch_size": 0,
              "input": [{"name": "INPUT0", "data_type": "TYPE_FP32", "dims": [-1]}],
              "output": [{"name": "OUTPUT0", "data_type": "TYPE_FP32", "dims": [-1]}]}
    config.update(fields)
    r = srv.post("/v2/repository/models/plain/load",
                 json={"parameters": {"config": json.dumps(config)}})
    assert r.status_code == 400, r.text
    assert fragment in r.json()["error"], r.json()["error"]
    # a failed override leaves the model as it was, or unloaded — never the override
    ready = srv.get("/v2/models/plain/ready").status_code == 200
    if not ready:
        assert srv.post("/v2/repository/models/plain/load").status_code == 200
    assert srv.get("/v2/models/plain/config").json()["backend"] == "identity"
    assert_alive(srv)


def test_load_file_parameters_cannot_escape(jail):
    """`file:` load parameters write into a private temporary repository; none of these
    may leave it (each is a 400 naming the parameter, nothing is created beside the
    repository), and the files of a load never land in the configured repository."""
    srv, base, _ = jail
    config = json.dumps({"name": "plain", "backend": "identity"})
    for key in ("file:../../outside/x/model.pt", "file:../plain/1/model.pt", "file:/tmp/x",
                "file:1/../../../outside/y", "file:1/%2E%2E", "file:1//../w"):
        r = srv.post("/v2/repository/models/plain/load",
                     json={"parameters": {"config": config, key: "AAAA"}})
        if key == "file:1/%2E%2E":  # not a dot segment: an odd file name inside the temp dir
            assert r.status_code == 200, r.text
            continue
        assert r.status_code == 400, r.text
        assert f"'{key}'" in r.json()["error"]
    assert not os.path.exists(os.path.join(base, "outside", "x"))
    assert not os.path.exists(os.path.join(base, "outside", "y"))
    assert sorted(os.listdir(os.path.join(base, "repo", "plain"))) == ["1", "config.pbtxt"]
    assert os.listdir(os.path.join(base, "repo", "plain", "1")) == []
    r = srv.post("/v2/repository/models/plain/load")  # back to the repository's own files
    assert r.status_code == 200, r.text
    assert_alive(srv)


def test_config_name_cannot_redirect(jail):
    """A repository model whose config says another name (with a path in it)."""
    srv, base, _ = jail
    write_model(os.path.join(base, "repo"), "liar",
                io_config("../outside/secret", "TYPE_FP32", [-1]))
    r = srv.post("/v2/repository/models/liar/load")
    assert r.status_code == 400, r.text
    assert "liar" in r.json()["error"]
    assert_alive(srv)


# ---- restricted API ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def restricted(start_server, identity_repo):
    return start_server(identity_repo, [
        "--model-control-mode=explicit", "--load-model=*", "--allow-client-shm=true",
        "--http-restricted-api=model-repository,shared-memory:Admin-Key=s3cr3t"])


RESTRICTED = [("POST", "/v2/repository/index"), ("POST", "/v2/repository/models/id_fp32/load"),
              ("POST", "/v2/repository/models/nosuch/unload"),
              ("GET", "/v2/systemsharedmemory/status"),
              ("POST", "/v2/systemsharedmemory/region/r/unregister"),
              ("POST", "/v2/systemsharedmemory/unregister"),
              ("GET", "/v2/cudasharedmemory/status")]


@pytest.mark.parametrize("method,path", RESTRICTED)
def test_restricted_api(restricted, method, path):
    expected = "This API is restricted, expecting header 'admin-key'"
    for headers in ({}, {"Admin-Key": "wrong"}, {"Admin-Key": "s3cr3t "},
                    {"Admin-Key": "S3CR3T"}, {"Other": "s3cr3t"}, {"Admin-Key": ""}):
        r = restricted.session.request(method, restricted.url + path, headers=headers, timeout=30)
        assert r.status_code == 403, (headers, r.text)
        assert r.json()["error"] == expected
    r = restricted.session.request(method, restricted.url + path,
                                   headers={"admin-key": "s3cr3t"}, timeout=30)
    assert r.status_code != 403, r.text
    assert_alive(restricted)


def test_restricted_api_leaves_others_open(restricted):
    for path in ("/v2/health/live", "/v2/health/ready", "/v2", "/v2/models/addsub",
                 "/v2/models/addsub/config", "/v2/models/stats"):
        assert restricted.get(path).status_code == 200, path
    assert_alive(restricted)
    # a restricted call with the key really acts: unload, then load again
    key = {"admin-key": "s3cr3t"}
    assert restricted.post("/v2/repository/models/id_int8/unload", headers=key).status_code == 200
    assert restricted.post("/v2/repository/models/id_int8/unload").status_code == 403
    assert restricted.post("/v2/repository/models/id_int8/load", headers=key).status_code == 200
    assert restricted.get("/v2/models/id_int8/ready").status_code == 200


@pytest.mark.parametrize("raw", [b"plain\x00", b"pl\x00ain", b"\x00", b"plain\x00/../../outside/secret",
                                 b"..\x00", b"secret\x00"])
def test_raw_nul_in_request_line(jail, raw):
    """A raw NUL byte in the request line. libmicrohttpd 0.9.75 hands the frontend the URL
    cut at the NUL (BUGS.md #3), so the request is answered as the prefix path: that can
    never name anything outside the repository (the FIFO sentinels stay unopened), and
    never reaches the model the bytes after the NUL name."""
    srv, _, _ = jail
    s = raw_connect(srv)
    try:
        s.sendall(b"GET /v2/models/" + raw + b"/config HTTP/1.1\r\nHost: x\r\n\r\n")
        status, _, body, _ = read_http_response(s)
    finally:
        s.close()
    prefix = raw.split(b"\x00")[0].decode()
    if status == 200:
        assert json.loads(body)["name"] == prefix == "plain"  # metadata of the prefix
    else:
        assert status in (400, 404), (status, body)
        assert "secret" not in json.loads(body)["error"] or prefix == "secret"
    assert_alive(srv)


def test_no_header_injection_through_names(jail):
    """CR/LF in a (percent-encoded) model name or version never reaches a response header."""
    srv, _, _ = jail
    for path in ("/v2/models/a%0D%0AX-Injected:%201/ready",
                 "/v2/models/plain/versions/1%0D%0AX-Injected:%201/ready",
                 "/v2/models/a%0AX-Injected:%201/config",
                 "/v2/repository/models/a%0D%0AX-Injected:%201/load"):
        s = raw_connect(srv)
        try:
            method = "POST" if path.endswith("/load") else "GET"
            s.sendall(request_bytes(method, path))
            status, headers, body, _ = read_http_response(s)
        finally:
            s.close()
        # load of a name no repository holds: 500, as Triton ("failed to poll ...")
        assert status in ((400, 404, 500) if path.endswith("/load") else (400, 404)), \
            (path, status)
        assert "x-injected" not in headers, (path, headers)
        json.loads(body)  # the name, if echoed, is inside a valid JSON string
    assert_alive(srv)


def test_no_file_written_through_settings_apis(jail, tmp_path):
    """The logging and trace settings cannot make the server write a file of the client's
    choosing: log_file and trace_file are refused with the same message (BUGS.md #4, fixed),
    and no file appears there after traced inferences."""
    srv, _, _ = jail
    target = tmp_path / "written_by_torchd"
    r = srv.post("/v2/logging", json={"log_file": str(target)})
    assert r.status_code in (400, 501)
    assert r.json()["error"] == "log file location can not be updated through network protocol"
    r = srv.post("/v2/trace/setting", json={"trace_file": str(target) + ".trace",
                                            "trace_level": ["TIMESTAMPS"], "trace_rate": "1",
                                            "log_frequency": "1"})
    assert r.status_code == 501, r.text
    assert r.json()["error"] == "trace file location can not be updated through network protocol"
    for _ in range(3):
        assert_alive(srv)
    assert sorted(os.listdir(tmp_path)) == [], os.listdir(tmp_path)
    srv.post("/v2/trace/setting", json={"trace_level": ["OFF"], "trace_file": None})
