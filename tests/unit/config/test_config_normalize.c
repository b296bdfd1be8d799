/*
 * test_config_normalize.c — auto-complete of backend fields (§2.2), normalization (§3.2:
 * defaults and instance groups) and validation messages, plus the lookup and data-type
 * helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config_test_support.h"
#include "model_config.h"

/* Auto-completes `text` for model `name` whose lowest version dir holds `entries`. */
static ModelConfig *autocomplete(const char *text, const char *name, const ModelDirEntry *entries,
                                 size_t count) {
  ModelConfig *config = ts_parse_ok(text);
  ModelNormalizeOptions opts = {.model_name = name, .version_entries = entries,
                                .version_entry_count = count};
  model_config_autocomplete_backend(config, &opts);
  return config;
}

static void expect_backend(const char *text, const char *name, const ModelDirEntry *entries,
                           size_t count, const char *backend, const char *platform,
                           const char *file_name) {
  ModelConfig *c = autocomplete(text, name, entries, count);
  if (strcmp(c->backend, backend) != 0 || strcmp(c->platform, platform) != 0 ||
      strcmp(c->default_model_filename, file_name) != 0) {
    fail_msg("for '%s' (model %s): got backend '%s' platform '%s' file '%s', want '%s' '%s' '%s'",
             text, name, c->backend, c->platform, c->default_model_filename, backend, platform,
             file_name);
  }
  model_config_free(c);
}

static void test_autocomplete_backend(void **state) {
  (void)state;
  const ModelDirEntry pt_file[] = {{"model.pt", false}};
  const ModelDirEntry pt_dir[] = {{"model.pt", true}};
  const ModelDirEntry pt2_file[] = {{"model.pt2", false}};
  const ModelDirEntry onnx_dir[] = {{"model.onnx", true}};
  const ModelDirEntry plan[] = {{"model.plan", false}};
  const ModelDirEntry savedmodel[] = {{"model.savedmodel", true}};
  const ModelDirEntry graphdef[] = {{"model.graphdef", false}};
  const ModelDirEntry xml[] = {{"model.xml", false}};
  const ModelDirEntry py[] = {{"model.py", false}};

  /* As Triton: a platform the user gave (or file detection) leaves the file name empty;
   * only backend: "pytorch" with no platform also gets model.pt. */
  expect_backend("platform: \"pytorch_libtorch\"", "m", NULL, 0, "pytorch", "pytorch_libtorch", "");
  expect_backend("platform: \"libtorch\"", "m", NULL, 0, "pytorch", "libtorch", "");
  expect_backend("default_model_filename: \"model.pt\"", "m", NULL, 0, "pytorch", "pytorch_libtorch", "model.pt");
  expect_backend("", "m", pt_file, 1, "pytorch", "pytorch_libtorch", "");
  expect_backend("", "m.x", pt_dir, 1, "x", "", "model.x"); /* a directory model.pt is not TorchScript */
  expect_backend("backend: \"pytorch\"", "m", NULL, 0, "pytorch", "pytorch_libtorch", "model.pt");
  expect_backend("backend: \"pytorch\" default_model_filename: \"traced.pt\"", "m", NULL, 0,
                 "pytorch", "pytorch_libtorch", "traced.pt");
  expect_backend("backend: \"pytorch\" runtime: \"model.py\"", "m", NULL, 0, "pytorch", "pytorch_libtorch", "");
  expect_backend("platform: \"torch_aoti\"", "m", NULL, 0, "pytorch", "torch_aoti", "model.pt2");
  expect_backend("", "m", pt2_file, 1, "pytorch", "torch_aoti", "model.pt2");
  expect_backend("default_model_filename: \"model.pt2\"", "m", NULL, 0, "pytorch",
                 "pytorch_libtorch", "model.pt2"); /* Triton's quirk: no platform → libtorch */
  expect_backend("platform: \"torch_aoti\" default_model_filename: \"m.pt2\"", "m", NULL, 0,
                 "pytorch", "torch_aoti", "m.pt2");
  expect_backend("", "m", onnx_dir, 1, "onnxruntime", "onnxruntime_onnx", "model.onnx");
  expect_backend("platform: \"tensorrt_plan\"", "m", NULL, 0, "tensorrt", "tensorrt_plan", "model.plan");
  expect_backend("", "m", plan, 1, "tensorrt", "tensorrt_plan", "model.plan");
  expect_backend("", "m", savedmodel, 1, "tensorflow", "tensorflow_savedmodel", "model.savedmodel");
  expect_backend("", "m", graphdef, 1, "tensorflow", "tensorflow_graphdef", "model.graphdef");
  expect_backend("", "m", xml, 1, "openvino", "", "model.xml");
  expect_backend("", "m", py, 1, "python", "", "model.py");
  expect_backend("", "add.identity", NULL, 0, "identity", "", "model.identity");
  expect_backend("", "plain", NULL, 0, "", "", "");                   /* undecidable */
  expect_backend("backend: \"identity\"", "m", pt_file, 1, "identity", "", ""); /* explicit wins */
  expect_backend("platform: \"ensemble\"", "m", pt_file, 1, "", "ensemble", ""); /* platform blocks file detection */

  /* name filled from the directory; idempotent */
  ModelConfig *c = autocomplete("", "m", pt_file, 1);
  assert_string_equal(c->name, "m");
  ModelNormalizeOptions opts = {.model_name = "m", .version_entries = pt_file, .version_entry_count = 1};
  ModelConfig *again = model_config_clone(c);
  model_config_autocomplete_backend(again, &opts);
  assert_true(model_config_equal(c, again));
  model_config_free(again);
  model_config_free(c);
}

