/*
 * dtype.h — the KServe v2 tensor data types as the HTTP frontend sees them.
 *
 * Why a frontend copy: the request parser and response writer are pure modules, unit
 * tested without linking libtritonserver. The numbering is TRITONSERVER_DataType's
 * (INVALID=0 … BF16=14, spec §1.2), so values pass straight to the core API.
 */
#ifndef TORCHD_FRONTEND_DTYPE_H
#define TORCHD_FRONTEND_DTYPE_H

#include <stddef.h>

enum {
  DTYPE_INVALID = 0, DTYPE_BOOL = 1, DTYPE_UINT8 = 2, DTYPE_UINT16 = 3, DTYPE_UINT32 = 4,
  DTYPE_UINT64 = 5, DTYPE_INT8 = 6, DTYPE_INT16 = 7, DTYPE_INT32 = 8, DTYPE_INT64 = 9,
  DTYPE_FP16 = 10, DTYPE_FP32 = 11, DTYPE_FP64 = 12, DTYPE_BYTES = 13, DTYPE_BF16 = 14
};

/* Protocol name ("FP32") → dtype; DTYPE_INVALID for anything else (case-sensitive). */
int dtype_from_name(const char *name);

/* dtype → protocol name; "<invalid>" for an unknown value. Static storage. */
const char *dtype_name(int dtype);

/* Bytes per element: 1/2/4/8, 0 for BYTES and INVALID. */
size_t dtype_size(int dtype);

#endif
