/* buffer_attributes.h — the private layout of TRITONSERVER_BufferAttributes, so the
 * core can fill and read them (response allocator, input buffers, memory usage). */
#ifndef TORCHD_CORE_BUFFER_ATTRIBUTES_H
#define TORCHD_CORE_BUFFER_ATTRIBUTES_H

#include <stddef.h>
#include <stdint.h>

#include "triton/core/tritonserver.h"

struct TRITONSERVER_BufferAttributes {
  TRITONSERVER_MemoryType memory_type; /* default CPU */
  int64_t memory_type_id;              /* default 0 */
  size_t byte_size;                    /* default 0 */
  void *cuda_ipc_handle;               /* borrowed; default NULL */
};

#endif