static void test_normalize_defaults(void **state) {
  (void)state;
  ModelConfig *c = ts_parse_ok("backend: \"pytorch\" max_batch_size: 8 dynamic_batching { }");
  ModelNormalizeOptions opts = {.model_name = "m"};
  model_config_normalize(c, &opts);
  assert_string_equal(c->name, "m");
  assert_true(c->has_version_policy && c->version_policy.has_latest);
  assert_int_equal(c->version_policy.latest.num_versions, 1);
  assert_int_equal(c->dynamic_batching.preferred_batch_size.count, 1);
  assert_int_equal(c->dynamic_batching.preferred_batch_size.items[0], 8);
  assert_true(c->has_optimization);
  assert_true(c->optimization.has_input_pinned_memory && c->optimization.input_pinned_memory.enable);
  assert_true(c->optimization.has_output_pinned_memory && c->optimization.output_pinned_memory.enable);
  assert_int_equal(c->instance_group.count, 0); /* not resolved unless asked */
  /* idempotent */
  ModelConfig *again = model_config_clone(c);
  model_config_normalize(again, &opts);
  assert_true(model_config_equal(c, again));
  model_config_free(again);
  model_config_free(c);

  /* explicit values are kept; sequence idle default; oldest preferred default */
  c = ts_parse_ok("backend: \"pytorch\" max_batch_size: 4 version_policy { all {} }\n"
                  "optimization { input_pinned_memory { enable: false } }\n"
                  "sequence_batching { oldest { max_candidate_sequences: 2 } }");
  model_config_normalize(c, &opts);
  assert_true(c->version_policy.has_all);
  assert_false(c->version_policy.has_latest);
  assert_false(c->optimization.input_pinned_memory.enable);
  assert_true(c->optimization.output_pinned_memory.enable);
  assert_true(c->sequence_batching.max_sequence_idle_microseconds == 1000000);
  assert_int_equal(c->sequence_batching.oldest.preferred_batch_size.count, 1);
  assert_int_equal(c->sequence_batching.oldest.preferred_batch_size.items[0], 4);
  model_config_free(c);

  /* no preferred size without batching; no pinned defaults for ensembles */
  c = ts_parse_ok("platform: \"ensemble\" ensemble_scheduling { } ");
  opts.resolve_instance_groups = true;
  model_config_normalize(c, &opts);
  assert_false(c->has_optimization);
  assert_int_equal(c->instance_group.count, 0);
  model_config_free(c);
  c = ts_parse_ok("backend: \"pytorch\" dynamic_batching { }");
  model_config_normalize(c, &opts);
  assert_int_equal(c->dynamic_batching.preferred_batch_size.count, 0);
  model_config_free(c);
}

static ModelConfig *normalized(const char *text, int gpu_count, const ModelInstanceGroup *preferred,
                               size_t preferred_count) {
  ModelConfig *c = ts_parse_ok(text);
  ModelNormalizeOptions opts = {.model_name = "m", .gpu_count = gpu_count,
                                .preferred_groups = preferred,
                                .preferred_group_count = preferred_count,
                                .resolve_instance_groups = true};
  model_config_normalize(c, &opts);
  return c;
}

