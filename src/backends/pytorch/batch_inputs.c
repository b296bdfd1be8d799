/*
 * batch_inputs.c: the `batch_input` tensors the backend computes for ragged batching
 * (pytorch-backend.md §4.5), from the shapes of each request's source input.
 *
 * With requests r = 0..n-1 in the batch and e_r the element count of request r's source
 * input (its whole shape), the forward argument is:
 *   BATCH_ELEMENT_COUNT                        [n]      e_0, e_1, ...
 *   BATCH_ACCUMULATED_ELEMENT_COUNT            [n]      e_0, e_0+e_1, ...
 *   BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO  [n+1]    0, e_0, e_0+e_1, ...
 *   BATCH_MAX_ELEMENT_COUNT_AS_SHAPE           [max e]  zeros: only the shape carries data
 *   BATCH_ITEM_SHAPE                           [n, d]   each request's shape without dim 0
 *   BATCH_ITEM_SHAPE_FLATTEN                   [n*d]    the same, flattened
 * in the batch_input's data_type.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_util.h"
#include "batch_io.h"
#include "dtypes.h"

enum { ELEMENT_COUNT, ACCUMULATED, ACCUMULATED_WITH_ZERO, MAX_AS_SHAPE, ITEM_SHAPE, ITEM_FLATTEN };

/* Writes `value` as element `index` of a buffer of `dtype`. */
static void store(void *buffer, int dtype, size_t index, int64_t value) {
  switch (dtype) {
    case TS_DTYPE_BOOL: case TS_DTYPE_UINT8: ((uint8_t *)buffer)[index] = (uint8_t)value; break;
    case TS_DTYPE_INT8: ((int8_t *)buffer)[index] = (int8_t)value; break;
    case TS_DTYPE_INT16: ((int16_t *)buffer)[index] = (int16_t)value; break;
    case TS_DTYPE_INT32: ((int32_t *)buffer)[index] = (int32_t)value; break;
    case TS_DTYPE_FP32: ((float *)buffer)[index] = (float)value; break;
    case TS_DTYPE_FP64: ((double *)buffer)[index] = (double)value; break;
    default: ((int64_t *)buffer)[index] = value; break; /* INT64 (FP16/BF16 rejected below) */
  }
}

/* Shapes of the source input of every request in the batch; fails the batch when a
 * request lacks it or their ranks differ (BATCH_ITEM_SHAPE needs one rank). */
static TRITONSERVER_Error *source_shapes(pt_batch *batch, const pt_batch_input *batch_input,
                                         const int64_t **shapes, uint32_t *dims, size_t *count) {
  *count = 0;
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    if (!batch->slots[r].in_batch) continue;
    TRITONBACKEND_Input *input = NULL;
    TRITONSERVER_Error *error =
        TRITONBACKEND_RequestInput(batch->slots[r].request, batch_input->source, &input);
    if (error == NULL)
      error = TRITONBACKEND_InputProperties(input, NULL, NULL, &shapes[*count], &dims[*count],
                                            NULL, NULL);
    if (error != NULL) return error;
    ++*count;
  }
  return NULL;
}

static TRITONSERVER_Error *compute(pt_batch *batch, const pt_batch_input *batch_input,
                                   ts_value *arg) {
  int kind = pt_batch_input_kind(batch_input->kind);
  size_t element_size = pt_dtype_byte_size(batch_input->dtype);
  if (batch_input->dtype == TS_DTYPE_FP16 || batch_input->dtype == TS_DTYPE_BF16)
    return pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                           "batch_input '%s' as %s is not supported; use an integer type, "
                           "TYPE_FP32 or TYPE_FP64",
                           batch_input->target, batch_input->dtype_name);
  const int64_t **shapes = pt_batch_calloc(batch, batch->slot_count + 1, sizeof(int64_t *));
  uint32_t *dims = pt_batch_calloc(batch, batch->slot_count + 1, sizeof(uint32_t));
  int64_t *shape = pt_batch_calloc(batch, 2, sizeof(int64_t));
  if (shapes == NULL || dims == NULL || shape == NULL)
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  size_t n = 0;
  TRITONSERVER_Error *error = source_shapes(batch, batch_input, shapes, dims, &n);
  if (error != NULL) return error;
  size_t item_dims = n > 0 && dims[0] > 0 ? dims[0] - 1 : 0;
  for (size_t r = 0; r < n; ++r)
    if ((kind == ITEM_SHAPE || kind == ITEM_FLATTEN) && dims[r] != dims[0])
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "batch_input '%s': requests batched together give source input "
                             "'%s' different ranks",
                             batch_input->target, batch_input->source);
  int64_t *counts = pt_batch_calloc(batch, n + 1, sizeof(int64_t));
  if (counts == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  int64_t max_count = 0;
  for (size_t r = 0; r < n; ++r) {
    counts[r] = 1;
    for (uint32_t d = 0; d < dims[r]; ++d) counts[r] *= shapes[r][d];
    if (counts[r] > max_count) max_count = counts[r];
  }
  size_t values = kind == ACCUMULATED_WITH_ZERO ? n + 1
                  : kind == MAX_AS_SHAPE        ? (size_t)max_count
                  : kind >= ITEM_SHAPE          ? n * item_dims
                                                : n;
  void *data = pt_batch_calloc(batch, values + 1, element_size);
  if (data == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  int64_t running = 0;
  size_t k = 0;
  if (kind == ACCUMULATED_WITH_ZERO) store(data, batch_input->dtype, k++, 0);
  for (size_t r = 0; r < n && kind != MAX_AS_SHAPE; ++r) {
    running += counts[r];
    if (kind == ELEMENT_COUNT) store(data, batch_input->dtype, k++, counts[r]);
    if (kind == ACCUMULATED || kind == ACCUMULATED_WITH_ZERO)
      store(data, batch_input->dtype, k++, running);
    for (size_t d = 0; kind >= ITEM_SHAPE && d < item_dims; ++d)
      store(data, batch_input->dtype, k++, shapes[r][d + 1]);
  }
  arg->kind = TS_VALUE_TENSOR;
  arg->dtype = batch_input->dtype;
  arg->data = data;
  arg->shape = shape;
  arg->dims_count = kind == ITEM_SHAPE ? 2 : 1;
  shape[0] = kind == ITEM_SHAPE ? (int64_t)n : (int64_t)values;
  shape[1] = (int64_t)item_dims;
  return NULL;
}

TRITONSERVER_Error *pt_compute_batch_inputs(pt_batch *batch) {
  const pt_instance_state *instance = batch->instance;
  const pt_model_config *config = &instance->model->config;
  for (size_t k = 0; k < config->batch_input_count; ++k) {
    size_t slot = instance->dict_mode ? instance->feed_count + k
                                      : (size_t)instance->batch_input_slots[k];
    TRITONSERVER_Error *error = compute(batch, &config->batch_inputs[k], &batch->args[slot]);
    if (error != NULL) return error;
  }
  return NULL;
}
