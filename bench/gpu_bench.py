#!/usr/bin/env python3
"""GPU benchmark (issue 12): torchd serving KIND_GPU models over HTTP (binary tensors) against
the limit — the same TorchScript file called in-process on the same GPU, at the batch sizes
torchd's dynamic batcher formed, with the host→device copy of the inputs and the
device→host copy of the outputs included (the work the server must do too).

Why it exists: it answers "how close to the GPU's own speed does the server get" on the
machine with the GPU, where bench/run (wrk, pinned CPU cores, the Python server) is not
available. Meant for the GPU machine: `bench/gpu_bench.py --torchd build-gpu/torchd --out DIR`
after scripts/gpu-test has built torchd there.

Models (made here with the local torch, seeded, random weights):
  resnet50_fp32  torchvision ResNet-50, INPUT__0 FP32 [3,224,224] -> OUTPUT__0 [1000]
  resnet50_fp16  the same in half precision
  bert_fp16      nn.TransformerEncoder, 12 layers, d=768, 12 heads, ff 3072, GELU, FP16,
                 src [128,768] (a batch of 128-token sequences) -> OUTPUT__0 [128,768]
  add_sub        x+y, x-y over FP32 [16], no batching: the per-request floor
The batched models use max_batch_size 32 and `dynamic_batching { }` (Triton's defaults:
no queue delay), one KIND_GPU instance. Memory: ResNet-50 FP32 with 1 instance, 4
instances, and 4 instances with ENABLE_WEIGHT_SHARING (GPU memory torchd's process holds,
from nvidia-smi).

The load generator runs in this machine's Python: processes × threads of `requests`
sessions, closed loop (each client sends its next request when the answer arrives); its
CPU limit is reported with the figures (the HTTP floor: add_sub at the same concurrency).
"""
import argparse
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------------------
# Models


def make_models(repo, kind):
    import torch
    import torchvision

    torch.manual_seed(0)

    def write(name, module, config):
        os.makedirs(os.path.join(repo, name, "1"), exist_ok=True)
        scripted = torch.jit.script(module.eval())
        scripted.save(os.path.join(repo, name, "1", "model.pt"))
        with open(os.path.join(repo, name, "config.pbtxt"), "w") as f:
            f.write(config)

    def batched(name, dtype, in_dims, out_dims, input_name="INPUT__0", extra=""):
        return (f'name: "{name}"\nplatform: "pytorch_libtorch"\nmax_batch_size: 32\n'
                f'input [ {{ name: "{input_name}" data_type: TYPE_{dtype} dims: {in_dims} }} ]\n'
                f'output [ {{ name: "OUTPUT__0" data_type: TYPE_{dtype} dims: {out_dims} }} ]\n'
                f'dynamic_batching {{ }}\n{extra}'
                f'instance_group [ {{ kind: {kind} count: 1 }} ]\n')

    resnet = torchvision.models.resnet50(weights=None)
    write("resnet50_fp32", resnet, batched("resnet50_fp32", "FP32", [3, 224, 224], [1000]))
    write("resnet50_fp16", resnet.half(),
          batched("resnet50_fp16", "FP16", [3, 224, 224], [1000]))
    layer = torch.nn.TransformerEncoderLayer(768, 12, 3072, activation="gelu",
                                             batch_first=True)
    encoder = torch.nn.TransformerEncoder(layer, 12, enable_nested_tensor=False).half()
    write("bert_fp16", encoder, batched("bert_fp16", "FP16", [128, 768], [128, 768],
                                              input_name="src"))

    class AddSub(torch.nn.Module):
        def forward(self, x: torch.Tensor, y: torch.Tensor):
            return x + y, x - y

    write("add_sub", AddSub(),
          'name: "add_sub"\nplatform: "pytorch_libtorch"\n'
          'input [ { name: "INPUT__0" data_type: TYPE_FP32 dims: [16] },'
          ' { name: "INPUT__1" data_type: TYPE_FP32 dims: [16] } ]\n'
          'output [ { name: "OUTPUT__0" data_type: TYPE_FP32 dims: [16] },'
          ' { name: "OUTPUT__1" data_type: TYPE_FP32 dims: [16] } ]\n'
          f'instance_group [ {{ kind: {kind} count: 1 }} ]\n')


