#!/usr/bin/env python3
"""Turns one benchmark run's CSV files into plots (gnuplot PNG) and a Markdown report.

Why this exists: bench/run collects numbers; people read tables and plots. Keeping the
rendering here keeps the shell script about running things. Reads:
  --servers    CSV from the wrk sweeps: system,model,concurrency,requests,seconds,rps,
               p50_us,p90_us,p99_us,errors,cpu_us_per_request,rss_mb,mean_batch,batches,repeat
               (batches: "<size>:<executions> ..." the server's batcher formed; torchd only;
               several repeats of a point are reduced to the median-throughput one)
  --inprocess  CSV from inprocess_bench: system,model,batch,calls,median_us,p99_us,items_per_s
  --extras     CSV of torchd's memory / start-up / first-request measurements:
               measurement,model,setting,value,unit (optional; empty without torchd)
  --meta       JSON: {"date", "settings": {k: v}, "startup_s": {system: s}, "notes": [str]}
The machine description (CPU, cores, memory, OS, versions) is read here, from /proc and
the tools themselves.
Writes <results>/<prefix>-<model>.png per model and the report --out (Markdown), which links
the plots by file name (they sit beside it).

The in-process line in each plot is the limit a server could reach: LibTorch's throughput
at batch = concurrency (capped at the model's max_batch_size) for batching models, at
batch 1 for the others.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import MODELS  # noqa: E402

SYSTEM_TITLES = {"torchd": "torchd", "python": "Python (aiohttp + torch.jit)",
                 "inprocess": "in-process LibTorch (limit)"}


def read_csv(path):
    if not path or not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f))


def inprocess_limit(inprocess_rows, model, concurrency):
    """(batch, row) of in-process results that bound a server at this concurrency, or None."""
    by_batch = {int(r["batch"]): r for r in inprocess_rows if r["model"] == model}
    if not by_batch:
        return None
    max_batch = MODELS[model]["max_batch_size"]
    wanted = min(concurrency, max_batch) if max_batch > 0 else 1
    candidates = [b for b in by_batch if b <= wanted]
    batch = max(candidates) if candidates else min(by_batch)
    return batch, by_batch[batch]


def median_repeats(rows):
    """One row per (system, model, concurrency): the repeat with the median throughput
    (bench/run measures each point BENCH_REPEATS times). Adds "repeats_rps" — every
    repeat's req/s, for the spread. Rows without a "repeat" column pass through."""
    groups = defaultdict(list)
    for r in rows:
        groups[(r["system"], r["model"], r["concurrency"])].append(r)
    kept = []
    for group in groups.values():
        ordered = sorted(group, key=lambda r: float(r["rps"]))
        median = dict(ordered[(len(ordered) - 1) // 2])
        median["repeats_rps"] = " / ".join(fmt(r["rps"]) for r in group)
        kept.append(median)
    return kept


def parse_batches(text):
    """{batch size: executions} from the servers CSV's `batches` column ("1:30 16:2")."""
    batches = {}
    for item in (text or "").split():
        size, _, count = item.partition(":")
        batches[int(size)] = int(count)
    return batches


def inprocess_call_us(inprocess_rows, model, batch):
    """Median µs of one in-process forward at `batch`: measured, or interpolated linearly
    between the nearest measured sizes (proportionally beyond the largest). None if the
    model was not measured."""
    points = sorted((int(r["batch"]), float(r["median_us"]))
                    for r in inprocess_rows if r["model"] == model)
    if not points:
        return None
    for (b0, t0), (b1, t1) in zip(points, points[1:]):
        if b0 <= batch <= b1:
            return t0 + (t1 - t0) * (batch - b0) / (b1 - b0)
    if batch < points[0][0]:
        return points[0][1]
    return points[-1][1] * batch / points[-1][0]


def limit_at_formed_batches(inprocess_rows, model, batches):
    """Items/s in-process LibTorch reaches running exactly `batches` ({size: executions})
    back to back — the limit for a server that formed those batches — or None."""
    items = sum(size * n for size, n in batches.items())
    seconds = 0.0
    for size, n in batches.items():
        call_us = inprocess_call_us(inprocess_rows, model, size)
        if call_us is None:
            return None
        seconds += n * call_us / 1e6
    return items / seconds if items and seconds > 0 else None


def plot(model, server_rows, inprocess_rows, work_dir, png_path):
    """Draws throughput and latency against concurrency for one model; returns png_path or
    None when gnuplot is missing or there is nothing to draw."""
    by_system = defaultdict(list)
    for r in server_rows:
        if r["model"] == model and int(r["requests"]) > 0:  # no answer: nothing to draw
            by_system[r["system"]].append(r)
    concurrencies = sorted({int(r["concurrency"]) for rows in by_system.values() for r in rows})
    if not concurrencies:
        return None
    series = []  # (title, data file, columns: concurrency rps p50_ms p99_ms)
    for system, rows in sorted(by_system.items()):
        path = os.path.join(work_dir, f"{model}-{system}.dat")
        with open(path, "w") as f:
            for r in sorted(rows, key=lambda r: int(r["concurrency"])):
                f.write(f'{r["concurrency"]} {r["rps"]} {float(r["p50_us"]) / 1000} '
                        f'{float(r["p99_us"]) / 1000}\n')
        series.append((SYSTEM_TITLES.get(system, system), path))
    limit_path = None
    if any(r["model"] == model for r in inprocess_rows):
        limit_path = os.path.join(work_dir, f"{model}-inprocess.dat")
        with open(limit_path, "w") as f:
            for c in concurrencies:
                batch, row = inprocess_limit(inprocess_rows, model, c)
                f.write(f'{c} {row["items_per_s"]} {float(row["median_us"]) / 1000} '
                        f'{float(row["p99_us"]) / 1000} {batch}\n')

    throughput = [f"'{p}' using 1:2 with linespoints lw 2 title '{t}'" for t, p in series]
    latency = []
    for i, (t, p) in enumerate(series, start=1):
        latency.append(f"'{p}' using 1:3 with linespoints lw 2 lc {i} title '{t} p50'")
        latency.append(f"'{p}' using 1:4 with linespoints lw 1 dt 2 lc {i} title '{t} p99'")
    if limit_path:
        at = "batch = concurrency" if MODELS[model]["max_batch_size"] > 0 else "batch 1"
        throughput.append(f"'{limit_path}' using 1:2 with lines lw 2 dt 3 lc rgb 'black' "
                          f"title '{SYSTEM_TITLES['inprocess']}, {at}'")
        latency.append(f"'{limit_path}' using 1:3 with lines lw 2 dt 3 lc rgb 'black' "
                       f"title 'in-process forward median, {at}'")
    script = f"""
set terminal pngcairo noenhanced size 1400,520 font ',10'
set output '{png_path}'
set multiplot layout 1,2 title '{model}: KServe v2 binary over HTTP, wrk, 1 request = 1 item'
set logscale x 2
set xlabel 'concurrent connections'
set grid
set key top left
set ylabel 'throughput (requests/s, log)'
set logscale y 10
plot {", ".join(throughput)}
set ylabel 'latency (ms, log)'
plot {", ".join(latency)}
unset multiplot
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True, capture_output=True)
    except FileNotFoundError:
        return None
    except subprocess.CalledProcessError as e:
        raise SystemExit(f"report.py: gnuplot failed for {model}: {e.stderr}")
    return png_path


def command_output(argv):
    """First line of argv's output, or "unknown" when it cannot run."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return ((done.stdout or done.stderr).strip().splitlines() or ["unknown"])[0]
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def machine_description():
    """{label: value} describing the machine and the software versions of this run."""
    cpu, memory, os_name = "unknown", "unknown", "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    import torch
    blas_link = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"
    blas = os.path.realpath(blas_link) if os.path.exists(blas_link) else "unknown"
    return {"CPU": cpu, "cores": f"{os.cpu_count()} online, {len(os.sched_getaffinity(0))} "
                                 "usable by this run",
            "memory": memory, "OS": f"{os_name}, Linux {os.uname().release}",
            "torch / LibTorch": torch.__version__,
            "BLAS (Debian alternative)": blas,
            "wrk": command_output(["wrk", "-v"]),
            "gcc": command_output(["gcc", "--version"])}


def fmt(value, digits=0):
    return f"{float(value):,.{digits}f}"


def extras_table(extras_rows):
    """Markdown table: one row per configuration, one column per measurement."""
    if not extras_rows:
        return []
    settings, measurements, cells = [], [], {}
    for r in extras_rows:
        key = (r["model"], r["setting"])
        if key not in settings:
            settings.append(key)
        column = f'{r["measurement"]} ({r["unit"]})'
        if column not in measurements:
            measurements.append(column)
        cells[key, column] = r["value"]
    out = ["## torchd: start-up, memory and first request", "",
           "| model | configuration | " + " | ".join(measurements) + " |",
           "|---|---|" + "---|" * len(measurements)]
    for key in settings:
        out.append(f"| {key[0]} | {key[1]} | "
                   + " | ".join(cells.get((key, c), "—") for c in measurements) + " |")
    return out + [""]


def before_after(before_rows, server_rows):
    """Table of torchd's throughput and p50 per point, in an earlier run (--before) and
    in this one, for the points both measured."""
    before = {(r["model"], r["concurrency"]): r for r in before_rows if r["system"] == "torchd"}
    lines = []
    for r in sorted((r for r in server_rows if r["system"] == "torchd"),
                    key=lambda r: (list(MODELS).index(r["model"]) if r["model"] in MODELS
                                   else 99, int(r["concurrency"]))):
        b = before.get((r["model"], r["concurrency"]))
        # Points with a handful of answers (a ResNet batch outlasting the window) say
        # nothing about a change.
        if not b or int(b["requests"]) < 20 or int(r["requests"]) < 20:
            continue
        lines.append(f"| {r['model']} | {r['concurrency']} | {fmt(b['rps'])} | {fmt(r['rps'])} | "
                     f"{float(r['rps']) / float(b['rps']):.2f}× | "
                     f"{fmt(float(b['p50_us']) / 1000, 2)} | {fmt(float(r['p50_us']) / 1000, 2)} |")
    if not lines:
        return []
    return ["## torchd before and after this run's changes", "",
            "| model | concurrency | req/s before | req/s now | now / before | p50 ms before "
            "| p50 ms now |", "|---|---|---|---|---|---|---|"] + lines + [""]


def floor_table(floor_rows):
    """The HTTP round trip without inference, per system: the floor under the latencies."""
    if not floor_rows:
        return []
    out = ["## HTTP floor: GET /v2/health/ready (no inference)", "",
           "The same load generator and pinning, no model: what the network stack and this "
           "machine cost per request before any inference work.", "",
           "| system | concurrency | requests/s | p50 µs | p90 µs | p99 µs |",
           "|---|---|---|---|---|---|"]
    for r in floor_rows:
        if not r.get("rps"):
            continue
        out.append(f"| {SYSTEM_TITLES.get(r['system'], r['system'])} | {r['concurrency']} | "
                   f"{fmt(r['rps'])} | {r['p50_us']} | {r['p90_us']} | {r['p99_us']} |")
    return out + [""]


def markdown(meta, server_rows, inprocess_rows, plots, extras_rows=(), before_rows=(),
             floor_rows=()):
    out = [f"# Benchmark results, {meta['date']}", ""]
    out += ["Made by `bench/run`. Each point runs wrk for "
            f"{meta['settings'].get('seconds per point', '?')} s; requests are KServe v2 "
            "binary-tensor bodies (`Inference-Header-Content-Length`), batch 1 per request; "
            "all outputs are returned as binary.", ""]
    out += ["## Machine", ""]
    out += [f"- **{k}**: {v}" for k, v in machine_description().items()] + [""]
    out += ["## Settings", ""] + [f"- **{k}**: {v}" for k, v in meta["settings"].items()] + [""]
    if meta.get("notes"):
        out += ["## Notes", ""] + [f"- {n}" for n in meta["notes"]] + [""]
    if meta.get("startup_s"):
        out += ["## Time from start to ready", "", "| system | seconds |", "|---|---|"]
        out += [f"| {SYSTEM_TITLES.get(s, s)} | {v:.2f} |" for s, v in meta["startup_s"].items()]
        out += [""]
    out += targets(server_rows, inprocess_rows, extras_rows)
    section = before_after(before_rows, server_rows) if before_rows else []
    if section and meta.get("before"):
        section[2:2] = [f"Before: {meta['before']}", ""]
    out += section
    out += floor_table(floor_rows)
    out += extras_table(extras_rows)

    for model in MODELS:
        rows = [r for r in server_rows if r["model"] == model]
        inproc = [r for r in inprocess_rows if r["model"] == model]
        if not rows and not inproc:
            continue
        out += [f"## {model}", ""]
        if model in plots:
            out += [f"![{model}]({os.path.basename(plots[model])})", ""]
        no_answer = False
        if rows:
            out += ["| system | concurrency | requests/s | p50 ms | p90 ms | p99 ms | errors "
                    "| server CPU µs/request | server RSS MiB | mean batch formed "
                    "| in-process req/s at those batches | req/s of each repeat |",
                    "|---|---|---|---|---|---|---|---|---|---|---|---|"]
            for r in sorted(rows, key=lambda r: (r["system"], int(r["concurrency"]))):
                if int(r["requests"]) == 0:
                    out.append(f"| {SYSTEM_TITLES.get(r['system'], r['system'])} | "
                               f"{r['concurrency']} | 0 | — | — | — | {r['errors']} | — | "
                               f"{fmt(r['rss_mb'])} | — | — | {r.get('repeats_rps', '')} |")
                    no_answer = True
                    continue
                out.append(f"| {SYSTEM_TITLES.get(r['system'], r['system'])} | "
                           f"{r['concurrency']} | {fmt(r['rps'])} | "
                           f"{fmt(float(r['p50_us']) / 1000, 2)} | "
                           f"{fmt(float(r['p90_us']) / 1000, 2)} | "
                           f"{fmt(float(r['p99_us']) / 1000, 2)} | {r['errors']} | "
                           f"{fmt(r['cpu_us_per_request'])} | {fmt(r['rss_mb'])} | "
                           f"{formed_columns(r, inproc, model)} | {r.get('repeats_rps', '')} |")
            out.append("")
            if no_answer:
                out += ["Rows with 0 requests: no response arrived within the point's duration "
                        "(the queue was longer than BENCH_SECONDS); run longer to measure them.",
                        ""]
        if inproc:
            out += ["In-process LibTorch forward (the limit):", "",
                    "| batch | calls | median µs | p99 µs | items/s |", "|---|---|---|---|---|"]
            for r in sorted(inproc, key=lambda r: int(r["batch"])):
                out.append(f"| {r['batch']} | {r['calls']} | {fmt(r['median_us'], 1)} | "
                           f"{fmt(r['p99_us'], 1)} | {fmt(r['items_per_s'])} |")
            out.append("")
    return "\n".join(out) + "\n"


def formed_columns(row, inprocess_rows, model):
    """"mean batch | in-process req/s at those batches" cells of a server row ("—" when the
    server did not report batches: the Python server, or a model without batching)."""
    formed = parse_batches(row.get("batches"))
    if not formed or MODELS[model]["max_batch_size"] == 0:
        return "— | —"
    limit = limit_at_formed_batches(inprocess_rows, model, formed)
    return f"{float(row['mean_batch']):.1f} | {fmt(limit) if limit else '—'}"


def targets(server_rows, inprocess_rows, extras_rows=()):
    """The issue's target ratios, where this run has the numbers for them."""
    def point(system, model, c):
        for r in server_rows:
            if (r["system"], r["model"], int(r["concurrency"])) == (system, model, c):
                return r
        return None

    lines = ["## Targets (issue 6)", "", "| target | measured | met |", "|---|---|---|"]
    torchd1, limit1 = point("torchd", "add_sub", 1), inprocess_limit(inprocess_rows, "add_sub", 1)
    if torchd1 and limit1:
        extra = float(torchd1["p50_us"]) - float(limit1[1]["median_us"])
        lines.append(f"| add_sub, c=1: torchd p50 ≤ in-process + 60 µs | +{extra:.0f} µs | "
                     f"{'yes' if extra <= 60 else 'no'} |")
    else:
        lines.append("| add_sub, c=1: torchd p50 ≤ in-process + 60 µs | not measured | — |")
    torchd16, python16 = point("torchd", "add_sub", 16), point("python", "add_sub", 16)
    if torchd16 and python16 and float(python16["rps"]) > 0:
        ratio = float(torchd16["rps"]) / float(python16["rps"])
        lines.append(f"| add_sub, c=16: torchd ≥ 8× Python throughput | {ratio:.1f}× | "
                     f"{'yes' if ratio >= 8 else 'no'} |")
    else:
        lines.append("| add_sub, c=16: torchd ≥ 8× Python throughput | not measured | — |")
    for model in [m for m in MODELS if MODELS[m]["max_batch_size"] > 0]:
        r, limit = point("torchd", model, 16), inprocess_limit(inprocess_rows, model, 16)
        label = f"{model}, c=16: torchd ≥ 0.9× in-process at the batch formed"
        formed = parse_batches(r.get("batches")) if r else {}
        formed_limit = limit_at_formed_batches(inprocess_rows, model, formed) if formed else None
        if r and formed_limit:
            ratio = float(r["rps"]) / formed_limit
            lines.append(f"| {label} (mean batch {float(r['mean_batch']):.1f}) | {ratio:.2f}× | "
                         f"{'yes' if ratio >= 0.9 else 'no'} |")
        elif r and limit:
            ratio = float(r["rps"]) / float(limit[1]["items_per_s"])
            lines.append(f"| {label} (assumed batch {limit[0]}) | {ratio:.2f}× | "
                         f"{'yes' if ratio >= 0.9 else 'no'} |")
        else:
            lines.append(f"| {label} | not measured | — |")
    rss = {r["setting"]: float(r["value"]) for r in extras_rows
           if r["measurement"] == "RSS when ready" and r["value"]}
    label = "8 instances with ENABLE_WEIGHT_SHARING ≤ 1.2× the memory of 1 instance"
    if "1 instance" in rss and "8 instances + weight sharing" in rss:
        ratio = rss["8 instances + weight sharing"] / rss["1 instance"]
        lines.append(f"| {label} | {ratio:.2f}× | {'yes' if ratio <= 1.2 else 'no'} |")
    else:
        lines.append(f"| {label} | not measured | — |")
    return lines + [""]


def main(argv) -> int:
    parser = argparse.ArgumentParser(description="Render a benchmark run's report.")
    parser.add_argument("--servers", required=True)
    parser.add_argument("--inprocess", required=True)
    parser.add_argument("--extras", help="torchd extras CSV (optional)")
    parser.add_argument("--meta", required=True)
    parser.add_argument("--floor", help="CSV of GET /v2/health/ready runs (optional)")
    parser.add_argument("--before", help="servers CSV of an earlier run to compare torchd with")
    parser.add_argument("--out", required=True, help="Markdown file to write")
    parser.add_argument("--prefix", required=True, help="plot file prefix (e.g. the date)")
    parser.add_argument("--work", required=True, help="folder for gnuplot data files")
    args = parser.parse_args(argv)

    with open(args.meta) as f:
        meta = json.load(f)
    server_rows, inprocess_rows = median_repeats(read_csv(args.servers)), read_csv(args.inprocess)
    os.makedirs(args.work, exist_ok=True)
    results_dir = os.path.dirname(os.path.abspath(args.out))
    plots = {}
    for model in MODELS:
        png = os.path.join(results_dir, f"{args.prefix}-{model}.png")
        if plot(model, server_rows, inprocess_rows, args.work, png):
            plots[model] = png
    with open(args.out, "w") as f:
        f.write(markdown(meta, server_rows, inprocess_rows, plots, read_csv(args.extras),
                         median_repeats(read_csv(args.before)), read_csv(args.floor)))
    print(f"report.py: wrote {args.out} and {len(plots)} plot(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
