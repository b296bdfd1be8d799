#!/usr/bin/env python3
"""Prints the batches a model's dynamic batcher formed between two statistics snapshots.

Why this exists: issue 6 compares torchd's throughput with in-process LibTorch "at the
batch size the batcher formed", so bench/run records, for every torchd point, which batch
sizes the server executed. It saves GET /v2/models/<model>/stats before and after the
point; this script subtracts the two `batch_stats` lists.

Usage: batch_stats.py BEFORE.json AFTER.json
Output (one line): <mean batch size>,<size>:<executions> <size>:<executions> ...
(",": nothing executed in between, or a snapshot is missing or unreadable).
"""

import json
import sys


def executions(path):
    """{batch size: compute_infer count} of the first model in a statistics response."""
    try:
        with open(path) as f:
            stats = json.load(f)["model_stats"][0]
    except (OSError, ValueError, KeyError, IndexError):
        return {}
    return {int(b["batch_size"]): int(b["compute_infer"]["count"])
            for b in stats.get("batch_stats", [])}


def formed(before, after):
    """{batch size: executions} that happened between the two snapshots (sizes with 0 left out)."""
    delta = {size: count - before.get(size, 0) for size, count in after.items()}
    return {size: n for size, n in sorted(delta.items()) if n > 0}


def line(batches):
    runs = sum(batches.values())
    if runs == 0:
        return ","
    mean = sum(size * n for size, n in batches.items()) / runs
    return f"{mean:.2f}," + " ".join(f"{size}:{n}" for size, n in batches.items())


def main(argv) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    print(line(formed(executions(argv[0]), executions(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
