"""torchd serving PyTorch 2 models over HTTP (tests/models/cases_pt2.py): an AOTInductor
package (platform torch_aoti) with dynamic batching, and runtime "model.py" models, each
compared with the TorchScript version of the same weights."""
import concurrent.futures
import os

import numpy as np
import pytest

from conftest import TORCHD_MODELS

PT2_REPO = os.path.join(TORCHD_MODELS, "pytorch2")

pytestmark = pytest.mark.skipif(not os.path.isdir(PT2_REPO),
                                reason=f"generated models missing at {PT2_REPO}")

ROWS = np.array([[1, 2, 3, 4], [-1, 0.5, 2, -3], [0, 0, 0, 0], [4, -4, 1, 1],
                 [0.25, 1, -2, 3], [9, 8, 7, 6]], dtype=np.float32)


@pytest.fixture(scope="module")
def pt2_server(start_server):
    return start_server(PT2_REPO, args=["--model-control-mode=explicit", "--load-model=aoti_linear",
                                        "--load-model=aoti_fixed", "--load-model=linear_ts",
                                        "--load-model=py_linear", "--load-model=py_raise"])


def infer(server, model, input_name, rows):
    body = {"inputs": [{"name": input_name, "shape": list(rows.shape), "datatype": "FP32",
                        "data": rows.flatten().tolist()}]}
    return server.infer(model, body)


def outputs(response):
    assert response.status_code == 200, response.text
    out = response.json()["outputs"][0]
    return np.array(out["data"], dtype=np.float32).reshape(out["shape"])


def reference(server, rows):
    return outputs(infer(server, "linear_ts", "INPUT__0", rows))


def test_aoti_metadata_and_answers(pt2_server):
    meta = pt2_server.get("/v2/models/aoti_linear").json()
    assert meta["platform"] == "torch_aoti"
    for n in (1, 3, 6):
        np.testing.assert_allclose(outputs(infer(pt2_server, "aoti_linear", "INPUT0", ROWS[:n])),
                                   reference(pt2_server, ROWS[:n]), rtol=1e-5, atol=1e-6)


def test_aoti_concurrent_requests_get_their_rows(pt2_server):
    expected = reference(pt2_server, ROWS)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda i: outputs(infer(pt2_server, "aoti_linear", "INPUT0",
                                                        ROWS[i:i + 1])), range(6)))
    for i, answer in enumerate(answers):
        np.testing.assert_allclose(answer[0], expected[i], rtol=1e-5, atol=1e-6)


def test_aoti_fixed_batch_refuses_other_sizes(pt2_server):
    bad = infer(pt2_server, "aoti_fixed", "INPUT0", ROWS[:2])
    assert bad.status_code == 400, bad.text
    assert "model.pt2 takes 4 there" in bad.json()["error"]
    np.testing.assert_allclose(outputs(infer(pt2_server, "aoti_fixed", "INPUT0", ROWS[:4])),
                               reference(pt2_server, ROWS[:4]), rtol=1e-5, atol=1e-6)


def test_model_py_answers_and_batches(pt2_server):
    meta = pt2_server.get("/v2/models/py_linear").json()
    assert meta["name"] == "py_linear"
    expected = reference(pt2_server, ROWS)
    np.testing.assert_allclose(outputs(infer(pt2_server, "py_linear", "INPUT0", ROWS)),
                               expected, rtol=1e-5, atol=1e-6)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda i: outputs(infer(pt2_server, "py_linear", "INPUT0",
                                                        ROWS[i:i + 1])), range(6)))
    for i, answer in enumerate(answers):
        np.testing.assert_allclose(answer[0], expected[i], rtol=1e-5, atol=1e-6)


def test_model_py_exception_fails_that_request_only(pt2_server):
    bad = infer(pt2_server, "py_raise", "INPUT0", np.full((1, 4), -1000, dtype=np.float32))
    assert bad.status_code in (400, 500), bad.text
    error = bad.json()["error"]
    assert "ValueError: input below -100" in error and "model.py\", line" in error
    np.testing.assert_allclose(outputs(infer(pt2_server, "py_raise", "INPUT0", ROWS[:2])),
                               reference(pt2_server, ROWS[:2]), rtol=1e-5, atol=1e-6)
