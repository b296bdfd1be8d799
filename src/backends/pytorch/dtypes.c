/*
 * dtypes.c: the data-type table of the PyTorch backend (see dtypes.h).
 */
#include "dtypes.h"

#include <string.h>

#include "torch_shim.h"

static const char *const config_names[] = {
    "TYPE_INVALID", "TYPE_BOOL",  "TYPE_UINT8", "TYPE_UINT16", "TYPE_UINT32",
    "TYPE_UINT64",  "TYPE_INT8",  "TYPE_INT16", "TYPE_INT32",  "TYPE_INT64",
    "TYPE_FP16",    "TYPE_FP32",  "TYPE_FP64",  "TYPE_STRING", "TYPE_BF16"};
enum { DTYPE_COUNT = sizeof(config_names) / sizeof(config_names[0]) };

int pt_dtype_from_config_name(const char *name) {
  for (int dtype = 1; name != NULL && dtype < DTYPE_COUNT; ++dtype)
    if (strcmp(name, config_names[dtype]) == 0) return dtype;
  return TS_DTYPE_INVALID;
}

const char *pt_dtype_config_name(int dtype) {
  return dtype >= 0 && dtype < DTYPE_COUNT ? config_names[dtype] : config_names[0];
}

bool pt_dtype_supported(int dtype) {
  switch (dtype) {
    case TS_DTYPE_BOOL: case TS_DTYPE_UINT8: case TS_DTYPE_INT8: case TS_DTYPE_INT16:
    case TS_DTYPE_INT32: case TS_DTYPE_INT64: case TS_DTYPE_FP16: case TS_DTYPE_FP32:
    case TS_DTYPE_FP64: case TS_DTYPE_BYTES: case TS_DTYPE_BF16:
      return true;
    default:
      return false;
  }
}

size_t pt_dtype_byte_size(int dtype) {
  switch (dtype) {
    case TS_DTYPE_BOOL: case TS_DTYPE_UINT8: case TS_DTYPE_INT8: return 1;
    case TS_DTYPE_UINT16: case TS_DTYPE_INT16: case TS_DTYPE_FP16: case TS_DTYPE_BF16: return 2;
    case TS_DTYPE_UINT32: case TS_DTYPE_INT32: case TS_DTYPE_FP32: return 4;
    case TS_DTYPE_UINT64: case TS_DTYPE_INT64: case TS_DTYPE_FP64: return 8;
    default: return 0;
  }
}
