/* parameter.h — the private layout of TRITONSERVER_Parameter, so the core can read
 * parameters it is given (load parameters, repository name mappings, metric labels). */
#ifndef TORCHD_CORE_PARAMETER_H
#define TORCHD_CORE_PARAMETER_H

#include <stdbool.h>
#include <stdint.h>

#include "triton/core/tritonserver.h"

struct TRITONSERVER_Parameter {
  char *name; /* owned */
  TRITONSERVER_ParameterType type;
  union {
    char *string_value;  /* STRING: owned copy */
    int64_t int_value;   /* INT */
    bool bool_value;     /* BOOL */
    double double_value; /* DOUBLE */
    struct {
      const void *base; /* BYTES: borrowed, NOT copied (Triton's rule) */
      uint64_t byte_size;
    } bytes_value;
  } value;
};

/* Returns a pointer to the value in the same convention as
 * TRITONBACKEND_RequestParameter: the string's characters (const char*), or a pointer
 * to the int64_t, bool or double; for BYTES the borrowed base pointer. Owned by the
 * parameter. */
const void *parameter_value(const TRITONSERVER_Parameter *parameter);

#endif
