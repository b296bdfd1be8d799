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
#include "batch_io.h"
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

/* Finds the returned value for output (or state) `name`: by key when the result has keys,
 * else by its mapped index. */
static TRITONSERVER_Error *find_item(pt_result *result, const char *name, int mapped,
                                     ts_output *item) {
  size_t count = result->count;
  bool keyed = false;
  for (size_t i = 0; i < count; ++i) {
    ts_output candidate;
    char *message = result->output(result, i, &candidate);
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
  char *message = result->output(result, (size_t)mapped, item);
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

/* Where one slice goes: a response output (only if requested) or a sequence state. */
typedef enum { TO_RESPONSE, TO_STATE } destination;

/* Copies a slice (tensor bytes, or strings[first .. first+count) serialized) into `buffer`. */
static void fill(void *buffer, const void *data, size_t bytes, const ts_output *strings,
                 size_t first, size_t count) {
  if (strings != NULL)
    pt_strings_serialize(strings->strings, strings->string_lengths, first, count, buffer);
  else if (bytes > 0)
    memcpy(buffer, data, bytes);
}

/* Creates output `name` of `response` with `shape` and fills it with the slice. */
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
  if (memory_type == TRITONSERVER_MEMORY_GPU) { /* e.g. a client's CUDA shared memory */
    if (strings != NULL)
      return pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                             "output '%s' holds strings, which cannot be written to GPU memory",
                             name);
    char *message = ts_copy_bytes(buffer, data, bytes, (int)memory_id);
    if (message == NULL) return NULL;
    error = pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "output '%s' to GPU %lld: %s", name,
                            (long long)memory_id, message);
    free(message);
    return error;
  }
  fill(buffer, data, bytes, strings, first_string, (size_t)shape[0]);
  return NULL;
}

/* Stores the slice as the request's sequence state `name` (§4.6). */
static TRITONSERVER_Error *write_state(TRITONBACKEND_Request *request, const char *name,
                                       int dtype, const int64_t *shape, uint32_t dims,
                                       const void *data, size_t bytes, const ts_output *strings,
                                       size_t first_string) {
  TRITONBACKEND_State *state = NULL;
  TRITONSERVER_Error *error =
      TRITONBACKEND_StateNew(&state, request, name, (TRITONSERVER_DataType)dtype, shape, dims);
  void *buffer = NULL;
  TRITONSERVER_MemoryType memory_type = TRITONSERVER_MEMORY_CPU;
  int64_t memory_id = 0;
  if (error == NULL)
    error = TRITONBACKEND_StateBuffer(state, &buffer, bytes, &memory_type, &memory_id);
  if (error == NULL && memory_type == TRITONSERVER_MEMORY_GPU)
    error = pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                            "state '%s' was given GPU memory, which this CPU build cannot fill",
                            name);
  if (error != NULL) return error;
  fill(buffer, data, bytes, strings, first_string, (size_t)shape[0]);
  return TRITONBACKEND_StateUpdate(state);
}

/* Splits one returned value over the open requests, into `name` of each response or
 * state. */
static void scatter_one(pt_batch *batch, const char *name, const ts_output *item,
                        destination where) {
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
    if (slot->response == NULL) continue;
    if (where == TO_RESPONSE && !requested(slot->request, name)) continue;
    TRITONSERVER_Error *error = NULL;
    if (batching && first + rows > available) {
      char *prefix = request_prefix(slot->request);
      error = pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                              "%sfailed to split the output tensor '%s' in responses: expected "
                              "batch size of at least %lld in model output, got %lld",
                              prefix, name, (long long)(first + rows), (long long)available);
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
      const ts_output *strings = is_strings ? item : NULL;
      error = where == TO_RESPONSE
                  ? write_output(slot->response, name, item->dtype, shape,
                                 (uint32_t)item->dims_count, data, bytes, strings, (size_t)first)
                  : write_state(slot->request, name, item->dtype, shape,
                                (uint32_t)item->dims_count, data, bytes, strings, (size_t)first);
    }
    if (error != NULL) {
      pt_batch_fail(batch, r, error);
      TRITONSERVER_ErrorDelete(error);
    }
  }
}

/* batch_output BATCH_SCATTER_WITH_INPUT_SHAPE (§4.5): request r gets the next
 * elements-of-its-source-input values of the output, shaped like that source input. */
static void scatter_by_source_shape(pt_batch *batch, const char *name, const ts_output *item,
                                    const char *source) {
  int64_t available = 1;
  for (size_t d = 0; d < item->dims_count; ++d) available *= item->shape[d];
  size_t element_size = pt_dtype_byte_size(item->dtype);
  int64_t offset = 0;
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    pt_slot *slot = &batch->slots[r];
    if (!slot->in_batch) continue;
    TRITONBACKEND_Input *input = NULL;
    const int64_t *shape = NULL;
    uint32_t dims = 0;
    TRITONSERVER_Error *error = TRITONBACKEND_RequestInput(slot->request, source, &input);
    if (error == NULL)
      error = TRITONBACKEND_InputProperties(input, NULL, NULL, &shape, &dims, NULL, NULL);
    int64_t elements = 1;
    for (uint32_t d = 0; error == NULL && d < dims; ++d) elements *= shape[d];
    int64_t first = offset;
    offset += error == NULL ? elements : 0;
    if (error == NULL && first + elements > available) {
      char *prefix = request_prefix(slot->request);
      error = pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                              "%sfailed to split the output tensor '%s' in responses: expected "
                              "at least %lld elements in model output, got %lld",
                              prefix, name, (long long)(first + elements), (long long)available);
      free(prefix);
    }
    if (error == NULL && slot->response != NULL && requested(slot->request, name))
      error = write_output(slot->response, name, item->dtype, shape, dims,
                           item->data == NULL ? NULL
                                              : (const char *)item->data +
                                                    (size_t)first * element_size,
                           (size_t)elements * element_size, NULL, 0);
    if (error != NULL) {
      pt_batch_fail(batch, r, error);
      TRITONSERVER_ErrorDelete(error);
    }
  }
}

TRITONSERVER_Error *pt_scatter_outputs(pt_batch *batch, pt_result *result) {
  const pt_model_config *config = &batch->instance->model->config;
  for (size_t i = 0; i < config->output_count && pt_batch_open_count(batch) > 0; ++i) {
    ts_output item;
    TRITONSERVER_Error *error =
        find_item(result, config->outputs[i].name, batch->instance->output_indices[i], &item);
    if (error == NULL) error = check_item(&config->outputs[i], &item);
    if (error != NULL) return error;
    int batch_output = pt_model_config_find_batch_output(config, config->outputs[i].name);
    if (batch_output >= 0)
      scatter_by_source_shape(batch, config->outputs[i].name, &item,
                              config->batch_output_sources[batch_output]);
    else
      scatter_one(batch, config->outputs[i].name, &item, TO_RESPONSE);
  }
  for (size_t i = 0; i < config->state_count && pt_batch_open_count(batch) > 0; ++i) {
    ts_output item;
    TRITONSERVER_Error *error = find_item(result, config->states[i].output_name,
                                          batch->instance->state_output_indices[i], &item);
    if (error != NULL) return error;
    scatter_one(batch, config->states[i].output_name, &item, TO_STATE);
  }
  return NULL;
}
