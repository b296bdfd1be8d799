/*
 * infer_core.c — the part of an inference both protocols share (see infer_core.h): the
 * core request built from a parsed infer_request, and the response allocator that puts
 * outputs in shared memory when asked, else in malloc'd buffers.
 */
#include "infer_core.h"

#include "errfmt.h"
#include "dtype.h"

#include <stdlib.h>
#include <string.h>

/* ---- allocator ----------------------------------------------------------------------- */

/* The core error code for a shm_registry_resolve failure status (404 or 400). */
static TRITONSERVER_Error_Code shm_error_code(int status) {
  return status == 404 ? TRITONSERVER_ERROR_NOT_FOUND : TRITONSERVER_ERROR_INVALID_ARG;
}

const infer_output *infer_requested_output(const infer_request *parsed, const char *name) {
  for (size_t i = 0; i < parsed->output_count; ++i)
    if (strcmp(parsed->outputs[i].name, name) == 0) return &parsed->outputs[i];
  return NULL;
}

static TRITONSERVER_Error *alloc_output(TRITONSERVER_ResponseAllocator *allocator,
                                        const char *tensor_name, size_t byte_size,
                                        TRITONSERVER_MemoryType memory_type,
                                        int64_t memory_type_id, void *userp, void **buffer,
                                        void **buffer_userp,
                                        TRITONSERVER_MemoryType *actual_memory_type,
                                        int64_t *actual_memory_type_id) {
  (void)allocator;
  (void)memory_type;
  (void)memory_type_id;
  infer_alloc_context *call = userp;
  *actual_memory_type = TRITONSERVER_MEMORY_CPU;
  *actual_memory_type_id = 0;
  *buffer = NULL;
  *buffer_userp = NULL;
  const infer_output *spec = call ? infer_requested_output(call->parsed, tensor_name) : NULL;
  if (spec != NULL && spec->shm_region != NULL) {
    if (byte_size > spec->shm_byte_size) { /* INTERNAL, as Triton's InferResponseAlloc */
      char *message = errfmt("shared memory size specified with the request for output '%s' "
                             "(%llu bytes) should be at least %zu bytes to hold the results",
                             tensor_name, (unsigned long long)spec->shm_byte_size, byte_size);
      TRITONSERVER_Error *err = TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, message);
      free(message);
      return err;
    }
    int status = 400, device = -1;
    char *message = shm_registry_locate(&call->fe->shm, spec->shm_region, spec->shm_offset,
                                        spec->shm_byte_size, buffer, &device, &status);
    if (message != NULL) {
      TRITONSERVER_Error *err = TRITONSERVER_ErrorNew(shm_error_code(status), message);
      free(message);
      return err;
    }
    if (device >= 0) { /* a CUDA region: the backend writes straight to that GPU */
      *actual_memory_type = TRITONSERVER_MEMORY_GPU;
      *actual_memory_type_id = device;
    }
    return NULL;
  }
  if (byte_size == 0) return NULL;
  *buffer = malloc(byte_size);
  if (*buffer == NULL)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "out of memory for an output");
  *buffer_userp = *buffer; /* marks a buffer we own */
  return NULL;
}

static TRITONSERVER_Error *release_output(TRITONSERVER_ResponseAllocator *allocator,
                                          void *buffer, void *buffer_userp, size_t byte_size,
                                          TRITONSERVER_MemoryType memory_type,
                                          int64_t memory_type_id) {
  (void)allocator;
  (void)byte_size;
  (void)memory_type;
  (void)memory_type_id;
  if (buffer_userp != NULL && buffer_userp == buffer) free(buffer);
  return NULL;
}

TRITONSERVER_Error *infer_allocator_new(TRITONSERVER_ResponseAllocator **allocator) {
  return TRITONSERVER_ResponseAllocatorNew(allocator, alloc_output, release_output, NULL);
}

#define TRY(expr)                                                                          \
  do {                                                                                     \
    err = (expr);                                                                          \
    if (err != NULL) goto fail;                                                            \
  } while (0)

