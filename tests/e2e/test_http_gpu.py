"""torchd serving models on CUDA devices over HTTP (tests/models/cases_gpu.py): KIND_GPU
instances answer with their inputs placed on a GPU, KIND_MODEL models move their own
data, a batch that runs out of GPU memory fails alone, and the metrics port shows Triton's
nv_gpu_* gauges per device. Where no CUDA device is visible (CI) every test is skipped
with a "no CUDA device" reason; the suite runs on the GPU machine (scripts/gpu-test)."""
import ctypes
import os

import numpy as np
import pytest

from binary import binary_body, split_response
from conftest import TORCHD_MODELS

GPU_REPO = os.path.join(TORCHD_MODELS, "pytorch_gpu")


def cuda_device_count():
    """Devices the CUDA driver reports, without importing torch (0 without a driver)."""
    try:
        driver = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return 0
    count = ctypes.c_int(0)
    if driver.cuInit(0) != 0 or driver.cuDeviceGetCount(ctypes.byref(count)) != 0:
        return 0
    return count.value


DEVICES = cuda_device_count()
pytestmark = [
    pytest.mark.skipif(DEVICES == 0, reason="no CUDA device visible: GPU tests skipped"),
    pytest.mark.skipif(not os.path.isdir(GPU_REPO), reason=f"GPU models missing at {GPU_REPO}"),
]


@pytest.fixture(scope="module")
def gpu_server(start_server):
    return start_server(GPU_REPO, ["--model-control-mode=explicit"])


def load(server, model):
    r = server.post(f"/v2/repository/models/{model}/load")
    assert r.status_code == 200, r.text


def infer_fp32(server, model, array):
    header = {"inputs": [{"name": "INPUT__0", "datatype": "FP32", "shape": list(array.shape),
                          "parameters": {"binary_data_size": array.nbytes}}],
              "parameters": {"binary_data_output": True}}
    body, headers = binary_body(header, [array.astype(np.float32).tobytes()])
    return server.post(f"/v2/models/{model}/infer", data=body, headers=headers)


def test_kind_gpu_answers_from_a_gpu(gpu_server):
    load(gpu_server, "gpu_where")
    x = np.array([[1, 2], [3, 4]], dtype=np.float32)
    for _ in range(4 * DEVICES):
        r = infer_fp32(gpu_server, "gpu_where", x)
        assert r.status_code == 200, r.text
        header, blobs = split_response(r)
        plus = np.frombuffer(blobs["OUTPUT__0"], dtype=np.float32).reshape(2, 2)
        where = np.frombuffer(blobs["OUTPUT__1"], dtype=np.int64)
        assert (plus == x + 1).all()
        assert ((where >= 0) & (where < DEVICES)).all(), where
    config = gpu_server.get("/v2/models/gpu_where/config").json()
    assert config["instance_group"][0]["kind"] == "KIND_GPU"
    assert config["instance_group"][0]["gpus"] == list(range(DEVICES))


def test_kind_model_moves_its_own_data(gpu_server):
    load(gpu_server, "model_places_itself")
    r = infer_fp32(gpu_server, "model_places_itself", np.array([1, 2, 3], dtype=np.float32))
    assert r.status_code == 200, r.text
    _, blobs = split_response(r)
    assert np.frombuffer(blobs["OUTPUT__0"], dtype=np.float32).tolist() == [2, 4, 6]


def test_out_of_memory_fails_that_request_only(gpu_server):
    load(gpu_server, "gpu_out_of_memory")
    r = infer_fp32(gpu_server, "gpu_out_of_memory", np.array([1], dtype=np.float32))
    assert r.status_code in (400, 500), r.text
    assert "out of memory" in r.json()["error"], r.text
    r = infer_fp32(gpu_server, "gpu_out_of_memory", np.array([-5], dtype=np.float32))
    assert r.status_code == 200, r.text
    assert gpu_server.get("/v2/health/ready").status_code == 200


def test_gpu_metrics_per_device(gpu_server):
    text = gpu_server.session.get(gpu_server.metrics_url).text
    for family in ("nv_gpu_utilization", "nv_gpu_memory_total_bytes", "nv_gpu_memory_used_bytes",
                   "nv_gpu_power_usage", "nv_gpu_power_limit", "nv_energy_consumption"):
        lines = [l for l in text.splitlines() if l.startswith(family + '{gpu_uuid="GPU-')]
        assert len(lines) == DEVICES, (family, text)
    used = [float(l.rsplit(" ", 1)[1]) for l in text.splitlines()
            if l.startswith("nv_gpu_memory_used_bytes{")]
    assert all(u > 0 for u in used), used  # the loaded models hold GPU memory