/* --min-supported-compute-capability: a GPU below it (bit set in unsupported_gpus) gets no
 * instance from an empty gpus list or KIND_AUTO, and naming it is refused with Triton's
 * message listing the supported GPUs. */
static void test_unsupported_gpus(void **state) {
  (void)state;
  ModelConfig *c = ts_parse_ok("backend: \"pytorch\" instance_group [ { kind: KIND_GPU }, "
                               "{ count: 1 }, { gpus: [ 0 ] } ]");
  ModelNormalizeOptions opts = {.model_name = "m", .gpu_count = 3, .unsupported_gpus = 1,
                                .resolve_instance_groups = true};
  model_config_normalize(c, &opts);
  ModelInstanceGroup *g = c->instance_group.items;
  assert_int_equal(g[0].gpus.count, 2); /* GPUs 1 and 2, not 0 */
  assert_int_equal(g[0].gpus.items[0], 1);
  assert_int_equal(g[0].gpus.items[1], 2);
  assert_int_equal(g[1].kind, MODEL_KIND_GPU);
  assert_int_equal(g[1].gpus.count, 2);
  assert_int_equal(g[2].kind, MODEL_KIND_CPU); /* KIND_AUTO naming only GPU 0 */
  char *why = NULL;
  assert_int_equal(model_config_validate_supported_gpus(c, "m", 3, 1, 6.0, &why), 0);
  model_config_free(c);

  c = ts_parse_ok("backend: \"pytorch\" instance_group { kind: KIND_GPU gpus: [ 2, 0 ] }");
  model_config_normalize(c, &opts);
  assert_int_equal(model_config_validate(c, "m", 3, &why), 0);
  assert_int_equal(model_config_validate_supported_gpus(c, "m", 3, 1, 7.5, &why), -1);
  assert_string_equal(why, "instance group m_0 of model m specifies invalid or unsupported gpu "
                           "id of 0. GPUs with at least the minimum required CUDA compute "
                           "compatibility of 7.500000 are: 1 2");
  free(why);
  model_config_free(c);
}

static void test_instance_groups(void **state) {
  (void)state;
  /* none given, CPU host: one group named after the model, KIND_AUTO → KIND_CPU */
  ModelConfig *c = normalized("backend: \"pytorch\"", 0, NULL, 0);
  assert_int_equal(c->instance_group.count, 1);
  assert_string_equal(c->instance_group.items[0].name, "m");
  assert_int_equal(c->instance_group.items[0].kind, MODEL_KIND_CPU);
  assert_int_equal(c->instance_group.items[0].count, 1);
  model_config_free(c);

  /* GPU host: KIND_AUTO → KIND_GPU with all GPUs; unnamed groups get <model>_<idx> */
  c = normalized("backend: \"pytorch\" instance_group [ { count: 2 }, { kind: KIND_CPU }, "
                 "{ name: \"mine\" gpus: [ 5 ] } ]", 2, NULL, 0);
  assert_int_equal(c->instance_group.count, 3);
  ModelInstanceGroup *g = c->instance_group.items;
  assert_string_equal(g[0].name, "m_0");
  assert_int_equal(g[0].kind, MODEL_KIND_GPU);
  assert_int_equal(g[0].count, 2);
  assert_int_equal(g[0].gpus.count, 2);
  assert_int_equal(g[0].gpus.items[1], 1);
  assert_string_equal(g[1].name, "m_1");
  assert_int_equal(g[1].kind, MODEL_KIND_CPU);
  assert_int_equal(g[1].gpus.count, 0);
  assert_string_equal(g[2].name, "mine");
  assert_int_equal(g[2].kind, MODEL_KIND_CPU); /* gpu 5 is not present → CPU */
  model_config_free(c);

  /* count default 2 for CPU with onnxruntime / tensorflow */
  c = normalized("backend: \"onnxruntime\" instance_group { kind: KIND_CPU }", 0, NULL, 0);
  assert_int_equal(c->instance_group.items[0].count, 2);
  model_config_free(c);

  /* the backend's preferred groups: a GPU preference is skipped without GPUs */
  ModelInstanceGroup preferred[2];
  memset(preferred, 0, sizeof preferred);
  preferred[0].kind = MODEL_KIND_GPU;
  preferred[0].count = 3;
  preferred[1].kind = MODEL_KIND_CPU;
  preferred[1].count = 4;
  c = normalized("backend: \"pytorch\"", 0, preferred, 2);
  assert_int_equal(c->instance_group.count, 1);
  assert_int_equal(c->instance_group.items[0].kind, MODEL_KIND_CPU);
  assert_int_equal(c->instance_group.items[0].count, 4);
  model_config_free(c);
  c = normalized("backend: \"pytorch\"", 1, preferred, 2);
  assert_int_equal(c->instance_group.items[0].kind, MODEL_KIND_GPU);
  assert_int_equal(c->instance_group.items[0].count, 3);
  assert_int_equal(c->instance_group.items[0].gpus.count, 1);
  model_config_free(c);
  /* explicit groups ignore preferences */
  c = normalized("backend: \"pytorch\" instance_group { kind: KIND_MODEL }", 0, preferred, 2);
  assert_int_equal(c->instance_group.count, 1);
  assert_int_equal(c->instance_group.items[0].kind, MODEL_KIND_MODEL);
  assert_int_equal(c->instance_group.items[0].count, 1);
  model_config_free(c);
}

