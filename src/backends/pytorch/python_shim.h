/*
 * python_shim.h: CPython embedded in the PyTorch backend, for runtime_python.c.
 *
 * Why it exists: runtime "model.py" runs an nn.Module in this process (no stub process,
 * no shared-memory hop). Only python_shim.c includes Python.h; the Python side is
 * python/torchd_pytorch_runtime.py, installed beside libtriton_pytorch.so.
 *
 * - The interpreter starts once per process, configured as the project venv's python
 *   (TORCHD_PYTHON at build time, or the TORCHD_PYTHON environment variable), so its
 *   site-packages with torch are used; libpython is made global so torch's extension
 *   modules resolve against it. LibTorch is the same library the backend links.
 * - The GIL is taken only inside these calls.
 * - Tensors cross as DLPack: inputs are DLManagedTensors over the caller's buffers (no
 *   copy), valid only until py_instance_run returns (a model must not keep its inputs);
 *   outputs are read in place from the DLPack capsules Python returns (CPU, contiguous).
 * - Errors are malloc'd messages (caller frees): the exception type, its message and the
 *   model's own traceback lines.
 */
#ifndef TORCHD_PYTORCH_PYTHON_SHIM_H
#define TORCHD_PYTORCH_PYTHON_SHIM_H

#include <stddef.h>

#include "values.h"

typedef struct py_model py_model;
typedef struct py_instance py_instance;
typedef struct py_outputs py_outputs;

/* Imports model.py (or loads model.pt as TorchScript) of `name` from `version_dir` with
 * the config's parameters. On success *model_out is owned by the caller (py_model_free). */
char *py_model_create(const char *name, const char *version_dir, const char *config_json,
                      py_model **model_out);
void py_model_free(py_model *model);

/* The module for an instance of `kind` ("CPU", "GPU", "MODEL") on `device_id`, shared by
 * the instances on one device and compiled (warmed up) at its first load. */
char *py_instance_create(py_model *model, const char *kind, int device_id,
                         py_instance **instance_out);
void py_instance_free(py_instance *instance);

/* forward(*args) by position; *outputs_out is owned by the caller (py_outputs_free). */
char *py_instance_run(py_instance *instance, const ts_value *args, size_t arg_count,
                      py_outputs **outputs_out);
size_t py_outputs_count(const py_outputs *outputs);
/* Output `index` in place; pointers stay valid until py_outputs_free. */
char *py_outputs_get(py_outputs *outputs, size_t index, ts_output *out);
void py_outputs_free(py_outputs *outputs);

#endif
