#!/usr/bin/env python3
"""Response cache benchmark: a repeated request answered from torchd's response cache
against the same request computed by the model, in one run, on one server.

Why this exists: the cache is only worth enabling where a hit is much cheaper than the
model, and a miss (hashing every input byte, storing the result) costs little. This
measures both on the bench models:

  computed  model <m>                      (no response_cache): every request runs the model
  hit       model <m>_cached               (response_cache enabled): after the first
            request every request is a hit
  miss      model <m>_cached on a second torchd whose cache (1 byte) can keep nothing:
            every request is looked up, runs the model and fails to be stored, so
            computed → miss is the cache's overhead on a miss

Each point is wrk posting the same binary request (bench/wrk/make_bodies.py) for
--seconds at a concurrency; the series take turns at each point, --repeats times, and the
median-throughput repeat is kept (as bench/run does: the VM has slow spells). The server
runs pinned to the upper half of the cores, wrk to the lower half.

Writes bench/results/<date>-response-cache.csv and .md (date, machine, settings, the
table and the ratios hit/computed and miss/computed). Logs and generated files go to
bench/results/raw/ (git-ignored).

Usage: .venv/bin/python bench/response_cache.py [--models add_sub,mlp,resnet18] [--seconds 3]
           [--repeats 3] [--concurrency 1,8] [--build-dir build] [--out bench/results]
"""

import argparse
import csv
import datetime
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from models import MODELS, config_text  # noqa: E402

SERIES = ("computed", "hit", "miss")
TICKS = os.sysconf("SC_CLK_TCK")
FIELDS = ["model", "series", "concurrency", "repeat", "requests", "seconds", "rps",
          "p50_us", "p90_us", "p99_us", "errors", "server_cpu_us_per_request"]
WRK_FIELDS = FIELDS[4:11]


def cached_config(name: str) -> str:
    """The bench config of `name` served as `<name>_cached` with the response cache on."""
    text = config_text(name).replace(f'name: "{name}"', f'name: "{name}_cached"', 1)
    return text + "response_cache { enable: true }\n"


def write_repository(repo: str, models_repo: str, names) -> None:
    """<repo>/<m> and <repo>/<m>_cached for each model, both linking the generated file."""
    if os.path.isdir(repo):
        shutil.rmtree(repo)
    for name in names:
        source_name = MODELS[name].get("same_file_as", name)
        source = os.path.abspath(os.path.join(models_repo, source_name, "1", "model.pt"))
        for served, text in ((name, config_text(name)), (name + "_cached", cached_config(name))):
            os.makedirs(os.path.join(repo, served, "1"))
            with open(os.path.join(repo, served, "config.pbtxt"), "w") as f:
                f.write(text)
            os.symlink(source, os.path.join(repo, served, "1", "model.pt"))


