#!/usr/bin/env python3
"""bench/grpc_vs_http.py: torchd's gRPC endpoint against its HTTP endpoint (issue 15's
Measure section), same client (NVIDIA's perf_analyzer), same server process, interleaved:
for every model and concurrency the two protocols take turns (gRPC first on odd repeats,
HTTP first on even ones), so drift on a shared machine hits both alike.

Writes <out>/<date>-grpc-vs-http.csv (every measurement) and <date>-grpc-vs-http.md (the
median per point, the gRPC/HTTP ratio and the issue's targets: gRPC >= HTTP on add_sub,
within 5% on the compute-bound mlp).

Usage: .venv/bin/python bench/grpc_vs_http.py [--models add_sub,mlp]
           [--concurrency 1,2,4,8,16,32,64] [--repeats 2] [--window-ms 1000]
           [--torchd build/torchd] [--perf-analyzer build/tools/perf_analyzer/perf_analyzer]
           [--out bench/results] [--note "..."]
The models come from bench/models.py (generated into build/bench-grpc-models when missing).
"""
import argparse
import csv
import datetime
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = os.path.join(ROOT, ".venv", "bin", "python")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_torchd(binary, repo, log_path):
    http, grpc_port, metrics = free_port(), free_port(), free_port()
    log = open(log_path, "ab")
    process = subprocess.Popen(
        [binary, f"--model-repository={repo}", f"--http-port={http}", f"--grpc-port={grpc_port}",
         f"--metrics-port={metrics}", "--http-address=127.0.0.1", "--grpc-address=127.0.0.1"],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"torchd exited ({process.returncode}); see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{http}/v2/health/ready", timeout=1) as r:
                if r.status == 200:
                    return process, http, grpc_port
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    sys.exit("torchd did not become ready in 180 s")


def measure(pa, protocol, port, model, concurrency, window_ms):
    cmd = [pa, "-u", f"127.0.0.1:{port}", "-i", protocol, "-m", model,
           "--concurrency-range", str(concurrency), "--measurement-interval", str(window_ms),
           "--stability-percentage", "1000", "--percentile", "99"]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = done.stdout.decode(errors="replace")
    throughput = re.search(r"Throughput: ([0-9.]+) infer/sec", out)
    p99 = re.search(r"p99 latency: ([0-9]+) usec", out)
    if done.returncode != 0 or throughput is None:
        return None, None, out
    return float(throughput.group(1)), int(p99.group(1)) if p99 else None, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="add_sub,mlp")
    ap.add_argument("--concurrency", default="1,2,4,8,16,32,64")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--window-ms", type=int, default=1000)
    ap.add_argument("--torchd", default=os.path.join(ROOT, "build", "torchd"))
    ap.add_argument("--perf-analyzer",
                    default=os.path.join(ROOT, "build", "tools", "perf_analyzer", "perf_analyzer"))
    ap.add_argument("--repo", default=os.path.join(ROOT, "build", "bench-grpc-models"))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--note", default="")
    ap.add_argument("--report-only", metavar="CSV", help="rewrite the report of an earlier run")
    args = ap.parse_args()
    models = args.models.split(",")
    levels = [int(c) for c in args.concurrency.split(",")]
    if args.report_only:
        with open(args.report_only) as f:
            rows = [{"model": r["model"], "concurrency": int(r["concurrency"]),
                     "repeat": int(r["repeat"]), "protocol": r["protocol"],
                     "infer_per_sec": float(r["infer_per_sec"]) if r["infer_per_sec"] else None,
                     "p99_us": int(r["p99_us"]) if r["p99_us"] else None} for r in csv.DictReader(f)]
        write_report(rows, models, levels, args, args.report_only[:-len(".csv")] + ".md")
        return
    subprocess.run([PY, os.path.join(ROOT, "bench", "models.py"), "--out", args.repo, "--only",
                    args.models], check=True)
    os.makedirs(args.out, exist_ok=True)
    stamp = datetime.date.today().isoformat()
    csv_path = os.path.join(args.out, f"{stamp}-grpc-vs-http.csv")
    md_path = os.path.join(args.out, f"{stamp}-grpc-vs-http.md")
    process, http_port, grpc_port = start_torchd(args.torchd, args.repo,
                                                 os.path.join(args.repo, "torchd.log"))
    rows = []
    try:
        for model in models:
            for c in levels:
                for r in range(args.repeats):
                    order = [("grpc", grpc_port), ("http", http_port)]
                    if r % 2:
                        order.reverse()
                    for protocol, port in order:
                        tput, p99, out = measure(args.perf_analyzer, protocol, port, model, c,
                                                 args.window_ms)
                        if tput is None:
                            print(f"{model} c={c} {protocol}: failed\n{out}", file=sys.stderr)
                        rows.append({"model": model, "concurrency": c, "repeat": r,
                                     "protocol": protocol, "infer_per_sec": tput, "p99_us": p99})
                        print(f"{model} c={c} r={r} {protocol}: {tput} infer/s p99 {p99} us",
                              flush=True)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    write_report(rows, models, levels, args, md_path)
    print(f"wrote {csv_path} and {md_path}")


def write_report(rows, models, levels, args, md_path):
    stamp = os.path.basename(md_path)[:10]
    lines = [f"# torchd gRPC vs HTTP ({stamp})", "",
             "perf_analyzer against one torchd, protocols interleaved per point; median of "
             f"{args.repeats} runs of {args.window_ms} ms windows. {args.note}", "",
             "| model | concurrency | gRPC infer/s | HTTP infer/s | gRPC/HTTP | gRPC p99 µs | HTTP p99 µs |",
             "|---|---|---|---|---|---|---|"]
    ratios = {}
    for model in models:
        for c in levels:
            def med(protocol, key):
                vals = [x[key] for x in rows if x["model"] == model and x["concurrency"] == c
                        and x["protocol"] == protocol and x[key] is not None]
                return statistics.median(vals) if vals else None
            g, h = med("grpc", "infer_per_sec"), med("http", "infer_per_sec")
            ratio = g / h if g and h else None
            ratios.setdefault(model, []).append(ratio)
            def num(v):
                return f"{v:.0f}" if v else "-"
            lines.append(f"| {model} | {c} | {num(g)} | {num(h)} | "
                         f"{f'{ratio:.2f}' if ratio else '-'} | {num(med('grpc', 'p99_us'))} | "
                         f"{num(med('http', 'p99_us'))} |")
    lines += ["", "| target | measured (worst point) | met |", "|---|---|---|"]
    if "add_sub" in ratios and all(ratios["add_sub"]):
        worst = min(ratios["add_sub"])
        lines.append(f"| add_sub: gRPC >= HTTP | {worst:.2f}x | {'yes' if worst >= 1 else 'no'} |")
    if "mlp" in ratios and all(ratios["mlp"]):
        worst = min(ratios["mlp"])
        lines.append(f"| mlp: gRPC within 5% of HTTP | {worst:.2f}x | "
                     f"{'yes' if worst >= 0.95 else 'no'} |")
    with open(md_path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
