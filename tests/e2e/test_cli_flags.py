"""Every tritonserver command line starts torchd (issue 16): one start per documented
tritonserver 2.73 flag with a valid value, each answering /v2/health/live; --help names
every flag; and the flags implemented for real, observed through the server:
--model-store, --http-header-forward-pattern, --reuse-http-port, --model-load-retry-count,
--model-namespacing, --metrics-config, --allow-cpu-metrics, the trace flags."""
import concurrent.futures
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest
import requests
import tritonclient.http as httpclient
import numpy as np

from conftest import TORCHD_BIN, free_port, io_config, write_model

# ---- the flag list ---------------------------------------------------------------------------
#
# tritonserver's options (server/src/command_line_parser.cc, every group an NGC build
# enables: HTTP, GRPC, SageMaker, Vertex AI, metrics, tracing, logging), each with a valid
# value. {repo}, {tmp} and {model} are filled in per run. A flag that needs a companion
# flag to be valid carries it.

FLAGS = [
    # server
    ["--id=edge-1"],
    ["--exit-timeout-secs=5"],
    # logging
    ["--log-verbose=1"], ["--log-info=true"], ["--log-warning=false"], ["--log-error=true"],
    ["--log-format=ISO8601"], ["--log-file={tmp}/torchd.log"],
    # model repository
    ["--model-store={repo}"],
    ["--model-repository={repo}"],
    ["--exit-on-error=false"], ["--disable-auto-complete-config"],
    ["--strict-model-config=false"], ["--strict-readiness=false"],
    ["--model-control-mode=poll", "--repository-poll-secs=5"],
    ["--model-control-mode=explicit", "--load-model={model}"],
    ["--model-control-mode=none"],
    ["--model-load-thread-count=2"], ["--model-load-retry-count=2"],
    ["--model-namespacing=false"], ["--model-config-name=alt"],
    # HTTP
    ["--allow-http=true"], ["--http-address=127.0.0.1"], ["--reuse-http-port=true"],
    ["--http-header-forward-pattern=^x-.*"], ["--http-thread-count=2"],
    ["--http-restricted-api=model-repository:admin-key=secret"],
    ["--http-max-input-size=1048576"],
    # gRPC
    ["--allow-grpc=false"], ["--grpc-port={port}"],
    ["--grpc-address=127.0.0.1"], ["--reuse-grpc-port=true"],
    ["--grpc-header-forward-pattern=^x-.*"], ["--grpc-infer-allocation-pool-size=8"],
    ["--grpc-max-response-pool-size=8"],
    ["--grpc-use-ssl=false"], ["--grpc-use-ssl-mutual=false"],
    ["--grpc-server-cert={tmp}/cert.pem"], ["--grpc-server-key={tmp}/key.pem"],
    ["--grpc-root-cert={tmp}/root.pem"],
    ["--grpc-infer-response-compression-level=low"],
    ["--grpc-keepalive-time=7200000"], ["--grpc-keepalive-timeout=20000"],
    ["--grpc-keepalive-permit-without-calls=false"],
    ["--grpc-http2-max-pings-without-data=2"],
    ["--grpc-http2-min-recv-ping-interval-without-data=300000"],
    ["--grpc-http2-max-ping-strikes=2"], ["--grpc-max-connection-age=60000"],
    ["--grpc-max-connection-age-grace=1000"],
    ["--grpc-restricted-protocol=model-repository:admin-key=secret"],
    # SageMaker and Vertex AI endpoints: accepted, not served
    ["--allow-sagemaker=false"], ["--sagemaker-port={port}"],
    ["--sagemaker-safe-port-range=8000-8099"], ["--sagemaker-thread-count=2"],
    ["--allow-vertex-ai=false"], ["--vertex-ai-port={port}"],
    ["--vertex-ai-thread-count=2"], ["--vertex-ai-default-model={model}"],
    # metrics
    ["--allow-metrics=true"], ["--allow-cpu-metrics=true"], ["--metrics-address=127.0.0.1"],
    ["--metrics-interval-ms=1000"], ["--metrics-config=summary_latencies=true"],
    ["--metrics-config=counter_latencies=false"],
    ["--metrics-config=summary_quantiles=0.5:0.05,0.99:0.001"],
    # tracing (current and deprecated spellings)
    ["--trace-config=level=TIMESTAMPS"], ["--trace-config=triton,file={tmp}/trace.json"],
    ["--trace-config=rate=100"], ["--trace-config=count=10"],
    ["--trace-config=triton,log-frequency=50"], ["--trace-config=mode=opentelemetry"],
    ["--trace-file={tmp}/trace.json"], ["--trace-level=TENSORS"], ["--trace-rate=100"],
    ["--trace-count=10"], ["--trace-log-frequency=5"],
    # backends and repository agents
    ["--backend-directory={backends}"], ["--backend-config=identity,some-setting=1"],
    ["--repoagent-directory=/opt/tritonserver/repoagents"],
    # rate limiter
    ["--rate-limit=execution_count"], ["--rate-limit-resource=R1:10"],
    # memory and devices that mean nothing on this CPU server (accepted with a WARN)
    ["--cuda-virtual-address-size=0:1073741824"], ["--buffer-manager-thread-count=2"],
    ["--host-policy=cpu,numa-node=0"], ["--model-load-gpu-limit=0:0.8"],
    ["--enable-peer-access=false"],
    # GPU memory, devices and metrics (no effect without a GPU, none fails)
    ["--allow-gpu-metrics=false"], ["--pinned-memory-pool-byte-size=268435456"],
    ["--cuda-memory-pool-byte-size=0:67108864"], ["--min-supported-compute-capability=6.0"],
    # response cache
    ["--cache-config=local,size=1048576"], ["--response-cache-byte-size=1048576"],
    ["--cache-directory=/opt/tritonserver/caches"],
    # torchd's own
    ["--allow-client-shm=true"], ["--inline-execution-max-us=0"],
    ["--close-batches-early=true"],
]

