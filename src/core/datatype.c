/* datatype.c — the enum-to-string and size helpers of tritonserver.h: data types,
 * memory types, parameter types, instance kinds, trace levels and activities.
 * The strings are exactly Triton's (shared/spec/triton-api.md §1.2); all are static. */
#include <string.h>

#include "triton/core/tritonserver.h"

static const char *const data_type_names[] = {
    [TRITONSERVER_TYPE_BOOL] = "BOOL",     [TRITONSERVER_TYPE_UINT8] = "UINT8",
    [TRITONSERVER_TYPE_UINT16] = "UINT16", [TRITONSERVER_TYPE_UINT32] = "UINT32",
    [TRITONSERVER_TYPE_UINT64] = "UINT64", [TRITONSERVER_TYPE_INT8] = "INT8",
    [TRITONSERVER_TYPE_INT16] = "INT16",   [TRITONSERVER_TYPE_INT32] = "INT32",
    [TRITONSERVER_TYPE_INT64] = "INT64",   [TRITONSERVER_TYPE_FP16] = "FP16",
    [TRITONSERVER_TYPE_FP32] = "FP32",     [TRITONSERVER_TYPE_FP64] = "FP64",
    [TRITONSERVER_TYPE_BYTES] = "BYTES",   [TRITONSERVER_TYPE_BF16] = "BF16",
};
#define DATA_TYPE_COUNT (sizeof(data_type_names) / sizeof(data_type_names[0]))

/* "FP32" etc.; "<invalid>" for INVALID or an out-of-range value. */
const char *TRITONSERVER_DataTypeString(TRITONSERVER_DataType datatype)
{
  unsigned index = (unsigned)datatype;
  if (index >= DATA_TYPE_COUNT || data_type_names[index] == NULL)
    return "<invalid>";
  return data_type_names[index];
}

/* The inverse of TRITONSERVER_DataTypeString; INVALID for NULL or an unknown name. */
TRITONSERVER_DataType TRITONSERVER_StringToDataType(const char *dtype)
{
  if (dtype == NULL)
    return TRITONSERVER_TYPE_INVALID;
  for (unsigned i = 1; i < DATA_TYPE_COUNT; i++) {
    if (strcmp(dtype, data_type_names[i]) == 0)
      return (TRITONSERVER_DataType)i;
  }
  return TRITONSERVER_TYPE_INVALID;
}

/* Bytes per element; 0 for BYTES (variable size) and INVALID. */
uint32_t TRITONSERVER_DataTypeByteSize(TRITONSERVER_DataType datatype)
{
  switch (datatype) {
  case TRITONSERVER_TYPE_BOOL:
  case TRITONSERVER_TYPE_UINT8:
  case TRITONSERVER_TYPE_INT8: return 1;
  case TRITONSERVER_TYPE_UINT16:
  case TRITONSERVER_TYPE_INT16:
  case TRITONSERVER_TYPE_FP16:
  case TRITONSERVER_TYPE_BF16: return 2;
  case TRITONSERVER_TYPE_UINT32:
  case TRITONSERVER_TYPE_INT32:
  case TRITONSERVER_TYPE_FP32: return 4;
  case TRITONSERVER_TYPE_UINT64:
  case TRITONSERVER_TYPE_INT64:
  case TRITONSERVER_TYPE_FP64: return 8;
  default: return 0;
  }
}

const char *TRITONSERVER_MemoryTypeString(TRITONSERVER_MemoryType memtype)
{
  switch (memtype) {
  case TRITONSERVER_MEMORY_CPU: return "CPU";
  case TRITONSERVER_MEMORY_CPU_PINNED: return "CPU_PINNED";
  case TRITONSERVER_MEMORY_GPU: return "GPU";
  default: return "<invalid>";
  }
}

const char *TRITONSERVER_ParameterTypeString(TRITONSERVER_ParameterType paramtype)
{
  switch (paramtype) {
  case TRITONSERVER_PARAMETER_STRING: return "STRING";
  case TRITONSERVER_PARAMETER_INT: return "INT";
  case TRITONSERVER_PARAMETER_BOOL: return "BOOL";
  case TRITONSERVER_PARAMETER_DOUBLE: return "DOUBLE";
  case TRITONSERVER_PARAMETER_BYTES: return "BYTES";
  default: return "<invalid>";
  }
}

const char *TRITONSERVER_InstanceGroupKindString(TRITONSERVER_InstanceGroupKind kind)
{
  switch (kind) {
  case TRITONSERVER_INSTANCEGROUPKIND_AUTO: return "AUTO";
  case TRITONSERVER_INSTANCEGROUPKIND_CPU: return "CPU";
  case TRITONSERVER_INSTANCEGROUPKIND_GPU: return "GPU";
  case TRITONSERVER_INSTANCEGROUPKIND_MODEL: return "MODEL";
  default: return "<invalid>";
  }
}

const char *TRITONSERVER_InferenceTraceLevelString(TRITONSERVER_InferenceTraceLevel level)
{
  switch (level) {
  case TRITONSERVER_TRACE_LEVEL_DISABLED: return "DISABLED";
  case TRITONSERVER_TRACE_LEVEL_MIN: return "MIN";
  case TRITONSERVER_TRACE_LEVEL_MAX: return "MAX";
  case TRITONSERVER_TRACE_LEVEL_TIMESTAMPS: return "TIMESTAMPS";
  case TRITONSERVER_TRACE_LEVEL_TENSORS: return "TENSORS";
  default: return "<unknown>";
  }
}

const char *TRITONSERVER_InferenceTraceActivityString(TRITONSERVER_InferenceTraceActivity activity)
{
  switch (activity) {
  case TRITONSERVER_TRACE_REQUEST_START: return "REQUEST_START";
  case TRITONSERVER_TRACE_QUEUE_START: return "QUEUE_START";
  case TRITONSERVER_TRACE_COMPUTE_START: return "COMPUTE_START";
  case TRITONSERVER_TRACE_COMPUTE_INPUT_END: return "COMPUTE_INPUT_END";
  case TRITONSERVER_TRACE_COMPUTE_OUTPUT_START: return "COMPUTE_OUTPUT_START";
  case TRITONSERVER_TRACE_COMPUTE_END: return "COMPUTE_END";
  case TRITONSERVER_TRACE_REQUEST_END: return "REQUEST_END";
  case TRITONSERVER_TRACE_TENSOR_QUEUE_INPUT: return "TENSOR_QUEUE_INPUT";
  case TRITONSERVER_TRACE_TENSOR_BACKEND_INPUT: return "TENSOR_BACKEND_INPUT";
  case TRITONSERVER_TRACE_TENSOR_BACKEND_OUTPUT: return "TENSOR_BACKEND_OUTPUT";
  case TRITONSERVER_TRACE_CUSTOM_ACTIVITY: return "CUSTOM_ACTIVITY";
  default: return "<unknown>";
  }
}
