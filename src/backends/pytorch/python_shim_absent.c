/* python_shim_absent.c — python_shim.h for a build that found no Python development files
 * for TORCHD_PYTHON (e.g. a GPU machine whose python has no Python.h): the backend still
 * serves TorchScript and AOTInductor models, and a `runtime: "model.py"` model fails its
 * load with this message instead of the whole build failing. */
#include "python_shim.h"

#include <stdlib.h>
#include <string.h>

static char *absent(void) {
  return strdup("this PyTorch backend was built without the Python runtime (no Python "
                "development files were found for TORCHD_PYTHON): runtime \"model.py\" "
                "cannot be served");
}

char *py_model_create(const char *name, const char *version_dir, const char *config_json,
                      py_model **model_out) {
  (void)name;
  (void)version_dir;
  (void)config_json;
  *model_out = NULL;
  return absent();
}

void py_model_free(py_model *model) { (void)model; }

char *py_instance_create(py_model *model, const char *kind, int device_id,
                         py_instance **instance_out) {
  (void)model;
  (void)kind;
  (void)device_id;
  *instance_out = NULL;
  return absent();
}

void py_instance_free(py_instance *instance) { (void)instance; }

char *py_instance_run(py_instance *instance, const ts_value *args, size_t arg_count,
                      py_outputs **outputs_out) {
  (void)instance;
  (void)args;
  (void)arg_count;
  *outputs_out = NULL;
  return absent();
}

size_t py_outputs_count(const py_outputs *outputs) {
  (void)outputs;
  return 0;
}

char *py_outputs_get(py_outputs *outputs, size_t index, ts_output *out) {
  (void)outputs;
  (void)index;
  (void)out;
  return absent();
}

void py_outputs_free(py_outputs *outputs) { (void)outputs; }