TORCHD_ONLY = {"--allow-client-shm", "--inline-execution-max-us", "--close-batches-early",
               "--help"}
# On every command line start_and_probe runs (so the servers do not collide).
ALWAYS = {"--http-port", "--metrics-port", "--grpc-port", "--http-address"}


def flag_name(arg):
    return arg.split("=", 1)[0]


@pytest.fixture(scope="module")
def flag_repo(tmp_path_factory):
    repo = str(tmp_path_factory.mktemp("flag_repo"))
    model_dir = write_model(repo, "m", io_config("m", "TYPE_FP32", [-1]))
    os.makedirs(os.path.join(model_dir, "configs"))
    with open(os.path.join(model_dir, "configs", "alt.pbtxt"), "w") as f:
        f.write(io_config("m", "TYPE_FP32", [-1]))
    return repo


def start_and_probe(args, repo, tmp):
    """Start torchd with `args` (placeholders filled), wait for /v2/health/live, stop it.
    Returns (seconds to live or None, exit code, output)."""
    http_port, metrics_port, spare, grpc_port = (free_port() for _ in range(4))
    while len({http_port, metrics_port, spare, grpc_port}) < 4:
        metrics_port, spare, grpc_port = free_port(), free_port(), free_port()
    fill = {"repo": repo, "tmp": tmp, "model": "m", "port": str(spare),
            "backends": os.path.join(os.path.dirname(TORCHD_BIN), "backends")}
    args = [a.format(**fill) for a in args]
    cmd = [TORCHD_BIN, f"--http-port={http_port}", f"--metrics-port={metrics_port}",
           f"--grpc-port={grpc_port}", "--http-address=127.0.0.1"] + args
    if not any(a.startswith(("--model-store=", "--model-repository=")) for a in args):
        cmd.append(f"--model-repository={repo}")
    started = time.monotonic()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    live_after = None
    deadline = started + 15
    url = f"http://127.0.0.1:{http_port}/v2/health/live"
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                live_after = time.monotonic() - started
                break
        except requests.ConnectionError:
            time.sleep(0.01)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return live_after, process.returncode, output.decode(errors="replace")


def run_all(cases, repo, tmp):
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda args: start_and_probe(args, repo, tmp), cases))


def test_every_tritonserver_flag_starts(flag_repo, tmp_path):
    """One start per flag, four at a time; each must answer /v2/health/live."""
    results = run_all(FLAGS, flag_repo, str(tmp_path))
    sanitizer = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                 "WARNING: ThreadSanitizer")
    failures = [f"{' '.join(args)}: exit {rc}: {out[-600:]}"
                for args, (live, rc, out) in zip(FLAGS, results)
                if live is None or rc != 0 or any(m in out for m in sanitizer)]
    assert not failures, "\n".join(failures)
    slowest = max(live for live, _, _ in results)
    print(f"{len(FLAGS)} starts, slowest to live {slowest:.3f} s")
    # Each start is well under a second on an idle machine (~0.05-0.2 s); the bound is
    # loose for a loaded 2-core CI box.
    assert slowest < 5, slowest