TRITONSERVER_Error *infer_core_request_new(frontend *fe, const infer_request *p,
                                          const char *model, int64_t version,
                                          TRITONSERVER_InferenceRequest **out) {
  TRITONSERVER_InferenceRequest *req = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_InferenceRequestNew(&req, fe->server, model, version);
  if (err != NULL) return err;
  if (p->id[0] != '\0') TRY(TRITONSERVER_InferenceRequestSetId(req, p->id));
  uint32_t flags = (p->sequence_start ? TRITONSERVER_REQUEST_FLAG_SEQUENCE_START : 0) |
                   (p->sequence_end ? TRITONSERVER_REQUEST_FLAG_SEQUENCE_END : 0);
  if (flags) TRY(TRITONSERVER_InferenceRequestSetFlags(req, flags));
  if (p->has_sequence_id) {
    if (p->sequence_id_is_string)
      TRY(TRITONSERVER_InferenceRequestSetCorrelationIdString(req, p->sequence_id_string));
    else
      TRY(TRITONSERVER_InferenceRequestSetCorrelationId(req, p->sequence_id));
  }
  if (p->priority) TRY(TRITONSERVER_InferenceRequestSetPriorityUInt64(req, p->priority));
  if (p->timeout_us) TRY(TRITONSERVER_InferenceRequestSetTimeoutMicroseconds(req, p->timeout_us));
  for (size_t i = 0; i < p->parameter_count; ++i) {
    const infer_parameter *q = &p->parameters[i];
    switch (q->type) {
    case PARAM_STRING: TRY(TRITONSERVER_InferenceRequestSetStringParameter(req, q->key, q->string_value)); break;
    case PARAM_INT: TRY(TRITONSERVER_InferenceRequestSetIntParameter(req, q->key, q->int_value)); break;
    case PARAM_BOOL: TRY(TRITONSERVER_InferenceRequestSetBoolParameter(req, q->key, q->bool_value)); break;
    case PARAM_DOUBLE: TRY(TRITONSERVER_InferenceRequestSetDoubleParameter(req, q->key, q->double_value)); break;
    }
  }
  for (size_t i = 0; i < p->input_count; ++i) {
    const infer_input *in = &p->inputs[i];
    TRY(TRITONSERVER_InferenceRequestAddInput(req, in->name, (TRITONSERVER_DataType)in->datatype,
                                              in->shape, in->dim_count));
    const void *data = in->data;
    int device = -1; /* where the data is: the host, or a CUDA region's GPU */
    if (in->source == INPUT_FROM_SHM) {
      void *address = NULL;
      int status = 400;
      char *message = shm_registry_locate(&fe->shm, in->shm_region, in->shm_offset,
                                          in->byte_size, &address, &device, &status);
      if (message == NULL && in->datatype == DTYPE_BYTES && device >= 0)
        message = errfmt("input '%s' holds BYTES in CUDA shared memory region '%s'; send "
                         "strings in system shared memory or in the request",
                         in->name, in->shm_region);
      else if (message == NULL && in->datatype == DTYPE_BYTES) {
        uint64_t elements = 0;
        infer_shape_element_count(in->shape, in->dim_count, &elements);
        message = infer_check_bytes_buffer(in->name, address, in->byte_size, elements);
      }
      if (message != NULL) {
        err = TRITONSERVER_ErrorNew(shm_error_code(status), message);
        free(message);
        goto fail;
      }
      data = address;
    }
    TRY(TRITONSERVER_InferenceRequestAppendInputData(
        req, in->name, data, in->byte_size,
        device >= 0 ? TRITONSERVER_MEMORY_GPU : TRITONSERVER_MEMORY_CPU, device >= 0 ? device : 0));
  }
  for (size_t i = 0; i < p->output_count; ++i) {
    const infer_output *o = &p->outputs[i];
    TRY(TRITONSERVER_InferenceRequestAddRequestedOutput(req, o->name));
    /* As Triton, an output's shared-memory window is checked before the request runs
     * (the allocator resolves it again when the output is written). */
    if (o->shm_region != NULL) {
      void *address = NULL;
      int status = 400;
      char *message = shm_registry_resolve(&fe->shm, o->shm_region, o->shm_offset,
                                           o->shm_byte_size, &address, &status);
      if (message != NULL) {
        err = TRITONSERVER_ErrorNew(shm_error_code(status), message);
        free(message);
        goto fail;
      }
    }
  }
  *out = req;
  return NULL;
fail:
  TRITONSERVER_InferenceRequestDelete(req);
  return err;
}
