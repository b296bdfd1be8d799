/* server.h — the server object (TRITONSERVER_Server): options, backend registry and the
 * model manager, shared by the server API (server.c), inference entry (infer.c) and the
 * model lifecycle. */
#ifndef TORCHD_CORE_SERVER_H
#define TORCHD_CORE_SERVER_H

#include <stdbool.h>

#include "backend_loader.h"
#include "model_manager.h"
#include "options.h"
#include "triton/core/tritonserver.h"

struct TRITONSERVER_Server {
  TRITONSERVER_ServerOptions *options; /* owned deep copy */
  backend_registry backends;
  model_manager models;
  bool stopped;   /* atomic */
  bool abandoned; /* stop timed out with requests in flight: never free */
  unsigned int exit_timeout_seconds;
};

/* The server's options (borrowed), or NULL for a NULL server. */
const TRITONSERVER_ServerOptions *server_options(const TRITONSERVER_Server *server);

#endif