/* Normalizes `text` for model "m" on a host with gpu_count GPUs and validates it. */
static void expect_invalid(const char *text, int gpu_count, const char *message) {
  ModelConfig *c = normalized(text, gpu_count, NULL, 0);
  char *error = NULL;
  if (model_config_validate(c, "m", gpu_count, &error) == 0) {
    fail_msg("validation passed for: %s", text);
  }
  if (strcmp(error, message) != 0) {
    fail_msg("for %s\n got: %s\nwant: %s", text, error, message);
  }
  free(error);
  model_config_free(c);
}

static void test_validation(void **state) {
  (void)state;
  const char *io = "backend: \"pytorch\" max_batch_size: 4 "
                   "input { name: \"x\" data_type: TYPE_FP32 dims: [ 2, -1 ] reshape { shape: [ 2, 1, -1 ] } } "
                   "output { name: \"y\" data_type: TYPE_FP32 dims: [ 3 ] } ";
  ModelConfig *c = normalized(io, 0, NULL, 0);
  char *error = NULL;
  if (model_config_validate(c, "m", 0, &error) != 0) {
    fail_msg("valid config rejected: %s", error);
  }
  model_config_free(c);

  expect_invalid("name: \"other\" backend: \"pytorch\"", 0,
                 "unexpected directory name 'm' for model 'other', directory name must equal model name");
  expect_invalid("max_batch_size: 1", 0,
                 "Invalid model name: Could not determine backend for model 'm' with no backend in "
                 "model configuration. Expected model name of the form 'model.<backend_name>'.");
  expect_invalid("platform: \"unknown_platform\"", 0, "must specify 'backend' for 'm'");
  expect_invalid("backend: \"pytorch\" max_batch_size: -1", 0,
                 "'max_batch_size' must be non-negative value for m");
  expect_invalid("backend: \"pytorch\" input { data_type: TYPE_FP32 dims: 1 }", 0,
                 "model input must specify 'name' for m");
  expect_invalid("backend: \"pytorch\" input { name: \"x\" dims: 1 }", 0,
                 "model input 'x' must specify 'data_type' for m");
  expect_invalid("backend: \"pytorch\" input { name: \"x\" data_type: TYPE_FP32 }", 0,
                 "model input 'x' must specify 'dims' for m");
  expect_invalid("backend: \"pytorch\" output { name: \"y\" data_type: TYPE_FP32 dims: [ 0 ] }", 0,
                 "model output 'y' dimension must be integer >= 1, or -1 to indicate a "
                 "variable-size dimension for m");
  expect_invalid("backend: \"pytorch\" input { name: \"x\" data_type: TYPE_FP32 dims: 1 reshape { } }", 0,
                 "model input 'x' cannot have empty reshape for non-batching model as scalar "
                 "tensors are not supported for m");
  expect_invalid("backend: \"pytorch\" input { name: \"x\" data_type: TYPE_FP32 dims: [ 2, 3 ] reshape { shape: 5 } }", 0,
                 "model input 'x' has different size for dims and reshape for m");
  expect_invalid("backend: \"pytorch\" input { name: \"x\" data_type: TYPE_FP32 dims: [ -1, 6 ] reshape { shape: [ -1, 2, 2 ] } }", 0,
                 "model input 'x' has different size for dims and reshape for m");
  expect_invalid("backend: \"pytorch\" input { name: \"x\" data_type: TYPE_FP32 dims: 1 } "
                 "input { name: \"x\" data_type: TYPE_FP32 dims: 1 }", 0,
                 "duplicate input name 'x' for m");
  expect_invalid("backend: \"pytorch\" max_batch_size: 4 dynamic_batching { preferred_batch_size: [ 2, 8 ] }", 0,
                 "dynamic batching preferred size must be <= max batch size for m");
  expect_invalid("backend: \"pytorch\" max_batch_size: 4 dynamic_batching { preferred_batch_size: 0 }", 0,
                 "dynamic batching preferred size must be positive for m");
  expect_invalid("backend: \"pytorch\" max_batch_size: 4 dynamic_batching { priority_levels: 2 }", 0,
                 "default priority level must be in range [1, 2] for m");
  expect_invalid("backend: \"pytorch\" max_batch_size: 4 dynamic_batching { priority_levels: 2 "
                 "default_priority_level: 1 priority_queue_policy { key: 3 value { } } }", 0,
                 "priority queue policy must have priority level in range [1, 2] for m");
  expect_invalid("backend: \"pytorch\" max_batch_size: 4 dynamic_batching { preserve_ordering: true "
                 "priority_levels: 2 default_priority_level: 1 }", 0,
                 "Only one priority level is allowed when 'preserve_ordering' is true for m");
  expect_invalid("backend: \"pytorch\" max_batch_size: 4 dynamic_batching { preserve_ordering: true "
                 "default_queue_policy { timeout_action: DELAY default_timeout_microseconds: 5 } }", 0,
                 "Queue policy can not have DELAY as timeout action when 'preserve_ordering' is true for m");
  expect_invalid("backend: \"pytorch\" instance_group { kind: KIND_GPU }", 0,
                 "instance group m_0 of model m has kind KIND_GPU but server does not support GPUs");
  expect_invalid("backend: \"pytorch\" instance_group { kind: KIND_GPU gpus: [ 0, 3 ] }", 2,
                 "instance group m_0 of model m specifies invalid or unsupported gpu id 3. GPUs "
                 "available: 0 to 1");
  expect_invalid("backend: \"pytorch\" instance_group { kind: KIND_CPU gpus: 0 }", 1,
                 "instance group m_0 of model m has kind KIND_CPU but specifies one or more GPUs");
  expect_invalid("backend: \"pytorch\" instance_group { kind: KIND_MODEL gpus: 0 }", 1,
                 "instance group m_0 of model m has kind KIND_MODEL but specifies one or more GPUs");
  expect_invalid("backend: \"pytorch\" instance_group { kind: KIND_CPU profile: \"0\" }", 0,
                 "instance group m_0 of model m and platform pytorch_libtorch specifies profile "
                 "field which is only supported for TensorRT models");
  expect_invalid("backend: \"pytorch\" model_warmup { name: \"w\" batch_size: 2 }", 0,
                 "model warmup setting 'w' has batch_size 2 larger than the model allows (1) for m");
  expect_invalid("backend: \"pytorch\" model_warmup { name: \"w\" batch_size: 1 inputs { key: \"x\" "
                 "value { data_type: TYPE_FP32 dims: 1 } } }", 0,
                 "model warmup setting 'w' input 'x' must specify one of 'zero_data', "
                 "'random_data' or 'input_data_file' for m");

  /* Triton's ValidateModelConfig: the response cache refuses sequence batching and
   * decoupled models, with these exact words. */
  expect_invalid("backend: \"pytorch\" max_batch_size: 4 sequence_batching { } "
                 "response_cache { enable: true }", 0,
                 "Response Cache does not currently support model m with sequence batching "
                 "scheduler. Please disable the response cache.");
  expect_invalid("backend: \"pytorch\" model_transaction_policy { decoupled: true } "
                 "response_cache { enable: true }", 0,
                 "Response Cache does not currently support model m with 'decoupled' "
                 "transaction policy. Please disable the response cache.");
  c = normalized("backend: \"pytorch\" model_transaction_policy { decoupled: true } "
                 "response_cache { enable: false }", 0, NULL, 0);
  if (model_config_validate(c, "m", 0, &error) != 0) {
    fail_msg("decoupled model without the cache rejected: %s", error);
  }
  model_config_free(c);

  expect_invalid("backend: \"pytorch\" runtime: \"../../lib/evil.so\"", 0,
                 "runtime '../../lib/evil.so' of model 'm' escapes the backend directory, check "
                 "model config runtime field");
  expect_invalid("backend: \"pytorch\" default_model_filename: \"/etc/passwd\"", 0,
                 "default_model_filename '/etc/passwd' of model 'm' escapes the model version "
                 "directory");
  expect_invalid("backend: \"pytorch\" output { name: \"y\" data_type: TYPE_FP32 dims: 1 "
                 "label_filename: \"a/../../l.txt\" }", 0,
                 "label_filename 'a/../../l.txt' of output 'y' of model 'm' escapes the model "
                 "directory");
  expect_invalid("backend: \"pytorch\" model_warmup { name: \"w\" batch_size: 1 inputs { key: "
                 "\"x\" value { data_type: TYPE_FP32 dims: 1 input_data_file: \"..\" } } }", 0,
                 "warmup input_data_file '..' of model 'm' escapes the warmup directory");
  c = normalized("backend: \"pytorch\" runtime: \"libtriton_x..so\" "
                 "output { name: \"y\" data_type: TYPE_FP32 dims: 1 label_filename: \"sub/..labels\" }", 0, NULL, 0);
  assert_int_equal(model_config_validate(c, "m", 0, &error), 0); /* ".." inside a name is fine */
  model_config_free(c);

  /* an unresolved group (normalization skipped) is reported, not accepted */
  c = ts_parse_ok("name: \"m\" backend: \"pytorch\" instance_group { name: \"g\" count: 1 }");
  assert_int_equal(model_config_validate(c, "m", 0, &error), -1);
  assert_string_equal(error, "instance group g of model m has unexpected kind KIND_AUTO");
  free(error);
  model_config_free(c);
}

