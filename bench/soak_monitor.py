"""Samples a process's resident memory and open file descriptors for bench/soak.

Why this exists: "no leak" is a claim about a curve, so the soak needs the curve. Reads
/proc/<pid>/status (VmRSS) and counts /proc/<pid>/fd; no psutil needed."""
import os
import threading
import time


def rss_kib(pid):
    """Resident set size of 'pid' in KiB (VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS in /proc/{pid}/status")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class Monitor:
    """Background sampler: every 'interval' seconds appends (t, rss_kib, fds) to .samples,
    t in seconds since start()."""

    def __init__(self, pid, interval=1.0):
        self.pid, self.interval = pid, interval
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.t0 = None

    def start(self):
        self.t0 = time.time()
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            try:
                self.samples.append((time.time() - self.t0, rss_kib(self.pid), fd_count(self.pid)))
            except (OSError, RuntimeError):
                return  # the process is gone; the soak reports that itself
            self._stop.wait(self.interval)

    def stop(self):
        self._stop.set()
        self._thread.join(5)
        return self.samples


def rss_growth(samples, warmup_s):
    """(baseline KiB, final KiB, growth fraction): baseline = the median RSS of the first
    10% of samples after warm-up, final = the median of the last 10%. Medians, so one
    sample taken mid-allocation does not decide the verdict."""
    after = [rss for t, rss, _ in samples if t >= warmup_s]
    if len(after) < 4:
        raise ValueError(f"only {len(after)} RSS samples after a {warmup_s:.0f} s warm-up; "
                         f"run longer")
    k = max(2, len(after) // 10)

    def median(values):
        values = sorted(values)
        return values[len(values) // 2]
    base, final = median(after[:k]), median(after[-k:])
    return base, final, (final - base) / base