MODELS = {
    # name: (inputs as (name, numpy dtype, KServe dtype, shape of one item), batched)
    "add_sub": ([("INPUT__0", np.float32, "FP32", [16]), ("INPUT__1", np.float32, "FP32", [16])],
                False),
    "resnet50_fp32": ([("INPUT__0", np.float32, "FP32", [3, 224, 224])], True),
    "resnet50_fp16": ([("INPUT__0", np.float16, "FP16", [3, 224, 224])], True),
    "bert_fp16": ([("src", np.float16, "FP16", [128, 768])], True),
}


def request_body(model):
    inputs, batched = MODELS[model]
    rng = np.random.default_rng(1)
    header = {"inputs": [], "parameters": {"binary_data_output": True}}
    blobs = []
    for name, np_type, kserve, shape in inputs:
        full = ([1] if batched else []) + shape
        data = rng.standard_normal(full).astype(np_type).tobytes()
        header["inputs"].append({"name": name, "datatype": kserve, "shape": full,
                                 "parameters": {"binary_data_size": len(data)}})
        blobs.append(data)
    text = json.dumps(header).encode()
    return text + b"".join(blobs), {"Inference-Header-Content-Length": str(len(text)),
                                    "Content-Type": "application/octet-stream"}


# ---------------------------------------------------------------------------------------
# torchd


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Torchd:
    def __init__(self, binary, repo, log_path):
        import requests
        self.port, self.metrics_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [binary, f"--model-repository={repo}", f"--http-port={self.port}",
             f"--metrics-port={self.metrics_port}", "--http-address=127.0.0.1",
             "--allow-grpc=false"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"torchd exited ({self.process.returncode}); see {log_path}")
            try:
                if requests.get(self.url + "/v2/health/ready", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise RuntimeError("torchd not ready in 180 s")

    def stats(self, model):
        import requests
        s = requests.get(f"{self.url}/v2/models/{model}/stats").json()["model_stats"][0]
        return s["inference_count"], s["execution_count"]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


# ---------------------------------------------------------------------------------------
# Load generator: processes × threads, closed loop


def _client_process(url, model, threads, seconds, start_at, queue):
    import requests
    body, headers = request_body(model)
    latencies, errors = [], [0]
    lock = threading.Lock()

    def loop():
        session = requests.Session()
        mine, bad = [], 0
        while time.time() < start_at:
            time.sleep(0.001)
        end = start_at + seconds
        while True:
            if time.time() >= end:
                break
            t0 = time.perf_counter()
            r = session.post(f"{url}/v2/models/{model}/infer", data=body, headers=headers)
            if r.status_code != 200:
                bad += 1
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put((latencies, errors[0], time.time()))


def load(url, model, concurrency, seconds):
    processes = min(concurrency, 8)
    per = [concurrency // processes + (1 if i < concurrency % processes else 0)
           for i in range(processes)]
    queue = multiprocessing.Queue()
    start_at = time.time() + 1.0
    procs = [multiprocessing.Process(target=_client_process,
                                     args=(url, model, n, seconds, start_at, queue))
             for n in per]
    for p in procs:
        p.start()
    latencies, errors, finished = [], 0, start_at
    for _ in procs:
        got, bad, done = queue.get()
        latencies.extend(got)
        errors += bad
        finished = max(finished, done)
    for p in procs:
        p.join()
    lat = np.array(latencies) * 1000
    # The last requests end after the window closes: divide by the time they really took.
    return {"requests": len(latencies), "rps": len(latencies) / (finished - start_at),
            "errors": errors,
            "p50_ms": float(np.percentile(lat, 50)), "p90_ms": float(np.percentile(lat, 90)),
            "p99_ms": float(np.percentile(lat, 99))}


# ---------------------------------------------------------------------------------------
# The limit: the same file in-process on the same GPU


def in_process_items_per_second(repo, model, batch, device, seconds=1.5):
    import torch
    inputs, batched = MODELS[model]
    module = torch.jit.load(os.path.join(repo, model, "1", "model.pt"), map_location=device)
    module.eval()
    host = [torch.from_numpy(np.random.default_rng(2).standard_normal(
        ([batch] if batched else []) + shape).astype(np_type)) for _, np_type, _, shape in inputs]
    with torch.inference_mode():
        def step():
            out = module(*[h.to(device) for h in host])
            outs = out if isinstance(out, tuple) else (out,)
            for o in outs:
                o.cpu()
        for _ in range(5):
            step()
        if device != "cpu":
            torch.cuda.synchronize()
        calls, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds or calls < 5:
            step()
            calls += 1
        elapsed = time.perf_counter() - t0
    return calls * (batch if batched else 1) / elapsed, elapsed / calls * 1e6


def gpu_memory_used_mib(pid):
    """GPU memory the process holds, from nvidia-smi (MiB); None where it cannot say."""
    try:
        out = subprocess.run(["nvidia-smi", "--query-compute-apps=pid,used_memory",
                              "--format=csv,noheader,nounits"], capture_output=True,
                             text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 2 and parts[0] == str(pid):
            return float(parts[1])
    return None


def memory_case(binary, root, log, instances, sharing):
    repo = os.path.join(root, f"mem_{instances}_{int(sharing)}")
    src = os.path.join(root, "models", "resnet50_fp32")
    dst = os.path.join(repo, "resnet50_fp32")
    shutil.copytree(src, dst)
    with open(os.path.join(dst, "config.pbtxt")) as f:
        config = f.read().replace("count: 1", f"count: {instances}")
    if sharing:
        config += 'parameters { key: "ENABLE_WEIGHT_SHARING" value: { string_value: "true" } }\n'
    with open(os.path.join(dst, "config.pbtxt"), "w") as f:
        f.write(config)
    server = Torchd(binary, repo, log)
    try:
        load(server.url, "resnet50_fp32", instances, 1.0)  # every instance runs once
        return gpu_memory_used_mib(server.process.pid)
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--torchd", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument("--kind", default="KIND_GPU",
                        help="KIND_CPU only to try the script on a machine without a GPU")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    root = tempfile.mkdtemp(prefix="torchd-gpu-bench-")
    repo = os.path.join(root, "models")
    log = os.path.join(args.out, "gpu-bench-torchd.log")
    t0 = time.time()
    make_models(repo, args.kind)
    print(f"gpu_bench: models made in {time.time() - t0:.1f} s", flush=True)

    results = []
    server = Torchd(args.torchd, repo, log)
    try:
        for model in args.models:
            load(server.url, model, 4, 1.0)  # warm-up: cuDNN autotuning, allocator
            for c in args.concurrency:
                before = server.stats(model)
                point = load(server.url, model, c, args.seconds)
                after = server.stats(model)
                executions = max(after[1] - before[1], 1)
                point.update(model=model, concurrency=c,
                             mean_batch=(after[0] - before[0]) / executions)
                results.append(point)
                print(f"gpu_bench: {model} c={c}: {point['rps']:.0f} req/s p50 "
                      f"{point['p50_ms']:.2f} ms batch {point['mean_batch']:.1f} "
                      f"errors {point['errors']}", flush=True)
    finally:
        server.stop()

    limits = {}
    for point in results:
        batch = max(1, int(round(point["mean_batch"])))
        key = (point["model"], batch)
        if key not in limits:
            limits[key] = in_process_items_per_second(
                repo, point["model"], batch, "cuda:0" if args.kind == "KIND_GPU" else "cpu")
        point["inprocess_items_per_s"], point["inprocess_us_per_call"] = limits[key]
        point["ratio"] = point["rps"] / point["inprocess_items_per_s"]

    memory = {}
    for instances, sharing in (() if args.skip_memory else ((1, False), (4, False), (4, True))):
        memory[f"{instances} instance(s){' + weight sharing' if sharing else ''}"] = \
            memory_case(args.torchd, root, log, instances, sharing)

    with open(os.path.join(args.out, "gpu-bench.json"), "w") as f:
        json.dump({"points": results, "memory_mib": memory}, f, indent=1)
    lines = ["| model | concurrency | torchd req/s | p50 ms | p90 ms | p99 ms | errors | "
             "mean batch formed | in-process items/s at that batch | torchd / in-process |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for p in results:
        lines.append(f"| {p['model']} | {p['concurrency']} | {p['rps']:,.0f} | {p['p50_ms']:.2f} | "
                     f"{p['p90_ms']:.2f} | {p['p99_ms']:.2f} | {p['errors']} | "
                     f"{p['mean_batch']:.1f} | {p['inprocess_items_per_s']:,.0f} | "
                     f"{p['ratio']:.2f}× |")
    lines += ["", "| ResNet-50 FP32, KIND_GPU | GPU memory of torchd's process (MiB) |", "|---|---|"]
    lines += [f"| {k} | {v if v is not None else 'n/a'} |" for k, v in memory.items()]
    with open(os.path.join(args.out, "gpu-bench.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
