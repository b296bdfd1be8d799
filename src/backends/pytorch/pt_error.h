/*
 * pt_error.h: the error value of the backend's pure-C modules.
 *
 * Why it exists: io_names.c, parameters.c, strings.c, dtypes.c and model_config.c are unit
 * tested without libtritonserver.so and without LibTorch, so they cannot return a
 * TRITONSERVER_Error*. They return a pt_error* instead (NULL = success), whose code uses the
 * TRITONSERVER_Error_Code numbers; backend_util.c turns it into a TRITONSERVER_Error*.
 */
#ifndef TORCHD_PYTORCH_PT_ERROR_H
#define TORCHD_PYTORCH_PT_ERROR_H

/* Same numbers as TRITONSERVER_Error_Code. */
enum {
  PT_ERR_UNKNOWN = 0, PT_ERR_INTERNAL = 1, PT_ERR_NOT_FOUND = 2, PT_ERR_INVALID_ARG = 3,
  PT_ERR_UNAVAILABLE = 4, PT_ERR_UNSUPPORTED = 5, PT_ERR_ALREADY_EXISTS = 6
};

typedef struct pt_error {
  int code;
  char *message;
} pt_error;

/* Makes an error with a printf-formatted message. The caller owns the result and releases
 * it with pt_error_free. Never returns NULL (out of memory gives a static error). */
pt_error *pt_error_new(int code, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* Releases an error from pt_error_new; NULL is a no-op. */
void pt_error_free(pt_error *error);

#endif
