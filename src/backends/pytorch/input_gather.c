/*
 * input_gather.c: turns the inputs of a batch of requests into forward arguments
 * (pytorch-backend.md §4.2-4.3).
 *
 * Tensors: requests are concatenated on dim 0 into one contiguous buffer (ragged inputs:
 * flattened into one 1-D tensor); a single request whose input is already one contiguous
 * CPU buffer is used in place (zero copy). Zero-size inputs become empty tensors.
 * Strings: each request's length-prefixed elements are parsed in place and appended in
 * request order; a malformed request fails alone, its positions padded with "".
 * Optional inputs absent from every request become None.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_util.h"
#include "batch_io.h"
#include "dtypes.h"
#include "string_io.h"

/* One input of one request, as the host describes it. */
typedef struct {
  TRITONBACKEND_Input *input; /* NULL when the request lacks it */
  TRITONSERVER_DataType dtype;
  const int64_t *shape;
  uint32_t dims;
  uint64_t byte_size;
  uint32_t buffer_count;
} request_input;

static int64_t element_count(const int64_t *shape, uint32_t dims) {
  int64_t count = 1;
  for (uint32_t d = 0; d < dims; ++d) count *= shape[d];
  return count;
}

/* Points *buffer at the input's data when it is exactly one host buffer holding all of
 * it (borrowed from the request); leaves it NULL when a copy is needed instead. */
static TRITONSERVER_Error *single_host_buffer(const request_input *in, const void **buffer) {
  *buffer = NULL;
  if (in->buffer_count != 1) return NULL;
  const void *found = NULL;
  uint64_t size = 0;
  TRITONSERVER_MemoryType memory_type = TRITONSERVER_MEMORY_CPU;
  int64_t memory_id = 0;
  TRITONSERVER_Error *error =
      TRITONBACKEND_InputBuffer(in->input, 0, &found, &size, &memory_type, &memory_id);
  if (error == NULL && memory_type != TRITONSERVER_MEMORY_GPU && size == in->byte_size)
    *buffer = found;
  return error;
}

/* Copies every buffer of `input` to `out` (byte_size bytes). */
static TRITONSERVER_Error *copy_buffers(const request_input *in, char *out) {
  uint64_t offset = 0;
  for (uint32_t b = 0; b < in->buffer_count; ++b) {
    const void *buffer = NULL;
    uint64_t size = 0;
    TRITONSERVER_MemoryType memory_type = TRITONSERVER_MEMORY_CPU;
    int64_t memory_id = 0;
    TRITONSERVER_Error *error =
        TRITONBACKEND_InputBuffer(in->input, b, &buffer, &size, &memory_type, &memory_id);
    if (error != NULL) return error;
    if (offset + size > in->byte_size)
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "input buffers hold more than the %llu bytes the input declares",
                             (unsigned long long)in->byte_size);
    if (memory_type == TRITONSERVER_MEMORY_GPU) { /* e.g. a client's CUDA shared memory */
      char *message = ts_copy_bytes(out + offset, buffer, size, (int)memory_id);
      if (message != NULL) {
        error = pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "input buffer on GPU %lld: %s",
                                (long long)memory_id, message);
        free(message);
        return error;
      }
    } else if (size > 0) {
      memcpy(out + offset, buffer, size);
    }
    offset += size;
  }
  return NULL;
}

/* Looks up input `name` in every open request. Returns the index of the first request that
 * has it, or -1. Requests that fail the lookup (other than by absence) are closed. */
static int describe_inputs(pt_batch *batch, const char *name, request_input *ins) {
  int first = -1;
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    request_input *in = &ins[r];
    memset(in, 0, sizeof(*in));
    if (!batch->slots[r].in_batch) continue;
    TRITONSERVER_Error *lookup = TRITONBACKEND_RequestInput(batch->slots[r].request, name,
                                                            &in->input);
    if (lookup != NULL) { /* the host reports absence as an error: treat it as absence */
      TRITONSERVER_ErrorDelete(lookup);
      in->input = NULL;
      continue;
    }
    TRITONSERVER_Error *error =
        TRITONBACKEND_InputProperties(in->input, NULL, &in->dtype, &in->shape, &in->dims,
                                      &in->byte_size, &in->buffer_count);
    if (error != NULL) {
      pt_batch_fail(batch, r, error);
      TRITONSERVER_ErrorDelete(error);
      in->input = NULL;
      continue;
    }
    if (first < 0) first = (int)r;
  }
  return first;
}

/* Closes open requests that lack a required input, or (optional input) all requests when
 * only some have it. Returns true when the input is absent everywhere (None). */
