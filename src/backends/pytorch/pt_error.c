/*
 * pt_error.c: construction and release of pt_error (see pt_error.h for why it exists).
 */
#include "pt_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Returned when even the error cannot be allocated; pt_error_free leaves it alone. */
static pt_error out_of_memory = {PT_ERR_INTERNAL, "out of memory while reporting an error"};

pt_error *pt_error_new(int code, const char *format, ...) {
  pt_error *error = malloc(sizeof(*error));
  if (error == NULL) return &out_of_memory;
  va_list args;
  va_start(args, format);
  int length = vasprintf(&error->message, format, args);
  va_end(args);
  if (length < 0) {
    free(error);
    return &out_of_memory;
  }
  error->code = code;
  return error;
}

void pt_error_free(pt_error *error) {
  if (error == NULL || error == &out_of_memory) return;
  free(error->message);
  free(error);
}
