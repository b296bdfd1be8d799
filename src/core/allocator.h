/* allocator.h — the frontend's response allocator (TRITONSERVER_ResponseAllocator): a
 * bundle of callbacks the core calls when a backend asks for an output buffer. */
#ifndef TORCHD_CORE_ALLOCATOR_H
#define TORCHD_CORE_ALLOCATOR_H

#include "triton/core/tritonserver.h"

struct TRITONSERVER_ResponseAllocator {
  TRITONSERVER_ResponseAllocatorAllocFn_t alloc_fn;
  TRITONSERVER_ResponseAllocatorReleaseFn_t release_fn;
  TRITONSERVER_ResponseAllocatorStartFn_t start_fn;
  TRITONSERVER_ResponseAllocatorQueryFn_t query_fn;
  TRITONSERVER_ResponseAllocatorBufferAttributesFn_t buffer_attributes_fn;
};

#endif