static bool handle_absence(pt_batch *batch, const pt_io_config *config, request_input *ins,
                           int first) {
  if (first < 0 && config->optional) return true;
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    if (batch->slots[r].response == NULL || ins[r].input != NULL) continue;
    TRITONSERVER_Error *error = pt_triton_error(
        TRITONSERVER_ERROR_INVALID_ARG,
        config->optional
            ? "optional input '%s' is missing from this request but present in others of the "
              "same batch; it must be given by all or none"
            : "input '%s' is missing from the request",
        config->name);
    pt_batch_fail(batch, r, error);
    TRITONSERVER_ErrorDelete(error);
  }
  return false;
}

/* Offset of request r's data in the batched buffer, in elements. Batched inputs are placed
 * by row (so a request that failed leaves zero rows and the others keep their place);
 * ragged and non-batched inputs are simply concatenated. */
static TRITONSERVER_Error *gather_tensor(pt_batch *batch, const pt_io_config *config,
                                         request_input *ins, int first, ts_value *arg) {
  const request_input *model = &ins[first];
  bool batching = batch->instance->model->config.max_batch_size > 0;
  bool ragged = config->allow_ragged_batch;
  bool by_row = batching && !ragged && model->dims > 0;
  size_t element_size = pt_dtype_byte_size(model->dtype);
  if (element_size == 0)
    return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                           "input '%s' has data type %s, which has no tensor equivalent",
                           config->name, pt_dtype_config_name(model->dtype));
  int64_t row_elements = by_row ? element_count(model->shape + 1, model->dims - 1) : 0;
  int64_t total_elements = 0;
  uint32_t used = 0;
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    if (ins[r].input == NULL) continue;
    bool same = !by_row || ins[r].dims == model->dims;
    for (uint32_t d = 1; by_row && same && d < model->dims; ++d)
      same = ins[r].shape[d] == model->shape[d];
    if (!same)
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "requests batched together disagree on the shape of input '%s' "
                             "beyond the batch dimension",
                             config->name);
    int64_t elements = element_count(ins[r].shape, ins[r].dims);
    if ((uint64_t)elements * element_size != ins[r].byte_size ||
        (by_row && ins[r].shape[0] != batch->slots[r].rows)) {
      TRITONSERVER_Error *error = pt_triton_error(
          TRITONSERVER_ERROR_INVALID_ARG,
          "input '%s' holds %llu bytes, expected %lld for its shape and data type %s",
          config->name, (unsigned long long)ins[r].byte_size,
          (long long)(elements * (int64_t)element_size), pt_dtype_config_name(ins[r].dtype));
      pt_batch_fail(batch, r, error);
      TRITONSERVER_ErrorDelete(error);
      ins[r].input = NULL;
      continue;
    }
    total_elements += elements;
    ++used;
  }
  int64_t *shape = pt_batch_calloc(batch, model->dims + 1, sizeof(int64_t));
  if (shape == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  size_t dims = model->dims;
  memcpy(shape, model->shape, model->dims * sizeof(int64_t));
  if (ragged) {
    dims = 1;
    shape[0] = total_elements;
  } else if (by_row) {
    shape[0] = batch->total_rows;
    total_elements = batch->total_rows * row_elements;
  }
  uint64_t total_bytes = (uint64_t)total_elements * element_size;
  arg->kind = TS_VALUE_TENSOR;
  arg->dtype = model->dtype;
  arg->shape = shape;
  arg->dims_count = dims;
  if (total_bytes == 0 || used == 0) return NULL;

  /* Zero copy: one request that is the whole batch, with its data in one CPU buffer. */
  if (used == 1 && ins[first].input != NULL && model->byte_size == total_bytes) {
    const void *buffer = NULL;
    TRITONSERVER_Error *error = single_host_buffer(model, &buffer);
    if (error != NULL) TRITONSERVER_ErrorDelete(error);
    if (buffer != NULL) {
      arg->data = (void *)buffer; /* read only: forward sees it through from_blob */
      return NULL;
    }
  }
  char *data = pt_batch_keep(batch, calloc(1, total_bytes));
  if (data == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  uint64_t offset = 0;
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    if (ins[r].input == NULL) continue;
    if (by_row) offset = (uint64_t)(batch->slots[r].row_offset * row_elements) * element_size;
    TRITONSERVER_Error *error = copy_buffers(&ins[r], data + offset);
    if (error != NULL) { /* this request alone fails; its rows stay zero */
      memset(data + offset, 0, ins[r].byte_size);
      pt_batch_fail(batch, r, error);
      TRITONSERVER_ErrorDelete(error);
    }
    offset += ins[r].byte_size;
  }
  arg->data = data;
  return NULL;
}

