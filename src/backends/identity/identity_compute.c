/* identity_compute.c — the identity backend's arithmetic: copy an input to the output
 * of the matching name, add/subtract two inputs, or accumulate into implicit state. Inputs may
 * arrive in several buffers (the core does not merge them); they are gathered in order. */
#include "identity_compute.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static TRITONSERVER_Error *errorf(const identity_model *model, const char *tensor, const char *what)
{
  char message[512];
  snprintf(message, sizeof(message), "identity backend: model '%s', tensor '%s': %s", model->name,
           tensor, what);
  return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG, message);
}

/* Copies all buffers of 'input' (total 'byte_size' bytes) into 'destination'. */
static TRITONSERVER_Error *gather(TRITONBACKEND_Input *input, uint32_t buffer_count,
                                  uint64_t byte_size, char *destination)
{
  uint64_t offset = 0;
  for (uint32_t i = 0; i < buffer_count; i++) {
    const void *buffer = NULL;
    uint64_t size = 0;
    TRITONSERVER_MemoryType memory_type = TRITONSERVER_MEMORY_CPU;
    int64_t memory_type_id = 0;
    TRITONSERVER_Error *error =
        TRITONBACKEND_InputBuffer(input, i, &buffer, &size, &memory_type, &memory_type_id);
    if (error != NULL)
      return error;
    if (memory_type == TRITONSERVER_MEMORY_GPU)
      return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_UNSUPPORTED,
                                   "identity backend: GPU input buffers are not supported");
    if (offset + size > byte_size)
      return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL,
                                   "identity backend: input buffers exceed the input byte size");
    if (size > 0)
      memcpy(destination + offset, buffer, size);
    offset += size;
  }
  return NULL;
}

/* Creates output 'name' shaped like the input and returns its buffer in *buffer. */
static TRITONSERVER_Error *new_output(TRITONBACKEND_Response *response, const char *name,
                                      TRITONSERVER_DataType datatype, const int64_t *shape,
                                      uint32_t dims_count, uint64_t byte_size, void **buffer)
{
  TRITONBACKEND_Output *output = NULL;
  TRITONSERVER_Error *error =
      TRITONBACKEND_ResponseOutput(response, &output, name, datatype, shape, dims_count);
  if (error != NULL)
    return error;
  TRITONSERVER_MemoryType memory_type = TRITONSERVER_MEMORY_CPU;
  int64_t memory_type_id = 0;
  error = TRITONBACKEND_OutputBuffer(output, buffer, byte_size, &memory_type, &memory_type_id);
  if (error == NULL && memory_type == TRITONSERVER_MEMORY_GPU)
    error = TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_UNSUPPORTED,
                                  "identity backend: GPU output buffers are not supported");
  return error;
}

/* Returns "INPUTx" for "OUTPUTx" (first occurrence replaced) in 'out' (size >= 256). */
static void input_name_for(const char *output_name, char *out, size_t size)
{
  const char *at = strstr(output_name, "OUTPUT");
  if (at == NULL) {
    snprintf(out, size, "%s", output_name);
    return;
  }
  snprintf(out, size, "%.*sINPUT%s", (int)(at - output_name), output_name, at + 6);
}

static TRITONSERVER_Error *copy_output(const identity_model *model, TRITONBACKEND_Request *request,
                                       TRITONBACKEND_Response *response, const char *output_name)
{
  char input_name[256];
  input_name_for(output_name, input_name, sizeof(input_name));
  TRITONBACKEND_Input *input = NULL;
  TRITONSERVER_Error *lookup = TRITONBACKEND_RequestInput(request, input_name, &input);
  if (lookup != NULL) {
    TRITONSERVER_ErrorDelete(lookup);
    char what[320];
    snprintf(what, sizeof(what), "no input '%s' to copy to this output", input_name);
    return errorf(model, output_name, what);
  }
  TRITONSERVER_DataType datatype;
  const int64_t *shape = NULL;
  uint32_t dims_count = 0, buffer_count = 0;
  uint64_t byte_size = 0;
  TRITONSERVER_Error *error = TRITONBACKEND_InputProperties(input, NULL, &datatype, &shape,
                                                            &dims_count, &byte_size, &buffer_count);
  void *buffer = NULL;
  if (error == NULL)
    error = new_output(response, output_name, datatype, shape, dims_count, byte_size, &buffer);
  if (error == NULL)
    error = gather(input, buffer_count, byte_size, buffer);
  return error;
}

/* The two operands of add_sub, gathered into owned contiguous buffers. */
typedef struct operands {
  TRITONSERVER_DataType datatype;
  const int64_t *shape;
  uint32_t dims_count;
  uint64_t byte_size;
  char *a, *b; /* owned */
} operands;

static TRITONSERVER_Error *read_operand(const identity_model *model, TRITONBACKEND_Request *request,
                                        const char *name, operands *ops, char **data)
{
  const char *mode = model->mode == IDENTITY_MODE_ADD_SUB ? "add_sub" : "accumulate";
  TRITONBACKEND_Input *input = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_RequestInput(request, name, &input);
  if (error != NULL) {
    TRITONSERVER_ErrorDelete(error);
    char what[128];
    snprintf(what, sizeof(what), "mode %s needs this input", mode);
    return errorf(model, name, what);
  }
  TRITONSERVER_DataType datatype;
  const int64_t *shape = NULL;
  uint32_t dims_count = 0, buffer_count = 0;
  uint64_t byte_size = 0;
  if ((error = TRITONBACKEND_InputProperties(input, NULL, &datatype, &shape, &dims_count,
                                             &byte_size, &buffer_count)) != NULL)
    return error;
  if (datatype != TRITONSERVER_TYPE_FP32 && datatype != TRITONSERVER_TYPE_INT32) {
    char what[128];
    snprintf(what, sizeof(what), "mode %s expected FP32 or INT32, got %s", mode,
             TRITONSERVER_DataTypeString(datatype));
    return errorf(model, name, what);
  }
  if (ops->shape == NULL) {
    ops->datatype = datatype;
    ops->shape = shape;
    ops->dims_count = dims_count;
    ops->byte_size = byte_size;
  } else if (datatype != ops->datatype || byte_size != ops->byte_size ||
             dims_count != ops->dims_count ||
             memcmp(shape, ops->shape, dims_count * sizeof(int64_t)) != 0) {
    char what[128];
    snprintf(what, sizeof(what), "mode %s expected the same datatype and shape for both inputs",
             mode);
    return errorf(model, name, what);
  }
  if ((*data = malloc(byte_size > 0 ? byte_size : 1)) == NULL)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "identity backend: out of memory");
  return gather(input, buffer_count, byte_size, *data);
}

