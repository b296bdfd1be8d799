/* parameter.c — TRITONSERVER_Parameter: a named, typed value (string, int, bool,
 * double or bytes) passed into the API, e.g. model load parameters and metric labels.
 * A parameter owns copies of its name and string value; BYTES values are borrowed. */
#include "parameter.h"

#include <stdlib.h>
#include <string.h>

const void *parameter_value(const TRITONSERVER_Parameter *parameter)
{
  switch (parameter->type) {
  case TRITONSERVER_PARAMETER_STRING: return parameter->value.string_value;
  case TRITONSERVER_PARAMETER_INT: return &parameter->value.int_value;
  case TRITONSERVER_PARAMETER_BOOL: return &parameter->value.bool_value;
  case TRITONSERVER_PARAMETER_DOUBLE: return &parameter->value.double_value;
  case TRITONSERVER_PARAMETER_BYTES: return parameter->value.bytes_value.base;
  }
  return NULL;
}

/* Returns a new parameter named 'name' holding a copy of 'value': the characters of a
 * NUL-terminated string (const char*) for STRING, or a pointer to an int64_t, bool or
 * double. Returns NULL for BYTES (use TRITONSERVER_ParameterBytesNew), for an unknown
 * type, a NULL name or value, or out of memory. The caller owns the parameter. */
TRITONSERVER_Parameter *TRITONSERVER_ParameterNew(const char *name,
                                                  const TRITONSERVER_ParameterType type,
                                                  const void *value)
{
  if (name == NULL || value == NULL)
    return NULL;
  if (type != TRITONSERVER_PARAMETER_STRING && type != TRITONSERVER_PARAMETER_INT &&
      type != TRITONSERVER_PARAMETER_BOOL && type != TRITONSERVER_PARAMETER_DOUBLE)
    return NULL;
  TRITONSERVER_Parameter *parameter = calloc(1, sizeof(*parameter));
  if (parameter == NULL)
    return NULL;
  parameter->type = type;
  parameter->name = strdup(name);
  bool ok = parameter->name != NULL;
  switch (type) {
  case TRITONSERVER_PARAMETER_STRING:
    parameter->value.string_value = strdup((const char *)value);
    ok = ok && parameter->value.string_value != NULL;
    break;
  case TRITONSERVER_PARAMETER_INT: parameter->value.int_value = *(const int64_t *)value; break;
  case TRITONSERVER_PARAMETER_BOOL: parameter->value.bool_value = *(const bool *)value; break;
  case TRITONSERVER_PARAMETER_DOUBLE: parameter->value.double_value = *(const double *)value; break;
  default: break;
  }
  if (!ok) {
    TRITONSERVER_ParameterDelete(parameter);
    return NULL;
  }
  return parameter;
}

/* Returns a new BYTES parameter. The bytes at 'byte_ptr' are NOT copied and must outlive
 * the parameter. NULL for a NULL name or out of memory. The caller owns it. */
TRITONSERVER_Parameter *TRITONSERVER_ParameterBytesNew(const char *name, const void *byte_ptr,
                                                       const uint64_t size)
{
  if (name == NULL || (byte_ptr == NULL && size > 0))
    return NULL;
  TRITONSERVER_Parameter *parameter = calloc(1, sizeof(*parameter));
  if (parameter == NULL)
    return NULL;
  parameter->type = TRITONSERVER_PARAMETER_BYTES;
  parameter->value.bytes_value.base = byte_ptr;
  parameter->value.bytes_value.byte_size = size;
  if ((parameter->name = strdup(name)) == NULL) {
    free(parameter);
    return NULL;
  }
  return parameter;
}

/* Frees the parameter and its copies. NULL is allowed. */
void TRITONSERVER_ParameterDelete(TRITONSERVER_Parameter *parameter)
{
  if (parameter == NULL)
    return;
  if (parameter->type == TRITONSERVER_PARAMETER_STRING)
    free(parameter->value.string_value);
  free(parameter->name);
  free(parameter);
}