static void test_helpers(void **state) {
  (void)state;
  ModelConfig *c = ts_parse_ok("input { name: \"a\" } input { name: \"b\" } output { name: \"o\" }");
  assert_ptr_equal(model_config_find_input(c, "b"), &c->input.items[1]);
  assert_null(model_config_find_input(c, "o"));
  assert_ptr_equal(model_config_find_output(c, "o"), &c->output.items[0]);
  assert_null(model_config_find_output(c, "a"));
  model_config_free(c);

  const int64_t dims[] = {2, 3, 4};
  const int64_t variable[] = {2, -1};
  const int64_t huge[] = {INT64_MAX, 2};
  assert_int_equal(model_dims_element_count(dims, 3), 24);
  assert_int_equal(model_dims_element_count(dims, 0), 1);
  assert_int_equal(model_dims_element_count(variable, 2), -1);
  assert_true(model_dims_element_count(huge, 2) == INT64_MAX);

  assert_string_equal(model_data_type_name(MODEL_TYPE_FP32), "TYPE_FP32");
  assert_string_equal(model_data_type_name(MODEL_TYPE_STRING), "TYPE_STRING");
  assert_null(model_data_type_name((ModelDataType)77));
  assert_int_equal(model_data_type_from_name("TYPE_BF16"), MODEL_TYPE_BF16);
  assert_int_equal(model_data_type_from_name("FP32"), MODEL_TYPE_INVALID);
  assert_string_equal(model_data_type_protocol_name(MODEL_TYPE_STRING), "BYTES");
  assert_string_equal(model_data_type_protocol_name(MODEL_TYPE_UINT16), "UINT16");
  assert_string_equal(model_data_type_protocol_name(MODEL_TYPE_INVALID), "<invalid>");
  assert_int_equal(model_data_type_from_protocol_name("BYTES"), MODEL_TYPE_STRING);
  assert_int_equal(model_data_type_from_protocol_name("TYPE_FP32"), MODEL_TYPE_INVALID);
  assert_int_equal(model_data_type_byte_size(MODEL_TYPE_BOOL), 1);
  assert_int_equal(model_data_type_byte_size(MODEL_TYPE_BF16), 2);
  assert_int_equal(model_data_type_byte_size(MODEL_TYPE_UINT32), 4);
  assert_int_equal(model_data_type_byte_size(MODEL_TYPE_FP64), 8);
  assert_int_equal(model_data_type_byte_size(MODEL_TYPE_STRING), 0);
  assert_string_equal(model_instance_kind_name(MODEL_KIND_GPU), "KIND_GPU");
  assert_string_equal(model_instance_kind_name(MODEL_KIND_CPU), "KIND_CPU");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_autocomplete_backend), cmocka_unit_test(test_normalize_defaults),
      cmocka_unit_test(test_instance_groups),      cmocka_unit_test(test_validation),
      cmocka_unit_test(test_helpers),       cmocka_unit_test(test_unsupported_gpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
