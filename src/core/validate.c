/* validate.c — request validation against the model config, in Triton's order and with
 * Triton's messages (infer_request.cc Normalize / ValidateRequestInputs):
 *   1. every input name known (current Triton names an unexpected input rather than
 *      counting it); input count between #required and #inputs;
 *   2. batching: each input has shape[0], all equal, <= max_batch_size;
 *   3. datatype equal to the config's;
 *   4. shape (without batch dim) matches dims, -1 in dims is a wildcard, -1 in the
 *      request is an error;
 *   5. reshape applied (the backend sees the reshaped shape);
 *   6. byte size = elements × type size, BYTES walked element by element;
 *   7. requested outputs known; none requested → all outputs.
 * Messages start with Triton's LogRequest() prefix "[request id: <id>] " ("<id_unknown>"
 * when the request has no id), except the unknown input/output ones, which come from
 * Triton's Model::GetInput/GetOutput without it. */
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_util.h"

#define DIMS_BUF 256

static const char BATCH_NOTE[] =
    "NOTE: Setting a non-zero max_batch_size in the model config requires a batch dimension "
    "to be prepended to each input shape. If you want to specify the full shape including the "
    "batch dim in your input dims config, try setting max_batch_size to zero. See the model "
    "configuration docs for more info on max_batch_size.";

/* Appends "'a','b'" names to a bracketed list in buf. */
static void name_list(char *buf, size_t size, const char *const *names, size_t count)
{
  size_t used = (size_t)snprintf(buf, size, "[");
  for (size_t i = 0; i < count && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, "%s'%s'", i ? "," : "", names[i]);
  if (used < size)
    snprintf(buf + used, size - used, "]");
}

static TRITONSERVER_Error *check_input_count(TRITONSERVER_InferenceRequest *req,
                                             const ModelConfig *cfg, const char *prefix,
                                             const char *model_name)
{
  size_t required = 0;
  for (size_t i = 0; i < cfg->input.count; i++)
    if (!cfg->input.items[i].optional)
      required++;
  const char **missing = calloc(cfg->input.count + 1, sizeof(char *));
  const char **given = calloc(req->input_count + 1, sizeof(char *));
  size_t missing_count = 0;
  for (size_t i = 0; i < cfg->input.count; i++)
    if (!cfg->input.items[i].optional && !request_find_input(req, cfg->input.items[i].name))
      missing[missing_count++] = cfg->input.items[i].name;
  for (size_t i = 0; i < req->input_count; i++)
    given[i] = req->inputs[i]->name;
  TRITONSERVER_Error *err = NULL;
  bool count_bad = req->input_count > cfg->input.count || req->input_count < required;
  if (count_bad || missing_count) {
    char expected[64];
    if (required == cfg->input.count)
      snprintf(expected, sizeof(expected), "expected %zu inputs", cfg->input.count);
    else
      snprintf(expected, sizeof(expected), "expected number of inputs between %zu and %zu",
               required, cfg->input.count);
    if (missing_count) {
      char got_list[1024], missing_list[1024];
      name_list(got_list, sizeof(got_list), given, req->input_count);
      name_list(missing_list, sizeof(missing_list), missing, missing_count);
      err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                        "%s%s but got %zu inputs for model '%s'. Got input(s) %s, but missing "
                        "required input(s) %s. Please provide all required input(s).",
                        prefix, expected, req->input_count, model_name, got_list, missing_list);
    } else {
      err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "%s%s but got %zu inputs for model '%s'",
                        prefix, expected, req->input_count, model_name);
    }
  }
  free(missing);
  free(given);
  return err;
}

/* Walks BYTES elements (4-byte little-endian length + data) across the input's buffers
 * and checks the element count. */
