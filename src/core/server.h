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
  struct response_cache *response_cache; /* NULL: no cache configured */
  /* TORCHD_ServerSetClientsWaitingQuery: set once before requests flow, then read-only. */
  bool (*clients_all_waiting)(void *userp);
  void *clients_all_waiting_userp;
};

/* The frontend's answer to "is every client waiting for an answer?" (false when no
 * frontend installed the query, or for a NULL server). Any thread. */
bool server_clients_all_waiting(const TRITONSERVER_Server *server);

/* The server's options (borrowed), or NULL for a NULL server. */
const TRITONSERVER_ServerOptions *server_options(const TRITONSERVER_Server *server);

#endif
