#!/usr/bin/env python3
"""NVIDIA's perf_analyzer as a second load generator beside wrk (issue 11).

Why it exists: Triton's users measure with perf_analyzer, so torchd's figures should also
come from it, next to the wrk sweep of bench/run. This starts torchd on the benchmark
repository (bench/models.py), pinned like bench/run pins it, and runs perf_analyzer (the
real binary, tools/perf_analyzer) pinned to the other cores, over HTTP with binary
tensors, for each model at each concurrency. perf_analyzer's own latency report
(`-f`, microseconds) is kept as CSV, and a Markdown section is appended to the report.

Usage: bench/perf_analyzer_points.py --torchd build/torchd --perf-analyzer
         build/tools/perf_analyzer/perf_analyzer --repo bench/results/raw/models
         --csv OUT.csv --markdown REPORT.md [--models ...] [--concurrency 1 16]
         [--server-cores 1] [--load-cores 0] [--interval-ms 3000]
"""
import argparse
import csv
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

# Models whose batch takes most of a second get longer windows, as in bench/run.
SLOW_MODELS = {"resnet18": 8000, "resnet18_opt": 8000, "bert_encoder": 12000}


def wait_ready(url, process, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"torchd exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/v2/health/ready", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("torchd not ready")


def run_point(args, model, concurrency, port):
    interval = max(args.interval_ms, SLOW_MODELS.get(model, 0))
    with tempfile.NamedTemporaryFile(suffix=".csv") as report:
        cmd = ["taskset", "-c", args.load_cores, args.perf_analyzer, "-m", model,
               "-u", f"127.0.0.1:{port}", "-i", "http", "--concurrency-range",
               str(concurrency), "--measurement-interval", str(interval),
               "--stability-percentage", "1000", "-f", report.name]
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=600)
        output = done.stdout.decode(errors="replace")
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{output[-2000:]}")
        rows = list(csv.DictReader(io.StringIO(open(report.name).read())))
    row = rows[0]
    return {"model": model, "concurrency": concurrency,
            "infer_per_sec": float(row["Inferences/Second"]),
            "p50_us": int(row["p50 latency"]), "p90_us": int(row["p90 latency"]),
            "p99_us": int(row["p99 latency"]),
            "server_queue_us": int(row["Server Queue"]),
            "server_compute_infer_us": int(row["Server Compute Infer"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--torchd", required=True)
    parser.add_argument("--perf-analyzer", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--markdown", required=True)
    parser.add_argument("--models", nargs="+",
                        default=["add_sub", "mlp", "resnet18_opt", "bert_encoder"])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--server-cores", default="1")
    parser.add_argument("--load-cores", default="0")
    parser.add_argument("--interval-ms", type=int, default=3000)
    parser.add_argument("--port", type=int, default=18030)
    args = parser.parse_args()

    log = open(args.csv + ".torchd.log", "wb")
    server = subprocess.Popen(
        ["taskset", "-c", args.server_cores, args.torchd, f"--model-repository={args.repo}",
         f"--http-port={args.port}", f"--metrics-port={args.port + 2}",
         "--http-address=127.0.0.1", "--allow-grpc=false"], stdout=log, stderr=subprocess.STDOUT)
    points = []
    try:
        wait_ready(f"http://127.0.0.1:{args.port}", server)
        for model in args.models:
            for concurrency in args.concurrency:
                point = run_point(args, model, concurrency, args.port)
                points.append(point)
                print(f"perf_analyzer_points: {model} c={concurrency}: "
                      f"{point['infer_per_sec']:.1f} infer/s p50 {point['p50_us']} us",
                      file=sys.stderr, flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        os.unlink(args.csv + ".torchd.log")

    with open(args.csv, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(points[0]))
        writer.writeheader()
        writer.writerows(points)
    lines = ["", "## perf_analyzer (NVIDIA's client) against torchd", "",
             "The same torchd and models, measured by perf_analyzer 2.60 (tools/perf_analyzer) "
             "over HTTP with binary tensors, pinned like wrk; latencies are perf_analyzer's "
             "(client side), the queue and compute columns come from torchd's statistics "
             f"extension. Windows of {args.interval_ms} ms (ResNet/BERT longer), "
             "stability check off (`--stability-percentage 1000`).", "",
             "| model | concurrency | infer/s | p50 ms | p90 ms | p99 ms | server queue µs "
             "| server compute µs |", "|---|---|---|---|---|---|---|---|"]
    for p in points:
        lines.append(f"| {p['model']} | {p['concurrency']} | {p['infer_per_sec']:,.1f} | "
                     f"{p['p50_us'] / 1000:.2f} | {p['p90_us'] / 1000:.2f} | "
                     f"{p['p99_us'] / 1000:.2f} | {p['server_queue_us']:,} | "
                     f"{p['server_compute_infer_us']:,} |")
    with open(args.markdown, "a") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