def pick(rows):
    """The median-throughput row of the repeats of one point (bench/run's rule)."""
    ordered = sorted(rows, key=lambda r: float(r["rps"]))
    return ordered[(len(ordered) - 1) // 2]


def summarize(rows):
    """{(model, concurrency): {series: kept row}} from all measured rows."""
    points = {}
    for r in rows:
        points.setdefault((r["model"], int(r["concurrency"])), {}).setdefault(
            r["series"], []).append(r)
    return {key: {s: pick(v) for s, v in by_series.items()} for key, by_series in points.items()}


def cpu_medians(rows):
    """{(model, concurrency): {series: median server CPU µs per request over repeats}}."""
    values = {}
    for r in rows:
        if r.get("server_cpu_us_per_request") not in (None, ""):
            values.setdefault((r["model"], int(r["concurrency"])), {}).setdefault(
                r["series"], []).append(float(r["server_cpu_us_per_request"]))
    return {k: {s: statistics.median(v) for s, v in by.items()} for k, by in values.items()}


def ratio(a, b):
    return float(a) / float(b) if float(b) else float("nan")


def report(rows, settings) -> str:
    """The Markdown report: settings, one line per model and concurrency, ratios."""
    lines = [f"# Response cache — {settings['date']}", "",
             f"- machine: {settings['machine']}", f"- torchd: {settings['commit']}",
             f"- settings: {settings['settings']}", f"- load average at start: {settings['load']}",
             "", "A repeated batch-1 binary request (the same bytes every time) to each model: "
             "**computed** by the model (no `response_cache`), answered from the cache "
             "(**hit**), and looked up but not storable (**miss**: a 1-byte cache; the "
             "model runs, plus hashing and encoding). Median-throughput repeat of "
             f"{settings['repeats']}; latency p50/p99 in ms.", "",
             "| model | c | computed req/s | hit req/s | miss req/s | computed p50 / p99 | "
             "hit p50 / p99 | miss p50 / p99 | hit ÷ computed (req/s) | computed ÷ hit (p50) | "
             "miss ÷ computed (req/s) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for (model, c), kept in sorted(summarize(rows).items()):
        cells = []
        for s in SERIES:
            cells.append(f"{float(kept[s]['rps']):.1f}" if s in kept else "—")
        for s in SERIES:
            cells.append(f"{int(kept[s]['p50_us']) / 1000:.2f} / {int(kept[s]['p99_us']) / 1000:.2f}"
                         if s in kept else "—")
        comp, hit, miss = (kept.get(s) for s in SERIES)
        cells.append(f"{ratio(hit['rps'], comp['rps']):.1f}×" if comp and hit else "—")
        cells.append(f"{ratio(comp['p50_us'], hit['p50_us']):.1f}×" if comp and hit else "—")
        cells.append(f"{ratio(miss['rps'], comp['rps']):.2f}×" if comp and miss else "—")
        lines.append(f"| {model} | {c} | " + " | ".join(cells) + " |")
    lines += ["", "Server CPU time per request (µs; the torchd process's user + system time "
              "over the point ÷ requests), which other load on the machine disturbs much less "
              "than throughput — the medians of all repeats:", "",
              "| model | c | computed | hit | miss | hit ÷ computed | miss ÷ computed |",
              "|---|---|---|---|---|---|---|"]
    for (model, c), cpu in sorted(cpu_medians(rows).items()):
        comp, hit, miss = (cpu.get(s) for s in SERIES)
        fmt = lambda v: f"{v:.0f}" if v is not None else "—"  # noqa: E731
        lines.append(f"| {model} | {c} | {fmt(comp)} | {fmt(hit)} | {fmt(miss)} | "
                     + (f"{hit / comp:.3f}" if comp and hit is not None else "—") + " | "
                     + (f"{miss / comp:.2f}" if comp and miss is not None else "—") + " |")
    errors = sum(int(r["errors"]) for r in rows)
    lines += ["", f"Errors over all points: {errors}."]
    times = settings.get("model_times", {})
    if times:
        lines += ["", "Where a computed request's time goes, from torchd's statistics of the "
                  "computed models over the whole run (mean per request, ms; queue includes "
                  "a batching model's `max_queue_delay_microseconds`, which hits skip too):", "",
                  "| model | queue | compute_input | compute_infer | compute_output |",
                  "|---|---|---|---|---|"]
        for model, t in sorted(times.items()):
            lines.append(f"| {model} | " + " | ".join(
                f"{t[k]:.3f}" for k in ("queue", "compute_input", "compute_infer",
                                        "compute_output")) + " |")
    lines += [""] + [f"- {n}" for n in settings.get("notes", [])]
    return "\n".join(lines) + "\n"


# ---- running ---------------------------------------------------------------------------

def cores():
    count = os.cpu_count() or 1
    if count < 2:
        return "0", "0", 1
    half = count // 2
    return f"0-{half - 1}", f"{half}-{count - 1}", half


def wait_ready(port, process, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench/response_cache.py: torchd exited ({process.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/health/ready", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("bench/response_cache.py: torchd not ready")


def start_torchd(binary, repo, port, cache_bytes, server_cores, log_path):
    cmd = ["taskset", "-c", server_cores, binary, f"--model-repository={repo}",
           f"--http-port={port}", f"--metrics-port={port + 1}", "--http-address=127.0.0.1",
           f"--cache-config=local,size={cache_bytes}"]
    log = open(log_path, "wb")
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    wait_ready(port, process)
    return process, log


def model_times(port, model):
    """Mean ms per request of queue and compute phases from torchd's statistics."""
    import json
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/models/{model}/stats", timeout=10) as r:
        stats = json.load(r)["model_stats"][0]["inference_stats"]
    return {k: stats[k]["ns"] / max(stats[k]["count"], 1) / 1e6
            for k in ("queue", "compute_input", "compute_infer", "compute_output")}


def run_wrk(port, model, body_model, bodies, connections, seconds, load_cores, load_count):
    threads = min(connections, load_count)
    env = dict(os.environ, BENCH_BODY=os.path.join(bodies, body_model), BENCH_MODEL=model)
    out = subprocess.run(
        ["taskset", "-c", load_cores, "wrk", f"-t{threads}", f"-c{connections}",
         f"-d{seconds}s", "--timeout", "30s", "-s",
         os.path.join(HERE, "wrk", "kserve_binary.lua"), f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True, check=True).stdout
    line = [x for x in out.splitlines() if x.startswith("BENCH_RESULT")][-1].split(",")
    return dict(zip(WRK_FIELDS, line[1:]))


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks (/proc/<pid>/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="add_sub,mlp,resnet18")
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    parser.add_argument("--port", type=int, default=18600)
    parser.add_argument("--cache-bytes", type=int, default=256 << 20)
    parser.add_argument("--note", action="append", default=[])
    args = parser.parse_args(argv)
    names = args.models.split(",")
    levels = [int(c) for c in args.concurrency.split(",")]
    date = datetime.datetime.utcnow().strftime("%Y-%m-%d")
    raw = os.path.join(HERE, "results", "raw", "response_cache")
    os.makedirs(raw, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    python = sys.executable
    models_repo = os.path.join(HERE, "results", "raw", "models")
    subprocess.run([python, os.path.join(HERE, "models.py"), "--out", models_repo, "--only",
                    ",".join(sorted({MODELS[n].get("same_file_as", n) for n in names} | set(names)))],
                   check=True)
    bodies = os.path.join(raw, "bodies")
    subprocess.run([python, os.path.join(HERE, "wrk", "make_bodies.py"), "--out", bodies],
                   check=True, stdout=subprocess.DEVNULL)
    repo = os.path.join(raw, "repo")
    write_repository(repo, models_repo, names)

    load_cores, server_cores, load_count = cores()
    binary = os.path.join(args.build_dir, "torchd")
    load = open("/proc/loadavg").read().split()[:3]
    main_server, main_log = start_torchd(binary, repo, args.port, args.cache_bytes, server_cores,
                                         os.path.join(raw, "torchd.log"))
    miss_server, miss_log = start_torchd(binary, repo, args.port + 10, 1, server_cores,
                                         os.path.join(raw, "torchd-miss.log"))
    ports = {"computed": args.port, "hit": args.port, "miss": args.port + 10}
    # taskset execs torchd, so the child's pid is torchd's.
    pids = {"computed": main_server.pid, "hit": main_server.pid, "miss": miss_server.pid}
    rows = []
    try:
        for name in names:
            seconds = max(args.seconds, MODELS[name].get("min_point_seconds", 0) // 2)
            for series in SERIES:  # warm-up (JIT profiling runs; the hit series' first miss)
                run_wrk(ports[series], name if series == "computed" else name + "_cached", name,
                        bodies, 1, 1, load_cores, load_count)
            for c in levels:
                for repeat in range(args.repeats):
                    for series in SERIES:
                        model = name if series == "computed" else name + "_cached"
                        pid = pids[series]
                        before = cpu_ticks(pid)
                        result = run_wrk(ports[series], model, name, bodies, c, seconds,
                                         load_cores, load_count)
                        ticks = cpu_ticks(pid) - before
                        result["server_cpu_us_per_request"] = (
                            f"{ticks * 1e6 / TICKS / max(int(result['requests']), 1):.1f}")
                        row = {"model": name, "series": series, "concurrency": c,
                               "repeat": repeat, **result}
                        rows.append(row)
                        print(f"response_cache: {name} c={c} {series}: {float(row['rps']):.1f} "
                              f"req/s, p50 {int(row['p50_us']) / 1000:.2f} ms", flush=True)
        times = {name: model_times(args.port, name) for name in names}
    finally:
        for process, log in ((main_server, main_log), (miss_server, miss_log)):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
            log.close()

    csv_path = os.path.join(args.out, f"{date}-response-cache.csv")
    with open(csv_path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    settings = {
        "date": date, "commit": commit or "unknown", "load": " ".join(load),
        "machine": f"{platform.node()}, {cpu}, {os.cpu_count()} cores, {platform.platform()}",
        "settings": (f"models {args.models}, concurrency {args.concurrency}, "
                     f"{args.seconds} s per point (ResNet-18 longer), {args.repeats} repeats, "
                     f"cache {args.cache_bytes} bytes; torchd on cores {server_cores}, "
                     f"wrk on cores {load_cores}"),
        "repeats": args.repeats, "notes": args.note, "model_times": times,
    }
    md_path = os.path.join(args.out, f"{date}-response-cache.md")
    with open(md_path, "w") as f:
        f.write(report(rows, settings))
    print(f"response_cache: wrote {csv_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
