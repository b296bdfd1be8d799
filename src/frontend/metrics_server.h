/*
 * metrics_server.h — the Prometheus endpoint (GET /metrics on --metrics-port), a small
 * separate libmicrohttpd daemon so scraping never competes with inference connections.
 */
#ifndef TORCHD_FRONTEND_METRICS_SERVER_H
#define TORCHD_FRONTEND_METRICS_SERVER_H

#include "frontend.h"

#include <microhttpd.h>

/* Start serving; NULL with *error (malloc'd) on failure. Stop with MHD_stop_daemon. */
struct MHD_Daemon *metrics_server_start(frontend *fe, const char *address, int port,
                                        char **error);

#endif
