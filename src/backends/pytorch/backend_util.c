/*
 * backend_util.c: logging, error conversion and clock helpers (see backend_util.h).
 */
#include "backend_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void pt_log(TRITONSERVER_LogLevel level, const char *file, int line, const char *format, ...) {
  char *message = NULL;
  va_list args;
  va_start(args, format);
  int length = vasprintf(&message, format, args);
  va_end(args);
  if (length < 0) return;
  TRITONSERVER_Error *error = TRITONSERVER_LogMessage(level, file, line, message);
  if (error != NULL) TRITONSERVER_ErrorDelete(error);
  free(message);
}

TRITONSERVER_Error *pt_to_triton(pt_error *error) {
  if (error == NULL) return NULL;
  TRITONSERVER_Error *converted =
      TRITONSERVER_ErrorNew((TRITONSERVER_Error_Code)error->code, error->message);
  pt_error_free(error);
  return converted;
}

TRITONSERVER_Error *pt_triton_error(TRITONSERVER_Error_Code code, const char *format, ...) {
  char *message = NULL;
  va_list args;
  va_start(args, format);
  int length = vasprintf(&message, format, args);
  va_end(args);
  TRITONSERVER_Error *error =
      TRITONSERVER_ErrorNew(code, length < 0 ? "out of memory formatting an error" : message);
  if (length >= 0) free(message);
  return error;
}

void pt_log_and_delete(const char *what, TRITONSERVER_Error *error) {
  if (error == NULL) return;
  PT_LOG_ERROR("%s: %s", what, TRITONSERVER_ErrorMessage(error));
  TRITONSERVER_ErrorDelete(error);
}

uint64_t pt_now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}
