"""Client faults against a real torchd (issue 7): clients that vanish mid-body or
mid-response, slow-header and slow-body clients that must not hold the server's threads,
pipelined requests, Content-Length lies, bodies over --http-max-input-size, absurd
shapes, deep JSON, invalid UTF-8 in BYTES, duplicate input names. After every case the
server is alive and the next good request gets the right answer (assert_alive)."""
import json
import os
import socket
import struct
import threading
import time

import numpy as np
import pytest
import requests

from binary import binary_body, serialize_bytes, split_response
from conftest import ADDSUB_GOOD, assert_alive, raw_connect, read_http_response, request_bytes


def infer_path(model):
    return f"/v2/models/{model}/infer"


def abort(sock):
    """Closes with a TCP reset (SO_LINGER 0), the rudest way a client can leave."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


# ---- clients that leave -----------------------------------------------------------------

def test_disconnect_mid_body(fresh_server):
    body = json.dumps(ADDSUB_GOOD).encode()
    for rude in (False, True):
        for _ in range(10):
            s = raw_connect(fresh_server)
            s.sendall(request_bytes("POST", infer_path("addsub"), body[:len(body) // 2],
                                    content_length=len(body)))
            abort(s) if rude else s.close()
    assert_alive(fresh_server)


def test_disconnect_before_and_mid_response(fresh_server):
    # A request parked in the slow model (300 ms), its client gone before the answer.
    slow = json.dumps({"inputs": [{"name": "INPUT0", "shape": [1, 2], "datatype": "FP32",
                                   "data": [1, 2]}]}).encode()
    for _ in range(8):
        s = raw_connect(fresh_server)
        s.sendall(request_bytes("POST", infer_path("slow"), slow))
        abort(s)
    # A large answer (~1.6 MB of JSON) whose client reads a few bytes and resets.
    n = 200_000
    big, headers = binary_body({"inputs": [{"name": "INPUT0", "shape": [n], "datatype": "FP32",
                                            "parameters": {"binary_data_size": 4 * n}}]},
                               [np.arange(n, dtype=np.float32).tobytes()])
    for _ in range(5):
        s = raw_connect(fresh_server)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(request_bytes("POST", infer_path("id_fp32"), big, headers))
        assert s.recv(64).startswith(b"HTTP/1.1 200")
        abort(s)
    time.sleep(0.5)  # let the slow requests finish writing to their dead sockets
    assert_alive(fresh_server)


# ---- clients that dawdle ----------------------------------------------------------------

@pytest.mark.parametrize("kind", ["slow-header", "slow-body"])
def test_slow_clients_do_not_hold_threads(fresh_server, kind):
    """20 clients (5x the server's 4 HTTP threads) stall mid-request; others still get
    answers promptly, one at a time and 16 at once."""
    body = json.dumps(ADDSUB_GOOD).encode()
    hung = []
    try:
        for _ in range(20):
            s = raw_connect(fresh_server)
            if kind == "slow-header":
                s.sendall(b"POST /v2/models/addsub/infer HTTP/1.1\r\nHost: x\r\nContent-Le")
            else:
                s.sendall(request_bytes("POST", infer_path("addsub"), body[:10],
                                        content_length=len(body)))
            hung.append(s)
        # keep trickling one byte per stalled client while the good ones run
        for s in hung:
            s.sendall(b"n" if kind == "slow-header" else b" ")
        t0 = time.time()
        assert_alive(fresh_server)
        with requests.Session() as session:
            def good(_):
                r = session.post(fresh_server.url + infer_path("addsub"), json=ADDSUB_GOOD,
                                 timeout=10)
                return r.status_code == 200 and r.json()["outputs"][0]["data"] == [2, 3, 4, 5]
            results = []
            threads = [threading.Thread(target=lambda: results.append(good(0)))
                       for _ in range(16)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(15)
        assert results == [True] * 16
        # generous bound: only fails if stalled clients block the workers (then it hangs)
        assert time.time() - t0 < 10
        # the stalled clients are still connected, not answered
        for s in hung:
            s.setblocking(False)
            with pytest.raises(BlockingIOError):
                s.recv(1)
    finally:
        for s in hung:
            s.close()
    assert_alive(fresh_server)


# ---- framing ----------------------------------------------------------------------------

def test_pipelined_requests(fresh_server):
    reqs = []
    for i in range(5):
        body = dict(ADDSUB_GOOD, id=f"p{i}")
        body["inputs"] = [dict(ADDSUB_GOOD["inputs"][0], data=[i, i, i, i]),
                          ADDSUB_GOOD["inputs"][1]]
        reqs.append(request_bytes("POST", infer_path("addsub"), json.dumps(body).encode()))
    reqs.insert(2, request_bytes("GET", "/v2/health/ready"))
    s = raw_connect(fresh_server)
    try:
        s.sendall(b"".join(reqs))  # all at once, before reading any answer
        leftover = b""
        answers = []
        for _ in range(6):
            status, _, body, leftover = read_http_response_with(s, leftover)
            answers.append((status, body))
        assert answers[2] == (200, b"")
        infer = [a for k, a in enumerate(answers) if k != 2]
        for i, (status, body) in enumerate(infer):
            out = json.loads(body)
            assert status == 200 and out["id"] == f"p{i}", body
            assert out["outputs"][0]["data"] == [i + 1] * 4
    finally:
        s.close()
    assert_alive(fresh_server)


def read_http_response_with(sock, leftover):
    """read_http_response for a socket whose earlier read already took 'leftover' bytes."""
    class Prefixed:
        def __init__(self):
            self.pending = leftover

        def recv(self, n):
            if self.pending:
                out, self.pending = self.pending, b""
                return out
            return sock.recv(n)
    return read_http_response(Prefixed())


def test_content_length_shorter_than_body(fresh_server):
    body = json.dumps(ADDSUB_GOOD).encode()
    s = raw_connect(fresh_server)
    try:
        s.sendall(request_bytes("POST", infer_path("addsub"), body, content_length=len(body) - 10))
        status, _, text, rest = read_http_response(s)
        assert status == 400, text
        assert "failed to parse the request JSON buffer" in json.loads(text)["error"]
        # the 10 surplus bytes start the next request line; ended, it is rejected or the
        # connection closed, never answered as a request
        s.sendall(b"\r\n\r\n")
        s.settimeout(5)
        try:
            tail = rest + s.recv(4096)
            assert tail == b"" or tail.startswith(b"HTTP/1.1 400"), tail
        except ConnectionResetError:
            pass
    finally:
        s.close()
    assert_alive(fresh_server)


def test_content_length_longer_than_body(fresh_server):
    body = json.dumps(ADDSUB_GOOD).encode()
    s = raw_connect(fresh_server)
    try:
        s.sendall(request_bytes("POST", infer_path("addsub"), body, content_length=len(body) + 50))
        s.settimeout(0.5)
        with pytest.raises(socket.timeout):
            s.recv(1)  # the server waits for the promised bytes; it does not guess
        s.shutdown(socket.SHUT_WR)  # then the client gives up
        s.settimeout(5)
        try:
            data = s.recv(4096)
            assert not data.startswith(b"HTTP/1.1 200"), data
        except ConnectionResetError:
            pass
    finally:
        s.close()
    assert_alive(fresh_server)


def test_bodies_over_the_limit(fresh_server):
    limit = 1048576  # fresh_server's --http-max-input-size
    # announced: a huge Content-Length is refused before any body is sent
    s = raw_connect(fresh_server)
    try:
        s.sendall(request_bytes("POST", infer_path("addsub"), b"", content_length=10 ** 12))
        status, _, text, _ = read_http_response(s)
        assert status == 413 and "--http-max-input-size" in json.loads(text)["error"], text
    finally:
        s.close()
    # exactly one byte over, sent in full
    r = fresh_server.post(infer_path("addsub"), data=b" " * (limit + 1))
    assert r.status_code == 413 and "--http-max-input-size" in r.json()["error"]
    # chunked, so the size is only known while reading
    def chunks():
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536
    r = fresh_server.post(infer_path("addsub"), data=chunks())
    assert r.status_code == 413, r.text
    # binary framing: a header length pointing past the limit
    r = fresh_server.post(infer_path("addsub"), data=b"{}",
                          headers={"Inference-Header-Content-Length": str(2 ** 63)})
    assert r.status_code == 400 and "Inference-Header-Content-Length" in r.json()["error"]
    assert_alive(fresh_server)


# ---- hostile contents -------------------------------------------------------------------

def fp32_input(shape, data=(1,)):
    return {"inputs": [{"name": "INPUT0", "shape": shape, "datatype": "FP32", "data": list(data)}]}


SHAPES = [
    ("overflow 2^64 exactly", [2 ** 32, 2 ** 32], "causes total element count to exceed maximum size of"),
    ("overflow after many dims", [65536] * 5, "causes total element count to exceed maximum size of"),
    ("zero hides an overflow", [0, 2 ** 62, 2 ** 62], "INPUT0"),
    ("negative", [-1], "expected non-negative integers, got -1 at index 0"),
    ("negative later", [2, -7], "expected non-negative integers, got -7 at index 1"),
    ("int64 min", [-2 ** 63], "expected non-negative integers"),
    ("above int64", [2 ** 63], "expected non-negative integers"),
    ("above uint64", [2 ** 70], "expected non-negative integers"),
    ("fraction", [1.5], "expected non-negative integers, got 1.5"),
    ("string dim", ["4"], "INPUT0"),
    ("shape not an array", 4, "INPUT0"),
    ("10000 dims", [1] * 10000, "INPUT0"),
]


@pytest.mark.parametrize("case", SHAPES, ids=[c[0] for c in SHAPES])
def test_absurd_shapes(fresh_server, case):
    _, shape, fragment = case
    r = fresh_server.post(infer_path("id_fp32"), data=json.dumps(fp32_input(shape)))
    assert r.status_code == 400, r.text
    assert fragment in r.json()["error"], r.json()["error"]
    assert_alive(fresh_server)


def test_absurd_binary_shape_is_not_allocated(fresh_server):
    # binary framing: a big declared shape with a tiny body must not make the server
    # allocate the declared size first
    header = {"inputs": [{"name": "INPUT0", "shape": [2 ** 40], "datatype": "FP32",
                          "parameters": {"binary_data_size": 4}}]}
    body, headers = binary_body(header, [b"\0" * 4])
    r = fresh_server.post(infer_path("id_fp32"), data=body, headers=headers)
    assert r.status_code == 400, r.text
    assert_alive(fresh_server)


@pytest.mark.parametrize("depth", [1_000, 10_000, 500_000])
@pytest.mark.parametrize("where", ["data", "parameters", "top"])
def test_deeply_nested_json(fresh_server, depth, where):
    nest = b"[" * depth + b"1" + b"]" * depth
    if where == "data":
        body = b'{"inputs":[{"name":"INPUT0","shape":[1],"datatype":"FP32","data":' + nest + b"}]}"
    elif where == "parameters":
        body = (b'{"parameters":' + b'{"a":' * depth + b"1" + b"}" * depth +
                b',"inputs":[{"name":"INPUT0","shape":[1],"datatype":"FP32","data":[1]}]}')
    else:
        body = nest
    if len(body) > 1048576:
        pytest.skip("over the body limit (covered by test_bodies_over_the_limit)")
    r = fresh_server.post(infer_path("id_fp32"), data=body)
    assert r.status_code == 400, r.text
    assert_alive(fresh_server)


def test_deeply_nested_json_unterminated(fresh_server):
    r = fresh_server.post(infer_path("id_fp32"), data=b"[" * 1_000_000)
    assert r.status_code == 400 and "failed to parse" in r.json()["error"]
    assert_alive(fresh_server)


INVALID_UTF8 = [b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"abc\x80", b"\xf4\x90\x80\x80",
                b"\xe2\x82", b"ok\x00nul"]


@pytest.mark.parametrize("raw", INVALID_UTF8, ids=[r.hex() for r in INVALID_UTF8])
def test_invalid_utf8_in_bytes(fresh_server, raw):
    # binary in, binary out: the exact bytes come back
    header = {"inputs": [{"name": "INPUT0", "shape": [2], "datatype": "BYTES",
                          "parameters": {"binary_data_size": 8 + len(raw) + 1}}],
              "outputs": [{"name": "OUTPUT0", "parameters": {"binary_data": True}}]}
    body, headers = binary_body(header, [serialize_bytes([raw, b"x"])])
    r = fresh_server.post(infer_path("id_bytes"), data=body, headers=headers)
    assert r.status_code == 200, r.text
    head, blobs = split_response(r)
    assert blobs["OUTPUT0"] == serialize_bytes([raw, b"x"])
    # binary in, JSON out: the answer is still valid UTF-8 JSON (strict decoder)
    header["outputs"] = [{"name": "OUTPUT0"}]
    body, headers = binary_body(header, [serialize_bytes([raw, b"x"])])
    r = fresh_server.post(infer_path("id_bytes"), data=body, headers=headers)
    assert r.status_code == 200, r.text
    out = json.loads(r.content.decode("utf-8", errors="strict"))
    assert out["outputs"][0]["data"][1] == "x"
    # raw invalid bytes inside a JSON request string: a clear answer, never a crash
    body = (b'{"inputs":[{"name":"INPUT0","shape":[1],"datatype":"BYTES","data":["' + raw.replace(b"\x00", b"") +
            b'"]}]}')
    r = fresh_server.post(infer_path("id_bytes"), data=body)
    assert r.status_code in (200, 400), r.text
    json.loads(r.content.decode("utf-8", errors="strict"))
    assert_alive(fresh_server)


def test_duplicate_input_names(fresh_server):
    body = {"inputs": [ADDSUB_GOOD["inputs"][0], ADDSUB_GOOD["inputs"][0]]}
    r = fresh_server.infer("addsub", body)
    assert r.status_code == 400
    assert r.json()["error"] == "input 'INPUT0' already exists in request"
    body = {"inputs": ADDSUB_GOOD["inputs"] + [ADDSUB_GOOD["inputs"][1]]}
    r = fresh_server.infer("addsub", body)
    assert r.status_code == 400 and "INPUT1" in r.json()["error"]
    # duplicate requested outputs: refused, as current Triton does
    r = fresh_server.infer("addsub", dict(ADDSUB_GOOD, outputs=[{"name": "OUTPUT0"},
                                                                 {"name": "OUTPUT0"}]))
    assert r.status_code == 400, r.text
    assert r.json()["error"] == ("inference request for model 'addsub' has duplicate output "
                                 "name 'OUTPUT0'")
    # duplicate JSON keys inside one input: never a silent success
    raw = (b'{"inputs":[{"name":"INPUT0","name":"INPUT1","shape":[4],"datatype":"FP32",'
           b'"data":[1,2,3,4]},' + json.dumps(ADDSUB_GOOD["inputs"][1]).encode() + b"]}")
    r = fresh_server.post(infer_path("addsub"), data=raw)
    assert r.status_code == 400, r.text
    assert_alive(fresh_server)


def test_garbage_request_lines(fresh_server):
    for junk in (b"\x00\x01\x02\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                 b"POST /v2/models/addsub/infer HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                 b"POST /v2/models/addsub/infer HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                 b"POST /v2/models/addsub/infer HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                 b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\n\r\n",
                 b"GET /v2 HTTP/1.1\r\n" + b"X: y\r\n" * 20_000 + b"\r\n"):
        s = raw_connect(fresh_server)
        try:
            s.sendall(junk)
            s.settimeout(5)
            try:
                data = s.recv(4096)
                assert not data.startswith(b"HTTP/1.1 200") or junk.startswith(b"GET /v2 "), data
            except (ConnectionResetError, BrokenPipeError, socket.timeout):
                pass  # closed, or waiting for a request line that never ends: both fine
        except (ConnectionResetError, BrokenPipeError):
            pass
        finally:
            s.close()
    assert_alive(fresh_server)


def test_fd_exhaustion_recovers(start_server, identity_repo):
    """600 idle connections against a torchd limited to 256 open files: accepts fail while
    the table is full, but the server survives and serves again once they are gone."""
    import resource
    srv = start_server(identity_repo)
    resource.prlimit(srv.process.pid, resource.RLIMIT_NOFILE, (256, 256))
    socks = []
    try:
        for _ in range(600):
            try:
                socks.append(socket.create_connection(("127.0.0.1", srv.http_port), timeout=2))
            except OSError:
                break
        assert len(os.listdir(f"/proc/{srv.process.pid}/fd")) <= 256
        assert srv.process.poll() is None
    finally:
        for s in socks:
            s.close()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            if requests.get(srv.url + "/v2/health/live", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    assert_alive(srv)


def test_shared_memory_unregistered_mid_request(start_server, identity_repo):
    """A request reading and writing a system shared-memory region that the client
    unregisters (and unlinks) while the request waits in the slow model: a clear error,
    no write into unmapped memory, the server stays up."""
    srv = start_server(identity_repo, ["--allow-client-shm=true"])
    key = f"/torchd_rel_{os.getpid()}"
    fd = os.open("/dev/shm" + key, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        os.ftruncate(fd, 1 << 16)
    finally:
        os.close(fd)
    try:
        r = srv.post("/v2/systemsharedmemory/region/r1/register",
                     json={"key": key, "offset": 0, "byte_size": 1 << 16})
        assert r.status_code == 200, r.text
        result = {}

        def call():
            result["r"] = requests.post(srv.url + "/v2/models/slow/infer", timeout=30, json={
                "inputs": [{"name": "INPUT0", "shape": [1, 4], "datatype": "FP32",
                            "parameters": {"shared_memory_region": "r1",
                                           "shared_memory_byte_size": 16}}],
                "outputs": [{"name": "OUTPUT0",
                             "parameters": {"shared_memory_region": "r1",
                                            "shared_memory_offset": 4096,
                                            "shared_memory_byte_size": 16}}]})
        t = threading.Thread(target=call)
        t.start()
        time.sleep(0.1)  # in the slow model (300 ms)
        assert srv.post("/v2/systemsharedmemory/region/r1/unregister").status_code == 200
    finally:
        os.unlink("/dev/shm" + key)
    t.join(30)
    r = result["r"]
    # either the server kept its own mapping alive (200) or it says the region is gone
    # (404, Triton's NOT_FOUND "Unable to find shared memory region: 'r1'")
    assert r.status_code in (200, 400, 404), r.text
    if r.status_code != 200:
        assert "r1" in r.json()["error"]
    assert_alive(srv)


def test_compressed_bodies(fresh_server):
    """Decompression bombs stop at --http-max-input-size (413); corrupt or unknown encodings
    get a clear 400; a gzip body and a gzip answer still work."""
    import gzip
    import zlib
    bomb = gzip.compress(b'{"inputs":[' + b" " * (32 << 20) + b"]}")  # ~32 KB → 32 MB
    cases = [("gzip", bomb, 413, "decompressed request body exceeds the maximum allowed value"),
             ("deflate", zlib.compress(b" " * (16 << 20)), 413, "--http-max-input-size"),
             ("gzip", b"\x1f\x8bgarbage", 400, "failed to decompress the request body"),
             ("gzip", gzip.compress(b'{"inputs":[]}')[:-9], 400, "failed to decompress"),
             ("deflate", b"nope", 400, "failed to decompress the request body"),
             ("br", b"x", 400, "unsupported Content-Encoding 'br'")]
    for encoding, body, status, fragment in cases:
        r = fresh_server.post(infer_path("addsub"), data=body,
                              headers={"Content-Encoding": encoding})
        assert r.status_code == status, (encoding, r.text)
        assert fragment in r.json()["error"], r.json()["error"]
    r = fresh_server.post(infer_path("addsub"), data=gzip.compress(json.dumps(ADDSUB_GOOD).encode()),
                          headers={"Content-Encoding": "gzip", "Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers.get("Content-Encoding") == "gzip"
    assert r.json()["outputs"][0]["data"] == [2, 3, 4, 5]  # requests inflates it
    assert_alive(fresh_server)


def test_expect_continue_and_http10(fresh_server):
    """Expect: 100-continue with a body over the limit is refused before the body comes;
    within the limit the server says 100 Continue; an HTTP/1.0 request is answered."""
    body = json.dumps(ADDSUB_GOOD).encode()
    s = raw_connect(fresh_server)
    try:
        s.sendall(b"POST /v2/models/addsub/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n"
                  b"Expect: 100-continue\r\n\r\n")
        status, _, text, _ = read_http_response(s)
        assert status == 413 and "--http-max-input-size" in json.loads(text)["error"]
    finally:
        s.close()
    s = raw_connect(fresh_server)
    try:
        s.sendall(b"POST /v2/models/addsub/infer HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
                  b"Expect: 100-continue\r\n\r\n" % len(body))
        status, _, _, rest = read_http_response(s)
        assert status == 100
        s.sendall(body)
        status, _, text, _ = read_http_response_with(s, rest)
        assert status == 200 and json.loads(text)["outputs"][0]["data"] == [2, 3, 4, 5]
    finally:
        s.close()
    s = raw_connect(fresh_server)
    try:
        s.sendall(b"POST /v2/models/addsub/infer HTTP/1.0\r\nContent-Length: %d\r\n\r\n" % len(body)
                  + body)
        status, _, text, _ = read_http_response(s)
        assert status == 200 and json.loads(text)["outputs"][0]["data"] == [2, 3, 4, 5]
    finally:
        s.close()
    assert_alive(fresh_server)


def test_metrics_port_faults(fresh_server):
    """The metrics port takes the same abuse: 20 stalled clients, garbage, a wrong method,
    a huge body; /metrics is still served and the HTTP port unaffected."""
    port = int(fresh_server.metrics_url.split(":")[2].split("/")[0])
    hung = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(20)]
    try:
        for s in hung:
            s.sendall(b"GET /metr")
        for junk in (b"\x00\xff\r\n\r\n", b"POST /metrics HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n",
                     b"GET /" + b"m" * 50_000 + b" HTTP/1.1\r\n\r\n"):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            try:
                s.sendall(junk)
                s.settimeout(1)
                try:
                    s.recv(4096)
                except (socket.timeout, ConnectionResetError):
                    pass
            finally:
                s.close()
        r = requests.get(fresh_server.metrics_url, timeout=10)
        assert r.status_code == 200 and "nv_inference_request_success" in r.text
        assert requests.post(fresh_server.metrics_url, timeout=10).status_code in (404, 405)
    finally:
        for s in hung:
            s.close()
    assert_alive(fresh_server)
