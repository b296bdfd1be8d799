/*
 * output_scatter.c: writes what the method returned into each request's response
 * (pytorch-backend.md §3.5, §4.3-4.4).
 *
 * Each configured output is found by dict key (keyed results) or by its index; its dtype
 * must match the config. Batched outputs are split on dim 0 by each request's rows, at a
 * running offset; strings are split the same way (each request gets its own slice, unlike
 * Triton). Only outputs a request asked for are created, strings included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_util.h"
#include "batch.h"
#include "dtypes.h"
#include "string_io.h"

static bool requested(TRITONBACKEND_Request *request, const char *name) {
  uint32_t count = 0;
  if (TRITONBACKEND_RequestOutputCount(request, &count) != NULL) return true;
  for (uint32_t i = 0; i < count; ++i) {
    const char *requested_name = NULL;
    TRITONSERVER_Error *error = TRITONBACKEND_RequestOutputName(request, i, &requested_name);
    if (error != NULL) {
      TRITONSERVER_ErrorDelete(error);
      continue;
    }
    if (strcmp(requested_name, name) == 0) return true;
  }
  return false;
}

/* "[request id: <id>] " or "" (Triton's error prefix). Caller frees. */
static char *request_prefix(TRITONBACKEND_Request *request) {
  const char *id = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_RequestId(request, &id);
  if (error != NULL) TRITONSERVER_ErrorDelete(error);
  char *prefix = NULL;
  if (error == NULL && id != NULL && id[0] != '\0') {
    if (asprintf(&prefix, "[request id: %s] ", id) < 0) prefix = NULL;
  }
  return prefix != NULL ? prefix : strdup("");
}

/* Finds the result item for config output `index`: by key when the result has keys,
 * else by the mapped index. */
static TRITONSERVER_Error *find_item(pt_batch *batch, ts_result *result, size_t index,
                                     ts_output *item) {
  const pt_model_config *config = &batch->instance->model->config;
  const char *name = config->outputs[index].name;
  size_t count = ts_result_count(result);
  bool keyed = false;
  for (size_t i = 0; i < count; ++i) {
    ts_output candidate;
    char *message = ts_result_output(result, i, &candidate);
    if (message != NULL) {
      free(message);
      continue;
    }
    if (candidate.key != NULL) {
      keyed = true;
      if (strcmp(candidate.key, name) == 0) {
        *item = candidate;
        return NULL;
      }
    }
  }
  int mapped = batch->instance->output_indices[index];
  if (keyed && (size_t)mapped >= count)
    return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                           "The output %s in the model configuration is not a key of the "
                           "dictionary the model returned",
                           name);
  if (mapped < 0 || (size_t)mapped >= count)
    return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                           "The output %s in the model configuration refers to an output index "
                           "which doesn't exist. This model has %zu outputs",
                           name, count);
  char *message = ts_result_output(result, (size_t)mapped, item);
  if (message == NULL) return NULL;
  TRITONSERVER_Error *error = pt_triton_error(TRITONSERVER_ERROR_INTERNAL,
                                              "output tensor '%s' is not found: %s", name,
                                              message);
  free(message);
  return error;
}

static TRITONSERVER_Error *check_item(const pt_io_config *config, const ts_output *item) {
  if (item->kind == TS_VALUE_TENSOR && item->dims_count == 0)
    return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                           "output '%s' is a scalar which is not supported.", config->name);
  if (item->dtype != config->dtype)
    return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                           "configuration expects datatype %s for output '%s', model provides %s",
                           config->dtype_name, config->name, pt_dtype_config_name(item->dtype));
  return NULL;
}

/* Creates output `name` in slot r's response with `shape` and copies `bytes` bytes of
 * `data` (or serialized strings) into it. */
static TRITONSERVER_Error *write_output(TRITONBACKEND_Response *response, const char *name,
                                        int dtype, const int64_t *shape, uint32_t dims,
                                        const void *data, size_t bytes, const ts_output *strings,
                                        size_t first_string) {
  TRITONBACKEND_Output *output = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ResponseOutput(
      response, &output, name, (TRITONSERVER_DataType)dtype, shape, dims);
  if (error != NULL || bytes == 0) return error;
  void *buffer = NULL;
  TRITONSERVER_MemoryType memory_type = TRITONSERVER_MEMORY_CPU;
  int64_t memory_id = 0;
  error = TRITONBACKEND_OutputBuffer(output, &buffer, bytes, &memory_type, &memory_id);
  if (error != NULL) return error;
  if (memory_type == TRITONSERVER_MEMORY_GPU)
    return pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                           "output '%s' was given GPU memory, which this CPU build cannot fill",
                           name);
  if (strings != NULL)
    pt_strings_serialize(strings->strings, strings->string_lengths, first_string,
                         (size_t)shape[0], buffer);
  else
    memcpy(buffer, data, bytes);
  return NULL;
}

/* Splits one output over the open responses. */
static void scatter_one(pt_batch *batch, const pt_io_config *config, const ts_output *item) {
  bool batching = batch->instance->model->config.max_batch_size > 0;
  bool is_strings = item->kind == TS_VALUE_STRINGS;
  int64_t available = item->dims_count > 0 ? item->shape[0] : 0;
  size_t row_bytes = 0;
  if (!is_strings && available > 0) row_bytes = item->byte_size / (size_t)available;
  int64_t *shape = pt_batch_calloc(batch, item->dims_count + 1, sizeof(int64_t));
  if (shape == NULL) return;
  int64_t offset = 0;
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    pt_slot *slot = &batch->slots[r];
    if (!slot->in_batch) continue;
    int64_t rows = batching ? slot->rows : available;
    int64_t first = offset;
    offset += rows;
    if (slot->response == NULL || !requested(slot->request, config->name)) continue;
    TRITONSERVER_Error *error = NULL;
    if (batching && first + rows > available) {
      char *prefix = request_prefix(slot->request);
      error = pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                              "%sfailed to split the output tensor '%s' in responses: expected "
                              "batch size of at least %lld in model output, got %lld",
                              prefix, config->name, (long long)(first + rows),
                              (long long)available);
      free(prefix);
    } else {
      memcpy(shape, item->shape, item->dims_count * sizeof(int64_t));
      shape[0] = rows;
      size_t bytes = is_strings ? pt_strings_serialized_size(item->string_lengths, (size_t)first,
                                                             (size_t)rows)
                                : (size_t)rows * row_bytes;
      const char *data = is_strings || item->data == NULL /* empty tensor */
                             ? NULL
                             : (const char *)item->data + (size_t)first * row_bytes;
      if (!batching && !is_strings) bytes = item->byte_size;
      error = write_output(slot->response, config->name, item->dtype, shape,
                           (uint32_t)item->dims_count, data, bytes, is_strings ? item : NULL,
                           (size_t)first);
    }
    if (error != NULL) {
      pt_batch_fail(batch, r, error);
      TRITONSERVER_ErrorDelete(error);
    }
  }
}

TRITONSERVER_Error *pt_scatter_outputs(pt_batch *batch, ts_result *result) {
  const pt_model_config *config = &batch->instance->model->config;
  for (size_t i = 0; i < config->output_count && pt_batch_open_count(batch) > 0; ++i) {
    ts_output item;
    TRITONSERVER_Error *error = find_item(batch, result, i, &item);
    if (error == NULL) error = check_item(&config->outputs[i], &item);
    if (error != NULL) return error;
    scatter_one(batch, &config->outputs[i], &item);
  }
  return NULL;
}
