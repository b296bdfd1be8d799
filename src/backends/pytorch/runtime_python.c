/*
 * runtime_python.c: runtime "model.py". Not yet run:
 * refused at load.
 */
#include "backend_util.h"
#include "runtime.h"

static TRITONSERVER_Error *model_load(pt_model_state *model) {
  return pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                         "model '%s' has runtime 'model.py', which the torchd PyTorch backend "
                         "does not run yet", model->name);
}
static TRITONSERVER_Error *instance_load(pt_instance_state *instance) {
  (void)instance;
  return pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED, "not loaded");
}
static TRITONSERVER_Error *run(pt_instance_state *instance, pt_batch *batch,
                               pt_result **result_out) {
  (void)instance, (void)batch, (void)result_out;
  return pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED, "not loaded");
}
static void instance_free(pt_instance_state *instance) { (void)instance; }
static void model_free(pt_model_state *model) { (void)model; }

const pt_runtime pt_python_runtime = {
    .name = "Python", .uses_pt_parameters = false, .model_load = model_load,
    .instance_load = instance_load, .run = run, .instance_free = instance_free,
    .model_free = model_free,
};