/* Returns the request's BYTES content as one contiguous host buffer. */
static TRITONSERVER_Error *string_bytes(pt_batch *batch, const request_input *in,
                                        const char **bytes) {
  *bytes = NULL;
  if (in->byte_size == 0) return NULL;
  const void *buffer = NULL;
  TRITONSERVER_Error *error = single_host_buffer(in, &buffer);
  if (error != NULL) return error;
  if (buffer != NULL) {
    *bytes = buffer;
    return NULL;
  }
  char *copy = pt_batch_keep(batch, malloc(in->byte_size));
  if (copy == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  *bytes = copy;
  return copy_buffers(in, copy);
}

static TRITONSERVER_Error *gather_strings(pt_batch *batch, const pt_io_config *config,
                                          request_input *ins, ts_value *arg) {
  bool batching = batch->instance->model->config.max_batch_size > 0;
  size_t total = 0;
  for (uint32_t r = 0; r < batch->slot_count; ++r)
    if (ins[r].input != NULL && !batching) total += (size_t)element_count(ins[r].shape, ins[r].dims);
  if (batching) total = (size_t)batch->total_rows; /* strings are 1-D: one per row */
  const char **strings = pt_batch_calloc(batch, total + 1, sizeof(char *));
  size_t *lengths = pt_batch_calloc(batch, total + 1, sizeof(size_t));
  if (strings == NULL || lengths == NULL)
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  for (size_t i = 0; i < total; ++i) strings[i] = "";
  size_t position = 0;
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    if (ins[r].input == NULL) continue;
    size_t expected = (size_t)element_count(ins[r].shape, ins[r].dims);
    if (batching) position = (size_t)batch->slots[r].row_offset;
    const char *bytes = NULL;
    TRITONSERVER_Error *error = NULL;
    if (batching && expected != (size_t)batch->slots[r].rows)
      error = pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                              "string input '%s' must hold one element per batch row: %zu "
                              "elements for %lld rows",
                              config->name, expected, (long long)batch->slots[r].rows);
    if (error == NULL) error = string_bytes(batch, &ins[r], &bytes);
    size_t parsed = 0;
    if (error == NULL)
      error = pt_to_triton(pt_strings_parse(config->name, bytes, ins[r].byte_size, expected,
                                            strings + position, lengths + position, &parsed));
    if (error != NULL) {
      size_t pad = batching ? (size_t)batch->slots[r].rows : expected;
      for (size_t i = 0; i < pad && position + i < total; ++i) {
        strings[position + i] = "";
        lengths[position + i] = 0;
      }
      pt_batch_fail(batch, r, error);
      TRITONSERVER_ErrorDelete(error);
    }
    position += expected;
  }
  arg->kind = TS_VALUE_STRINGS;
  arg->dtype = TS_DTYPE_BYTES;
  arg->strings = strings;
  arg->string_lengths = lengths;
  arg->string_count = total;
  return NULL;
}

TRITONSERVER_Error *pt_gather_inputs(pt_batch *batch) {
  const pt_instance_state *instance = batch->instance;
  batch->arg_count = instance->dict_mode
                         ? instance->feed_count + instance->model->config.batch_input_count
                         : instance->arg_count;
  batch->args = pt_batch_calloc(batch, batch->arg_count + 1, sizeof(ts_value));
  request_input *ins = pt_batch_calloc(batch, batch->slot_count + 1, sizeof(request_input));
  if (batch->args == NULL || ins == NULL)
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  for (size_t i = 0; i < batch->arg_count; ++i)
    batch->args[i].kind = !instance->dict_mode && instance->arg_takes_default[i]
                              ? TS_VALUE_DEFAULT
                              : TS_VALUE_NONE;
  for (size_t i = 0; i < instance->feed_count; ++i) {
    const pt_io_config *input = &instance->feeds[i];
    ts_value *arg = &batch->args[instance->dict_mode ? (int)i : instance->feed_slots[i]];
    int first = describe_inputs(batch, input->name, ins);
    if (handle_absence(batch, input, ins, first) || pt_batch_open_count(batch) == 0) continue;
    if (first < 0) continue;
    TRITONSERVER_Error *error = ins[first].dtype == TRITONSERVER_TYPE_BYTES
                                    ? gather_strings(batch, input, ins, arg)
                                    : gather_tensor(batch, input, ins, first, arg);
    if (error != NULL) return error;
  }
  return pt_batch_open_count(batch) > 0 ? pt_compute_batch_inputs(batch) : NULL;
}
