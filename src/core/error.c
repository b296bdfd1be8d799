/* error.c — TRITONSERVER_Error: the one error channel of the whole API.
 *
 * An error is a code plus a message copied at creation. NULL means success everywhere,
 * so a function can only fail by handing a new error to its caller, who then owns it.
 * Creating an error must not itself fail: when memory runs out, a static out-of-memory
 * error is returned instead, and TRITONSERVER_ErrorDelete knows not to free it. */
#include <stdlib.h>
#include <string.h>

#include "triton/core/tritonserver.h"

struct TRITONSERVER_Error {
  TRITONSERVER_Error_Code code;
  char *message; /* owned; never NULL */
};

static char oom_message[] = "out of memory while creating an error";
static TRITONSERVER_Error oom_error = {TRITONSERVER_ERROR_INTERNAL, oom_message};

/* Returns a new error holding a copy of 'msg' (NULL is taken as ""). The caller owns
 * the error. Never returns NULL. */
TRITONSERVER_Error *TRITONSERVER_ErrorNew(TRITONSERVER_Error_Code code, const char *msg)
{
  TRITONSERVER_Error *error = malloc(sizeof(*error));
  if (error == NULL)
    return &oom_error;
  error->message = strdup(msg != NULL ? msg : "");
  if (error->message == NULL) {
    free(error);
    return &oom_error;
  }
  error->code = code;
  return error;
}

/* Frees 'error' and its message. NULL is allowed and ignored. */
void TRITONSERVER_ErrorDelete(TRITONSERVER_Error *error)
{
  if (error == NULL || error == &oom_error)
    return;
  free(error->message);
  free(error);
}

TRITONSERVER_Error_Code TRITONSERVER_ErrorCode(TRITONSERVER_Error *error)
{
  return error != NULL ? error->code : TRITONSERVER_ERROR_UNKNOWN;
}

/* Returns a static string. The strings are Triton's (common/src/error.cc); that file
 * has no entry for CANCELLED, which therefore reads "<invalid code>" there and here. */
const char *TRITONSERVER_ErrorCodeString(TRITONSERVER_Error *error)
{
  if (error == NULL)
    return "<invalid code>";
  switch (error->code) {
  case TRITONSERVER_ERROR_UNKNOWN: return "Unknown";
  case TRITONSERVER_ERROR_INTERNAL: return "Internal";
  case TRITONSERVER_ERROR_NOT_FOUND: return "Not found";
  case TRITONSERVER_ERROR_INVALID_ARG: return "Invalid argument";
  case TRITONSERVER_ERROR_UNAVAILABLE: return "Unavailable";
  case TRITONSERVER_ERROR_UNSUPPORTED: return "Unsupported";
  case TRITONSERVER_ERROR_ALREADY_EXISTS: return "Already exists";
  default: return "<invalid code>";
  }
}

/* Returns the message, owned by the error and valid until it is deleted. */
const char *TRITONSERVER_ErrorMessage(TRITONSERVER_Error *error)
{
  return error != NULL ? error->message : "";
}