static TRITONSERVER_Error *check_bytes_input(const TRITONBACKEND_Input *in, int64_t expected,
                                             const char *prefix, const char *model_name)
{
  int64_t elements = 0;
  uint32_t b = 0;
  size_t off = 0;
  for (;;) {
    while (b < in->buffer_count && off >= in->buffers[b].byte_size) {
      b++;
      off = 0;
    }
    if (b >= in->buffer_count)
      break;
    const unsigned char *base = in->buffers[b].base;
    size_t left = in->buffers[b].byte_size - off;
    if (left < 4)
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "%sincomplete string length indicator for inference input '%s' for "
                         "model '%s', expecting 4 bytes but only %zu bytes available. Please make "
                         "sure the string length indicator is in one buffer.",
                         prefix, in->name, model_name, left);
    uint32_t len = (uint32_t)base[off] | (uint32_t)base[off + 1] << 8 |
                   (uint32_t)base[off + 2] << 16 | (uint32_t)base[off + 3] << 24;
    off += 4;
    /* The element's bytes may continue into following buffers. */
    size_t need = len;
    while (need > 0) {
      if (b >= in->buffer_count)
        return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                           "%selement byte size indicator exceeds the end of the buffer for "
                           "inference input '%s' for model '%s'",
                           prefix, in->name, model_name);
      size_t avail = in->buffers[b].byte_size - off;
      size_t step = avail < need ? avail : need;
      need -= step;
      off += step;
      if (need > 0) {
        b++;
        off = 0;
      }
    }
    elements++;
  }
  if (elements != expected)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "%sunexpected number of string elements %lld for inference input '%s' for "
                       "model '%s', expecting %lld",
                       prefix, (long long)elements, in->name, model_name, (long long)expected);
  return NULL;
}

/* Checks dims of one input (step 4); the request shape is in->shape. */
static TRITONSERVER_Error *check_shape(const TRITONBACKEND_Input *in, const ModelInput *ci,
                                       int32_t max_batch_size, const char *prefix,
                                       const char *model_name)
{
  size_t skip = max_batch_size > 0 && !ci->is_shape_tensor ? 1 : 0;
  bool ok = in->dims_count == ci->dims.count + skip;
  for (size_t i = 0; i < in->dims_count; i++)
    if (in->shape[i] < 0)
      ok = false;
  for (size_t i = 0; ok && i < ci->dims.count; i++)
    if (ci->dims.items[i] >= 0 && ci->dims.items[i] != in->shape[i + skip])
      ok = false;
  if (ok)
    return NULL;
  int64_t full[64];
  size_t n = 0;
  if (skip)
    full[n++] = -1;
  for (size_t i = 0; i < ci->dims.count && n < 64; i++)
    full[n++] = ci->dims.items[i];
  char expected[DIMS_BUF], got[DIMS_BUF];
  util_dims_string(full, n, expected, sizeof(expected));
  util_dims_string(in->shape, in->dims_count, got, sizeof(got));
  return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                     "%sunexpected shape for input '%s' for model '%s'. Expected %s, got %s. %s",
                     prefix, in->name, model_name, expected, got, skip ? BATCH_NOTE : "");
}

/* Step 5: the backend shape = [batch] + reshape (a -1 filled from the element count),
 * or the request shape when there is no reshape. */
static TRITONSERVER_Error *apply_reshape(TRITONBACKEND_Input *in, const ModelInput *ci,
                                         int32_t max_batch_size)
{
  size_t skip = max_batch_size > 0 && !ci->is_shape_tensor ? 1 : 0;
  const int64_t *src = in->shape;
  size_t n = in->dims_count;
  free(in->backend_shape);
  if (!ci->has_reshape) {
    in->backend_shape = malloc((n ? n : 1) * sizeof(int64_t));
    if (!in->backend_shape)
      return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    if (n)
      memcpy(in->backend_shape, src, n * sizeof(int64_t));
    in->backend_dims_count = (uint32_t)n;
    return NULL;
  }
  int64_t elements = util_element_count(src + skip, n - skip);
  int64_t known = 1;
  for (size_t i = 0; i < ci->reshape.shape.count; i++)
    if (ci->reshape.shape.items[i] >= 0)
      known *= ci->reshape.shape.items[i];
  size_t out_n = skip + ci->reshape.shape.count;
  in->backend_shape = malloc((out_n ? out_n : 1) * sizeof(int64_t));
  if (!in->backend_shape)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  if (skip)
    in->backend_shape[0] = src[0];
  for (size_t i = 0; i < ci->reshape.shape.count; i++) {
    int64_t d = ci->reshape.shape.items[i];
    in->backend_shape[skip + i] = d >= 0 ? d : (known ? elements / known : 0);
  }
  in->backend_dims_count = (uint32_t)out_n;
  return NULL;
}

