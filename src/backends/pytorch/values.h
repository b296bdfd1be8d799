/*
 * values.h: the values every runtime of the PyTorch backend exchanges with the shared batch
 * path, in plain C: data types (TRITONSERVER_DataType numbering), one forward argument
 * (ts_value, gathered by input_gather.c) and one returned output (ts_output, read by
 * output_scatter.c).
 *
 * Why it exists: the TorchScript, AOTInductor and Python runtimes all take arguments and
 * give outputs in these shapes, so gathering and scattering is written once. The `ts_`
 * prefix is historical (the TorchScript shim came first).
 */
#ifndef TORCHD_PYTORCH_VALUES_H
#define TORCHD_PYTORCH_VALUES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Same numbers as TRITONSERVER_DataType. */
enum {
  TS_DTYPE_INVALID = 0, TS_DTYPE_BOOL = 1, TS_DTYPE_UINT8 = 2, TS_DTYPE_UINT16 = 3,
  TS_DTYPE_UINT32 = 4, TS_DTYPE_UINT64 = 5, TS_DTYPE_INT8 = 6, TS_DTYPE_INT16 = 7,
  TS_DTYPE_INT32 = 8, TS_DTYPE_INT64 = 9, TS_DTYPE_FP16 = 10, TS_DTYPE_FP32 = 11,
  TS_DTYPE_FP64 = 12, TS_DTYPE_BYTES = 13, TS_DTYPE_BF16 = 14
};

typedef enum {
  TS_VALUE_TENSOR = 0,
  TS_VALUE_STRINGS = 1,  /* List[str] */
  TS_VALUE_NONE = 2,     /* None, for an absent Optional[Tensor] */
  TS_VALUE_DEFAULT = 3   /* the argument's default value from the method's signature */
} ts_value_kind;

/* One argument. For tensors, `data` points to the caller's memory holding
 * product(shape) elements of `dtype`, row-major (may be NULL when that is 0 elements).
 * For strings, `strings[i]` holds `string_lengths[i]` bytes (no terminator needed). */
typedef struct {
  ts_value_kind kind;
  int dtype;
  const int64_t *shape;
  size_t dims_count;
  void *data;
  const char *const *strings;
  const size_t *string_lengths;
  size_t string_count;
} ts_value;

/* One returned output, contiguous on the host. For strings, strings[i] holds
 * string_lengths[i] bytes. Pointers stay valid until the result that gave it is freed. */
typedef struct {
  ts_value_kind kind;        /* TS_VALUE_TENSOR or TS_VALUE_STRINGS */
  const char *key;           /* dict key for keyed outputs, else NULL */
  int dtype;                 /* TS_DTYPE_*; TS_DTYPE_INVALID if no Triton equivalent */
  const int64_t *shape;
  size_t dims_count;         /* 0 for a scalar (0-dim) tensor */
  const void *data;          /* contiguous host copy/view, byte_size bytes */
  size_t byte_size;
  const char *const *strings;
  const size_t *string_lengths;
  size_t string_count;
} ts_output;

#ifdef __cplusplus
}
#endif
#endif
