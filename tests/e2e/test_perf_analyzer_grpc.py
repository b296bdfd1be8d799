"""NVIDIA's perf_analyzer over gRPC (`-i grpc`, its default protocol) against torchd on the
identity backend: unary ModelInfer, system shared memory, and `--streaming` on a decoupled
model (ModelStreamInfer, several responses per request). Short runs that assert a clean exit,
no error in the output and a throughput above zero — never a timing threshold (see
test_perf_analyzer.py for the flags that keep a busy CI machine from failing the run)."""
import re
import subprocess

import pytest

from conftest import io_config, write_identity_repo, write_model
from test_perf_analyzer import perf_analyzer  # noqa: F401  (the fixture)


@pytest.fixture(scope="module")
def grpc_pa_server(start_server, tmp_path_factory):
    repo = write_identity_repo(str(tmp_path_factory.mktemp("pa_grpc_repo")))
    write_model(repo, "decoupled", io_config("decoupled", "TYPE_FP32", [-1],
                                             parameters={"decoupled_repeat": "2"})
                + "model_transaction_policy { decoupled: true }\n")
    return start_server(repo, ["--allow-client-shm=true"])


def run(pa, server, *args):
    cmd = [pa, "-u", server.grpc_url, "-i", "grpc", "--measurement-interval", "300",
           "--stability-percentage", "1000", *args]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    output = done.stdout.decode(errors="replace")
    assert done.returncode == 0, f"{' '.join(cmd)} exited {done.returncode}:\n{output}"
    assert not re.search(r"error|failed", output, re.IGNORECASE), output
    throughputs = [float(t) for t in re.findall(r"Throughput: ([0-9.]+) infer/sec", output)]
    assert throughputs and all(t > 0 for t in throughputs), output
    return output


def test_grpc_add_sub(perf_analyzer, grpc_pa_server):  # noqa: F811
    output = run(perf_analyzer, grpc_pa_server, "-m", "addsub", "--concurrency-range", "1:2")
    summary = re.findall(r"Concurrency: ([0-9]+), throughput: ([0-9.]+) infer/sec", output)
    assert [int(c) for c, _ in summary] == [1, 2], output
    served = [int(n) for n in re.findall(r"Successful request count: ([0-9]+)", output)]
    assert served and all(n > 0 for n in served), output


def test_grpc_bytes_in_shared_memory(perf_analyzer, grpc_pa_server):  # noqa: F811
    run(perf_analyzer, grpc_pa_server, "-m", "id_bytes", "--shape", "INPUT0:3",
        "--shared-memory", "system")
    assert grpc_pa_server.get("/v2/systemsharedmemory/status").json() == []


def test_grpc_streaming_decoupled(perf_analyzer, grpc_pa_server):  # noqa: F811
    run(perf_analyzer, grpc_pa_server, "-m", "decoupled", "--shape", "INPUT0:4", "--streaming")


def test_grpc_streaming_non_decoupled(perf_analyzer, grpc_pa_server):  # noqa: F811
    run(perf_analyzer, grpc_pa_server, "-m", "id_fp32", "--shape", "INPUT0:8", "--streaming",
        "--concurrency-range", "2")
