/* allocator.c — TRITONSERVER_ResponseAllocator*: creation and callback registration.
 * The allocator is owned by the frontend and must outlive every response that used it. */
#include "allocator.h"

#include <stdlib.h>

#include "core_util.h"

TRITONSERVER_Error *TRITONSERVER_ResponseAllocatorNew(
    TRITONSERVER_ResponseAllocator **allocator,
    TRITONSERVER_ResponseAllocatorAllocFn_t alloc_fn,
    TRITONSERVER_ResponseAllocatorReleaseFn_t release_fn,
    TRITONSERVER_ResponseAllocatorStartFn_t start_fn)
{
  if (!allocator || !alloc_fn || !release_fn)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "TRITONSERVER_ResponseAllocatorNew: expected non-NULL allocator "
                       "out-pointer, alloc_fn and release_fn");
  TRITONSERVER_ResponseAllocator *a = calloc(1, sizeof(*a));
  if (!a)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  a->alloc_fn = alloc_fn;
  a->release_fn = release_fn;
  a->start_fn = start_fn;
  *allocator = a;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ResponseAllocatorSetBufferAttributesFunction(
    TRITONSERVER_ResponseAllocator *allocator,
    TRITONSERVER_ResponseAllocatorBufferAttributesFn_t buffer_attributes_fn)
{
  if (!allocator)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "allocator is NULL");
  allocator->buffer_attributes_fn = buffer_attributes_fn;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ResponseAllocatorSetQueryFunction(
    TRITONSERVER_ResponseAllocator *allocator, TRITONSERVER_ResponseAllocatorQueryFn_t query_fn)
{
  if (!allocator)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "allocator is NULL");
  allocator->query_fn = query_fn;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ResponseAllocatorDelete(TRITONSERVER_ResponseAllocator *allocator)
{
  free(allocator);
  return NULL;
}
