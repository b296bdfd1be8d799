/* dtype.c — KServe v2 data type names and sizes (see dtype.h). */
#include "dtype.h"

#include <string.h>

static const struct {
  const char *name;
  size_t size;
} dtype_table[] = {
    [DTYPE_INVALID] = {"<invalid>", 0}, [DTYPE_BOOL] = {"BOOL", 1},
    [DTYPE_UINT8] = {"UINT8", 1},       [DTYPE_UINT16] = {"UINT16", 2},
    [DTYPE_UINT32] = {"UINT32", 4},     [DTYPE_UINT64] = {"UINT64", 8},
    [DTYPE_INT8] = {"INT8", 1},         [DTYPE_INT16] = {"INT16", 2},
    [DTYPE_INT32] = {"INT32", 4},       [DTYPE_INT64] = {"INT64", 8},
    [DTYPE_FP16] = {"FP16", 2},         [DTYPE_FP32] = {"FP32", 4},
    [DTYPE_FP64] = {"FP64", 8},         [DTYPE_BYTES] = {"BYTES", 0},
    [DTYPE_BF16] = {"BF16", 2},
};

enum { DTYPE_COUNT = sizeof(dtype_table) / sizeof(dtype_table[0]) };

int dtype_from_name(const char *name) {
  if (name == NULL) return DTYPE_INVALID;
  for (int i = 1; i < DTYPE_COUNT; ++i)
    if (strcmp(dtype_table[i].name, name) == 0) return i;
  return DTYPE_INVALID;
}

const char *dtype_name(int dtype) {
  if (dtype <= 0 || dtype >= DTYPE_COUNT) return dtype_table[0].name;
  return dtype_table[dtype].name;
}

size_t dtype_size(int dtype) {
  if (dtype <= 0 || dtype >= DTYPE_COUNT) return 0;
  return dtype_table[dtype].size;
}