def test_help_names_every_flag():
    out = subprocess.run([TORCHD_BIN, "--help"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0
    named = set(re.findall(r"--[a-z][a-z0-9-]*", out.stdout)) - {"--flag"}  # "--flag=value"
    ours = {flag_name(a) for args in FLAGS for a in args} | ALWAYS
    assert ours <= named, sorted(ours - named)
    documented = ours
    # Whatever --help names is a tritonserver flag (or one of torchd's own few).
    assert named - documented <= TORCHD_ONLY, sorted(named - documented - TORCHD_ONLY)


# ---- the flags implemented for real -------------------------------------------------------------

def echo_model(repo, name="echo", extra_parameters=None):
    parameters = {"echo_parameters": "true"}
    parameters.update(extra_parameters or {})
    write_model(repo, name, io_config(name, "TYPE_FP32", [-1], parameters=parameters))


def infer_body():
    return {"inputs": [{"name": "INPUT0", "shape": [2], "datatype": "FP32", "data": [1, 2]}]}


def test_header_forward_pattern(start_server, tmp_path):
    repo = str(tmp_path)
    echo_model(repo)
    server = start_server(repo, ["--http-header-forward-pattern=^(x-fwd-|triton_)"])
    r = server.infer("echo", infer_body(), headers={"X-Fwd-User": "alice", "X-Other": "no",
                                                    "x-fwd-trace": "a \"b\" c"})
    assert r.status_code == 200, r.text
    params = {k.lower(): v for k, v in r.json()["parameters"].items()}
    assert params["x-fwd-user"] == "alice" and params["x-fwd-trace"] == 'a "b" c'
    assert "x-other" not in params
    # The same through tritonclient, whose headers= travel as HTTP headers.
    client = httpclient.InferenceServerClient(server.url.replace("http://", ""))
    tensor = httpclient.InferInput("INPUT0", [2], "FP32")
    tensor.set_data_from_numpy(np.array([1, 2], dtype=np.float32))
    result = client.infer("echo", [tensor], headers={"x-fwd-tenant": "t1"})
    forwarded = {k.lower(): v for k, v in result.get_response()["parameters"].items()}
    assert forwarded["x-fwd-tenant"] == "t1"
    # A header that would pose as a reserved parameter is refused, and serving goes on.
    r = server.infer("echo", infer_body(), headers={"triton_enable_empty_final_response": "1"})
    assert r.status_code == 400 and "reserved" in r.json()["error"], r.text
    assert server.infer("echo", infer_body()).status_code == 200


def test_no_forwarding_without_the_flag(start_server, tmp_path):
    repo = str(tmp_path)
    echo_model(repo)
    server = start_server(repo)
    r = server.infer("echo", infer_body(), headers={"X-Fwd-User": "alice"})
    assert r.status_code == 200
    assert "x-fwd-user" not in {k.lower() for k in r.json().get("parameters", {})}


def test_bad_forward_pattern_refused():
    out = subprocess.run([TORCHD_BIN, "--model-repository=/x",
                          "--http-header-forward-pattern=(x"],
                         capture_output=True, text=True, timeout=10)
    assert out.returncode != 0 and "not a valid regular expression" in out.stderr


def listen(port, reuse, repo):
    http_port = port
    cmd = [TORCHD_BIN, f"--model-repository={repo}", f"--http-port={http_port}",
           f"--metrics-port={free_port()}", "--http-address=127.0.0.1",
           "--allow-grpc=false", f"--reuse-http-port={'true' if reuse else 'false'}"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_live(port, process, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"http://127.0.0.1:{port}/v2/health/live", timeout=1).ok:
                return True
        except requests.ConnectionError:
            time.sleep(0.02)
    return False


def test_reuse_http_port(tmp_path):
    repo = str(tmp_path)
    port = free_port()
    first = listen(port, True, repo)
    second = None
    third = None
    try:
        assert wait_live(port, first)
        second = listen(port, True, repo)
        time.sleep(0.5)
        assert second.poll() is None, second.communicate()[0].decode()
        # Both answer: stop the first, the port keeps serving through the second.
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=20)
        assert wait_live(port, second)
        # Without the flag the port is taken.
        third = listen(port, False, repo)
        out, _ = third.communicate(timeout=20)
        assert third.returncode != 0 and b"is the port in use" in out, out
    finally:
        for p in (first, second, third):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=20)


def test_model_load_retry_count(tmp_path):
    repo = str(tmp_path)
    write_model(repo, "flaky", io_config("flaky", "TYPE_FP32", [-1],
                                         parameters={"fail_first_loads": "2"}))
    live, rc, out = start_and_probe(["--model-load-retry-count=2", "--log-verbose=1"], repo,
                                    str(tmp_path))
    assert live is not None, out
    assert out.count("retrying (") == 2 and "successfully loaded 'flaky' version 1" in out, out
    live, rc, out = start_and_probe(["--model-load-retry-count=1"], repo, str(tmp_path))
    assert live is None and rc != 0, out  # still failing after one retry: exit on error
    assert "fail_first_loads" in out


def test_model_namespacing(tmp_path):
    live, rc, out = start_and_probe(["--model-namespacing=true"], str(tmp_path), str(tmp_path))
    assert live is None and rc != 0
    assert "--model-namespacing=true is not supported" in out, out
    live, rc, out = start_and_probe(["--model-namespacing=false"], str(tmp_path), str(tmp_path))
    assert live is not None, out


def metric(text, name, model=None, **labels):
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if model is not None and f'model="{model}"' not in line:
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def promtool_ok(text, tmp_path):
    if shutil.which("promtool") is None:
        return True
    path = tmp_path / "metrics.txt"
    path.write_text(text)
    with open(path) as f:
        rc = subprocess.run(["promtool", "check", "metrics"], stdin=f, capture_output=True).returncode
    return rc in (0, 3)  # 3: naming-style warnings only (Triton's names trigger them)


def test_metrics_config_summaries(start_server, tmp_path):
    repo = str(tmp_path / "repo")
    os.makedirs(repo)
    write_model(repo, "timed", io_config("timed", "TYPE_FP32", [-1]))
    server = start_server(repo, ["--metrics-config=summary_latencies=true",
                                 "--metrics-config=counter_latencies=false",
                                 "--metrics-config=summary_quantiles=0.25:0.01,0.75:0.01"])
    for _ in range(5):
        assert server.infer("timed", infer_body()).status_code == 200
    text = requests.get(server.metrics_url, timeout=10).text
    assert "# TYPE nv_inference_request_summary_us summary" in text
    assert metric(text, "nv_inference_request_summary_us_count", "timed") == 5
    assert metric(text, "nv_inference_queue_summary_us_count", "timed") == 5
    assert metric(text, "nv_inference_compute_infer_summary_us_count", "timed") == 5
    assert metric(text, "nv_inference_request_summary_us_sum", "timed") > 0
    q25 = metric(text, "nv_inference_request_summary_us", "timed", quantile="0.25")
    q75 = metric(text, "nv_inference_request_summary_us", "timed", quantile="0.75")
    assert 0 < q25 <= q75
    assert 'quantile="0.5"' not in text  # only the configured quantiles
    assert "_duration_us" not in text     # counter_latencies=false
    assert metric(text, "nv_inference_request_success", "timed") == 5
    assert promtool_ok(text, tmp_path)


def test_metrics_defaults_and_cpu(server, tmp_path):
    text = requests.get(server.metrics_url, timeout=10).text
    assert "# TYPE nv_inference_request_duration_us counter" in text
    assert "_summary_us" not in text  # summaries are opt-in
    utilization = metric(text, "nv_cpu_utilization")
    total = metric(text, "nv_cpu_memory_total_bytes")
    used = metric(text, "nv_cpu_memory_used_bytes")
    assert utilization is not None and 0.0 <= utilization <= 1.0
    assert total > 0 and 0 < used <= total
    assert promtool_ok(text, tmp_path)


def test_cpu_metrics_off(start_server, tmp_path):
    server = start_server(str(tmp_path), ["--allow-cpu-metrics=false"])
    text = requests.get(server.metrics_url, timeout=10).text
    assert "nv_cpu_" not in text and "# TYPE nv_inference_request_success counter" in text


def test_trace_flags_are_reported(start_server, tmp_path):
    server = start_server(str(tmp_path), ["--trace-config=level=TIMESTAMPS",
                                          "--trace-level=TENSORS", "--trace-config=rate=7",
                                          f"--trace-config=triton,file={tmp_path}/t.json",
                                          "--trace-count=3"])
    settings = server.get("/v2/trace/setting").json()
    assert settings["trace_level"] == ["TIMESTAMPS", "TENSORS"]
    assert settings["trace_rate"] == "7" and settings["trace_count"] == "3"
    assert settings["trace_file"] == f"{tmp_path}/t.json"


def test_model_store_alone(start_server, tmp_path):
    repo = str(tmp_path)
    write_model(repo, "stored", io_config("stored", "TYPE_FP32", [-1]))
    http_port, metrics_port = free_port(), free_port()
    process = subprocess.Popen([TORCHD_BIN, f"--model-store={repo}", f"--http-port={http_port}",
                                f"--metrics-port={metrics_port}", "--http-address=127.0.0.1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        ready = False
        while time.monotonic() < deadline and not ready:
            try:
                ready = requests.get(f"http://127.0.0.1:{http_port}/v2/models/stored/ready",
                                     timeout=1).status_code == 200
            except requests.ConnectionError:
                time.sleep(0.02)
        assert ready
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
