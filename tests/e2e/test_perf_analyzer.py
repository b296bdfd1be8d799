"""NVIDIA's perf_analyzer — the real binary from PyPI's perf-analyzer wheel, made to run on
Debian 12 by tools/perf_analyzer — drives a real torchd over HTTP (gRPC: test_perf_analyzer_grpc.py).

Each run is short (300 ms measurement windows) and asserts that perf_analyzer exits 0,
reports no error, and prints a throughput above zero for every concurrency — never a
timing threshold. `--stability-percentage 1000` lets the three windows perf_analyzer
needs count as stable on a busy 2-core CI machine; otherwise it may retry for ten windows
and exit 2 ("Failed to obtain stable measurement"), which says nothing about torchd.

Environment: PERF_ANALYZER (tests/e2e/CMakeLists.txt sets build/tools/perf_analyzer/
perf_analyzer), TORCHD_MODELS (the generated repositories, tests/models).
"""
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, TORCHD_MODELS

PERF_ANALYZER = os.environ.get(
    "PERF_ANALYZER", os.path.join(ROOT, "build", "tools", "perf_analyzer", "perf_analyzer"))
MODELS = ("add_sub", "string_identity", "string_upper")


@pytest.fixture(scope="module")
def perf_analyzer():
    if not os.access(PERF_ANALYZER, os.X_OK):
        pytest.fail(f"{PERF_ANALYZER} is missing: scripts/setup fetches the perf-analyzer wheel "
                    "(tools/perf_analyzer/fetch-wheel) and installs patchelf; then rebuild")
    return PERF_ANALYZER


@pytest.fixture(scope="module")
def pa_server(start_server):
    return start_server(os.path.join(TORCHD_MODELS, "pytorch"),
                        ["--model-control-mode=explicit", "--allow-client-shm=true"]
                        + [f"--load-model={m}" for m in MODELS])


def run(perf_analyzer, server, *args):
    """Runs perf_analyzer against `server`; returns its output after the common checks."""
    cmd = [perf_analyzer, "-u", f"127.0.0.1:{server.http_port}", "-i", "http",
           "--measurement-interval", "300", "--stability-percentage", "1000", *args]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    output = done.stdout.decode(errors="replace")
    assert done.returncode == 0, f"{' '.join(cmd)} exited {done.returncode}:\n{output}"
    assert not re.search(r"error|failed", output, re.IGNORECASE), output
    throughputs = [float(t) for t in re.findall(r"Throughput: ([0-9.]+) infer/sec", output)]
    assert throughputs and all(t > 0 for t in throughputs), output
    # the "Server:" block comes from torchd's statistics extension
    served = [int(n) for n in re.findall(r"Successful request count: ([0-9]+)", output)]
    assert served and all(n > 0 for n in served), output
    return output


def test_binary_is_nvidias_patched_for_this_glibc(perf_analyzer):
    done = subprocess.run([perf_analyzer, "--version"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=30)
    assert done.returncode == 0 and done.stdout.startswith(b"Perf Analyzer Version"), done.stdout
    sys.path.insert(0, os.path.join(ROOT, "tools", "perf_analyzer"))
    from relax_versions import Elf
    with open(perf_analyzer, "rb") as f:
        elf = Elf(bytearray(f.read()), perf_analyzer)
    needed = {version for _, _, versions in elf.version_needs() for _, version in versions}
    assert "GLIBC_2.34" in needed and "GLIBCXX_3.4.30" in needed
    assert not needed & {"GLIBC_2.38", "GLIBCXX_3.4.31", "GLIBCXX_3.4.32"}


def test_add_sub(perf_analyzer, pa_server):
    output = run(perf_analyzer, pa_server, "-m", "add_sub")
    assert "Request concurrency: 1" in output


def test_add_sub_system_shared_memory(perf_analyzer, pa_server):
    run(perf_analyzer, pa_server, "-m", "add_sub", "--shared-memory", "system")
    # perf_analyzer unregistered its regions on the way out
    assert pa_server.get("/v2/systemsharedmemory/status").json() == []


def test_string_input(perf_analyzer, pa_server):
    run(perf_analyzer, pa_server, "-m", "string_identity", "--shape", "INPUT__0:4",
        "--string-length", "12")


def test_string_input_batched_in_shared_memory(perf_analyzer, pa_server):
    run(perf_analyzer, pa_server, "-m", "string_upper", "-b", "2", "--shared-memory", "system")


def test_concurrency_range(perf_analyzer, pa_server):
    output = run(perf_analyzer, pa_server, "-m", "add_sub", "--concurrency-range", "1:4")
    summary = re.findall(r"Concurrency: ([0-9]+), throughput: ([0-9.]+) infer/sec", output)
    assert [int(c) for c, _ in summary] == [1, 2, 3, 4], output
    assert all(float(t) > 0 for _, t in summary), output
