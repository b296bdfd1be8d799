/*
 * server_options.h — translate torchd's command line (cli_options) into the core's
 * TRITONSERVER_ServerOptions, the one way the frontend configures the core.
 */
#ifndef TORCHD_FRONTEND_SERVER_OPTIONS_H
#define TORCHD_FRONTEND_SERVER_OPTIONS_H

#include "cli.h"

#include <triton/core/tritonserver.h>

/*
 * Create server options from `cli`. `backend_directory` is the resolved directory (the
 * flag, or backends/ beside the executable). On success *out is owned by the caller
 * (TRITONSERVER_ServerOptionsDelete); on error *out is NULL and the error is returned.
 */
TRITONSERVER_Error *server_options_from_cli(const cli_options *cli, const char *backend_directory,
                                            TRITONSERVER_ServerOptions **out);

/* The default backend directory: "<dir of /proc/self/exe>/backends". Returns a malloc'd
 * path (caller frees), or NULL if the executable path is unknown. */
char *server_options_default_backend_directory(void);

#endif
