"""torchd serving models on CUDA devices over HTTP (tests/models/cases_gpu.py): KIND_GPU
instances answer with their inputs placed on a GPU, KIND_MODEL models move their own
data, a batch that runs out of GPU memory fails alone, and the metrics port shows Triton's
nv_gpu_* gauges per device, and CUDA shared memory carries inputs and outputs in GPU memory
(handles made by torch in this process, which must not be torchd's). Where no CUDA device is visible (CI) every test is skipped
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
    return start_server(GPU_REPO, ["--model-control-mode=explicit", "--allow-client-shm=true"])


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


def test_cuda_shared_memory_inputs_and_outputs(gpu_server):
    import base64
    torch = pytest.importorskip("torch")
    load(gpu_server, "gpu_shared")  # OUTPUT__0 = INPUT__0 + 1 on KIND_GPU instances
    x = torch.tensor([41.0, 1.0, 2.0, 3.0], device="cuda:0")
    y = torch.zeros(4, device="cuda:0")
    torch.cuda.synchronize()

    def register(name, tensor):
        # (device, IPC handle of the allocation, its size, this storage's offset in it, ...)
        _, handle, size, offset = tensor.untyped_storage()._share_cuda_()[:4]
        r = gpu_server.post(f"/v2/cudasharedmemory/region/{name}/register",
                            json={"raw_handle": {"b64": base64.b64encode(handle).decode()},
                                  "device_id": 0, "byte_size": offset + size})
        assert r.status_code == 200, r.text
        return offset

    in_offset, out_offset = register("gpu_in", x), register("gpu_out", y)
    status = gpu_server.get("/v2/cudasharedmemory/status").json()
    assert sorted(s["name"] for s in status) == ["gpu_in", "gpu_out"], status
    assert all(s["device_id"] == 0 for s in status), status
    body = {"inputs": [{"name": "INPUT__0", "datatype": "FP32", "shape": [4],
                        "parameters": {"shared_memory_region": "gpu_in",
                                       "shared_memory_offset": in_offset,
                                       "shared_memory_byte_size": 16}}],
            "outputs": [{"name": "OUTPUT__0",
                         "parameters": {"shared_memory_region": "gpu_out",
                                        "shared_memory_offset": out_offset,
                                        "shared_memory_byte_size": 16}}]}
    r = gpu_server.post("/v2/models/gpu_shared/infer", json=body)
    assert r.status_code == 200, r.text
    out = r.json()["outputs"][0]
    assert out["name"] == "OUTPUT__0" and out["shape"] == [4] and "data" not in out, out
    torch.cuda.synchronize()
    assert y.cpu().tolist() == [42.0, 2.0, 3.0, 4.0]
    assert gpu_server.post("/v2/cudasharedmemory/unregister").status_code == 200
    assert gpu_server.get("/v2/cudasharedmemory/status").json() == []