static int compare_names(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static TRITONSERVER_Error *resolve_outputs(TRITONSERVER_InferenceRequest *req,
                                           const ModelConfig *cfg, const char *model_name)
{
  for (size_t i = 0; i < req->requested_output_count; i++)
    if (!model_config_find_output(cfg, req->requested_outputs[i]))
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "unexpected inference output '%s' for model '%s'",
                         req->requested_outputs[i], model_name);
  size_t n = req->requested_output_count ? req->requested_output_count : cfg->output.count;
  free(req->backend_outputs);
  req->backend_outputs = calloc(n ? n : 1, sizeof(char *));
  if (!req->backend_outputs)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  for (size_t i = 0; i < n; i++)
    req->backend_outputs[i] = req->requested_output_count ? req->requested_outputs[i]
                                                          : cfg->output.items[i].name;
  qsort(req->backend_outputs, n, sizeof(char *), compare_names);
  req->backend_output_count = n;
  return NULL;
}

TRITONSERVER_Error *validate_request(TRITONSERVER_InferenceRequest *req, TRITONBACKEND_Model *model)
{
  const ModelConfig *cfg = model->config;
  const char *model_name = model->name;
  char prefix_buf[512];
  const char *prefix = request_log_prefix(req, prefix_buf, sizeof(prefix_buf));

  /* 1. names, then count and missing required inputs */
  TRITONSERVER_Error *err = NULL;
  for (size_t i = 0; i < req->input_count; i++)
    if (!model_config_find_input(cfg, req->inputs[i]->name))
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "unexpected inference input '%s' for model '%s'",
                         req->inputs[i]->name, model_name);
  if ((err = check_input_count(req, cfg, prefix, model_name)))
    return err;

  /* 2. batch size */
  req->batch_size = 1;
  if (cfg->max_batch_size > 0) {
    bool have_batch = false;
    for (size_t i = 0; i < req->input_count; i++) {
      TRITONBACKEND_Input *in = req->inputs[i];
      const ModelInput *ci = model_config_find_input(cfg, in->name);
      if (ci->is_shape_tensor)
        continue;
      if (in->dims_count == 0)
        return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                           "%sinput '%s' has no shape but model requires batch dimension for '%s'",
                           prefix, in->name, model_name);
      if (!have_batch) {
        req->batch_size = in->shape[0] < 0 ? 0 : (uint64_t)in->shape[0];
        have_batch = true;
      } else if ((uint64_t)in->shape[0] != req->batch_size) {
        return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                           "%sinput '%s' batch size does not match other inputs for '%s'", prefix,
                           in->name, model_name);
      }
    }
    if (req->batch_size > (uint64_t)cfg->max_batch_size)
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "%sinference request batch-size must be <= %d for '%s'", prefix,
                         cfg->max_batch_size, model_name);
  }

  for (size_t i = 0; i < req->input_count; i++) {
    TRITONBACKEND_Input *in = req->inputs[i];
    const ModelInput *ci = model_config_find_input(cfg, in->name);
    /* 3. datatype */
    if ((int)in->datatype != (int)ci->data_type)
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "%sinference input '%s' data-type is '%s', but model '%s' expects '%s'",
                         prefix, in->name, TRITONSERVER_DataTypeString(in->datatype), model_name,
                         TRITONSERVER_DataTypeString((TRITONSERVER_DataType)ci->data_type));
    /* 4. shape */
    if ((err = check_shape(in, ci, cfg->max_batch_size, prefix, model_name)))
      return err;
    /* 5. reshape */
    if ((err = apply_reshape(in, ci, cfg->max_batch_size)))
      return err;
    /* 6. byte size */
    int64_t elements = util_element_count(in->shape, in->dims_count);
    if (in->datatype == TRITONSERVER_TYPE_BYTES) {
      if ((err = check_bytes_input(in, elements, prefix, model_name)))
        return err;
    } else {
      uint64_t expected = 0;
      bool too_big = __builtin_mul_overflow((uint64_t)elements,
                                            (uint64_t)TRITONSERVER_DataTypeByteSize(in->datatype),
                                            &expected) ||
                     elements == INT64_MAX;
      if (too_big)
        return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                           "%sinput byte size mismatch for input '%s' for model '%s'. The shape "
                           "holds more elements than fit in memory, got %llu bytes",
                           prefix, in->name, model_name, (unsigned long long)in->byte_size);
      if (expected != in->byte_size)
        return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                           "%sinput byte size mismatch for input '%s' for model '%s'. Expected "
                           "%llu, got %llu",
                           prefix, in->name, model_name, (unsigned long long)expected,
                           (unsigned long long)in->byte_size);
    }
  }
  /* 7. outputs */
  return resolve_outputs(req, cfg, model_name);
}