/* Writes a+b (sign 1) or a-b (sign -1) elementwise into 'out'. */
static void add_or_subtract(const operands *ops, int sign, void *out)
{
  if (ops->datatype == TRITONSERVER_TYPE_FP32) {
    size_t n = ops->byte_size / sizeof(float);
    const float *a = (const float *)(const void *)ops->a, *b = (const float *)(const void *)ops->b;
    float *o = out;
    for (size_t i = 0; i < n; i++)
      o[i] = sign > 0 ? a[i] + b[i] : a[i] - b[i];
  } else {
    size_t n = ops->byte_size / sizeof(int32_t);
    const int32_t *a = (const int32_t *)(const void *)ops->a;
    const int32_t *b = (const int32_t *)(const void *)ops->b;
    int32_t *o = out;
    /* Wrapping arithmetic, as INT32 tensors in frameworks do; no signed overflow UB. */
    for (size_t i = 0; i < n; i++)
      o[i] =
          (int32_t)(sign > 0 ? (uint32_t)a[i] + (uint32_t)b[i] : (uint32_t)a[i] - (uint32_t)b[i]);
  }
}

static TRITONSERVER_Error *add_sub(const identity_model *model, TRITONBACKEND_Request *request,
                                   TRITONBACKEND_Response *response, uint32_t output_count)
{
  operands ops = {0};
  TRITONSERVER_Error *error = read_operand(model, request, "INPUT0", &ops, &ops.a);
  if (error == NULL)
    error = read_operand(model, request, "INPUT1", &ops, &ops.b);
  for (uint32_t i = 0; error == NULL && i < output_count; i++) {
    const char *name = NULL;
    if ((error = TRITONBACKEND_RequestOutputName(request, i, &name)) != NULL)
      break;
    int sign = strcmp(name, "OUTPUT0") == 0 ? 1 : strcmp(name, "OUTPUT1") == 0 ? -1 : 0;
    if (sign == 0) {
      error = errorf(model, name, "add_sub produces only OUTPUT0 and OUTPUT1");
      break;
    }
    void *buffer = NULL;
    error =
        new_output(response, name, ops.datatype, ops.shape, ops.dims_count, ops.byte_size, &buffer);
    if (error == NULL)
      add_or_subtract(&ops, sign, buffer);
  }
  free(ops.a);
  free(ops.b);
  return error;
}

/* OUTPUT0 = INPUT_STATE + INPUT0, stored back as the sequence's state OUTPUT_STATE. */
static TRITONSERVER_Error *accumulate(const identity_model *model, TRITONBACKEND_Request *request,
                                      TRITONBACKEND_Response *response)
{
  operands ops = {0};
  TRITONSERVER_Error *error = read_operand(model, request, "INPUT_STATE", &ops, &ops.a);
  if (error == NULL)
    error = read_operand(model, request, "INPUT0", &ops, &ops.b);
  void *buffer = NULL;
  if (error == NULL)
    error = new_output(response, "OUTPUT0", ops.datatype, ops.shape, ops.dims_count, ops.byte_size,
                       &buffer);
  if (error == NULL)
    add_or_subtract(&ops, 1, buffer);
  TRITONBACKEND_State *state = NULL;
  void *state_buffer = NULL;
  TRITONSERVER_MemoryType memory_type = TRITONSERVER_MEMORY_CPU;
  int64_t memory_type_id = 0;
  if (error == NULL)
    error = TRITONBACKEND_StateNew(&state, request, "OUTPUT_STATE", ops.datatype, ops.shape,
                                   ops.dims_count);
  if (error == NULL)
    error = TRITONBACKEND_StateBuffer(state, &state_buffer, ops.byte_size, &memory_type,
                                      &memory_type_id);
  if (error == NULL) {
    memcpy(state_buffer, buffer, ops.byte_size);
    error = TRITONBACKEND_StateUpdate(state);
  }
  free(ops.a);
  free(ops.b);
  return error;
}

TRITONSERVER_Error *identity_compute(const identity_model *model, TRITONBACKEND_Request *request,
                                     TRITONBACKEND_Response *response)
{
  if (model->mode == IDENTITY_MODE_ACCUMULATE)
    return accumulate(model, request, response);
  uint32_t output_count = 0;
  TRITONSERVER_Error *error = TRITONBACKEND_RequestOutputCount(request, &output_count);
  if (error != NULL)
    return error;
  if (model->mode == IDENTITY_MODE_ADD_SUB)
    return add_sub(model, request, response, output_count);
  for (uint32_t i = 0; i < output_count; i++) {
    const char *name = NULL;
    if ((error = TRITONBACKEND_RequestOutputName(request, i, &name)) != NULL)
      return error;
    if ((error = copy_output(model, request, response, name)) != NULL)
      return error;
  }
  return NULL;
}
