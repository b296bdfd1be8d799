/* buffer_attributes.c — TRITONSERVER_BufferAttributes: where a buffer lives (memory
 * type and device id), how big it is, and its CUDA IPC handle if any. A plain value
 * object; the IPC handle is borrowed, never freed here. */
#include "buffer_attributes.h"

#include <stdlib.h>

#include "core_util.h"

static TRITONSERVER_Error *null_argument(const char *function)
{
  return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                     "%s: expected buffer attributes and a value pointer, got NULL", function);
}

/* Creates attributes for a 0-byte CPU buffer on device 0; the caller owns them. */
TRITONSERVER_Error *
TRITONSERVER_BufferAttributesNew(TRITONSERVER_BufferAttributes **buffer_attributes)
{
  if (buffer_attributes == NULL)
    return null_argument(__func__);
  TRITONSERVER_BufferAttributes *created = calloc(1, sizeof(*created));
  if (created == NULL)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL,
                                 "out of memory creating buffer attributes");
  created->memory_type = TRITONSERVER_MEMORY_CPU;
  *buffer_attributes = created;
  return NULL;
}

/* Frees the attributes (not the IPC handle). NULL is allowed. */
TRITONSERVER_Error *
TRITONSERVER_BufferAttributesDelete(TRITONSERVER_BufferAttributes *buffer_attributes)
{
  free(buffer_attributes);
  return NULL;
}

TRITONSERVER_Error *
TRITONSERVER_BufferAttributesSetMemoryTypeId(TRITONSERVER_BufferAttributes *buffer_attributes,
                                             int64_t memory_type_id)
{
  if (buffer_attributes == NULL)
    return null_argument(__func__);
  buffer_attributes->memory_type_id = memory_type_id;
  return NULL;
}

TRITONSERVER_Error *
TRITONSERVER_BufferAttributesSetMemoryType(TRITONSERVER_BufferAttributes *buffer_attributes,
                                           TRITONSERVER_MemoryType memory_type)
{
  if (buffer_attributes == NULL)
    return null_argument(__func__);
  if (memory_type != TRITONSERVER_MEMORY_CPU && memory_type != TRITONSERVER_MEMORY_CPU_PINNED &&
      memory_type != TRITONSERVER_MEMORY_GPU) {
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "%s: expected memory type CPU(0), CPU_PINNED(1) or GPU(2), got %d", __func__,
                       (int)memory_type);
  }
  buffer_attributes->memory_type = memory_type;
  return NULL;
}

/* Stores the handle pointer; the caller keeps ownership of what it points to. */
TRITONSERVER_Error *
TRITONSERVER_BufferAttributesSetCudaIpcHandle(TRITONSERVER_BufferAttributes *buffer_attributes,
                                              void *cuda_ipc_handle)
{
  if (buffer_attributes == NULL)
    return null_argument(__func__);
  buffer_attributes->cuda_ipc_handle = cuda_ipc_handle;
  return NULL;
}

TRITONSERVER_Error *
TRITONSERVER_BufferAttributesSetByteSize(TRITONSERVER_BufferAttributes *buffer_attributes,
                                         size_t byte_size)
{
  if (buffer_attributes == NULL)
    return null_argument(__func__);
  buffer_attributes->byte_size = byte_size;
  return NULL;
}

TRITONSERVER_Error *
TRITONSERVER_BufferAttributesMemoryTypeId(TRITONSERVER_BufferAttributes *buffer_attributes,
                                          int64_t *memory_type_id)
{
  if (buffer_attributes == NULL || memory_type_id == NULL)
    return null_argument(__func__);
  *memory_type_id = buffer_attributes->memory_type_id;
  return NULL;
}

TRITONSERVER_Error *
TRITONSERVER_BufferAttributesMemoryType(TRITONSERVER_BufferAttributes *buffer_attributes,
                                        TRITONSERVER_MemoryType *memory_type)
{
  if (buffer_attributes == NULL || memory_type == NULL)
    return null_argument(__func__);
  *memory_type = buffer_attributes->memory_type;
  return NULL;
}

TRITONSERVER_Error *
TRITONSERVER_BufferAttributesCudaIpcHandle(TRITONSERVER_BufferAttributes *buffer_attributes,
                                           void **cuda_ipc_handle)
{
  if (buffer_attributes == NULL || cuda_ipc_handle == NULL)
    return null_argument(__func__);
  *cuda_ipc_handle = buffer_attributes->cuda_ipc_handle;
  return NULL;
}

TRITONSERVER_Error *
TRITONSERVER_BufferAttributesByteSize(TRITONSERVER_BufferAttributes *buffer_attributes,
                                      size_t *byte_size)
{
  if (buffer_attributes == NULL || byte_size == NULL)
    return null_argument(__func__);
  *byte_size = buffer_attributes->byte_size;
  return NULL;
}
