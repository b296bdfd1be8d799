/*
 * backend_util.h: small helpers shared by the Triton-facing files of the PyTorch backend
 * (backend.c, model.c, instance.c, execute.c): logging through TRITONSERVER_LogMessage,
 * turning pt_error / shim messages into TRITONSERVER_Error, and the steady clock.
 */
#ifndef TORCHD_PYTORCH_BACKEND_UTIL_H
#define TORCHD_PYTORCH_BACKEND_UTIL_H

#include <stdint.h>

#include "pt_error.h"
#include "triton/core/tritonbackend.h"
#include "triton/core/tritonserver.h"

/* Logs a printf-formatted line at `level`; failures to log are ignored. */
void pt_log(TRITONSERVER_LogLevel level, const char *file, int line, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
#define PT_LOG_INFO(...) pt_log(TRITONSERVER_LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define PT_LOG_WARN(...) pt_log(TRITONSERVER_LOG_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define PT_LOG_ERROR(...) pt_log(TRITONSERVER_LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)
#define PT_LOG_VERBOSE(...) pt_log(TRITONSERVER_LOG_VERBOSE, __FILE__, __LINE__, __VA_ARGS__)

/* Converts and frees `error` (NULL gives NULL). The result is owned by the caller. */
TRITONSERVER_Error *pt_to_triton(pt_error *error);
/* Makes a TRITONSERVER_Error with a printf-formatted message (owned by the caller). */
TRITONSERVER_Error *pt_triton_error(TRITONSERVER_Error_Code code, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* Logs `error` at ERROR level with `what` as prefix, then deletes it (NULL is a no-op). */
void pt_log_and_delete(const char *what, TRITONSERVER_Error *error);

/* Steady-clock nanoseconds, the time base of the statistics API. */
uint64_t pt_now_ns(void);

#endif
