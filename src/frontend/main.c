/*
 * main.c — torchd, the program users run: parse Triton's flags, create the core server,
 * print the model table, serve HTTP and metrics, and shut down gracefully.
 *
 * Shutdown: SIGINT/SIGTERM are blocked in every thread and taken here with sigtimedwait.
 * On a signal the frontend starts draining (new requests get 503), waits until every
 * in-flight inference has been answered or --exit-timeout-secs passes, stops the HTTP
 * daemons, then stops and deletes the core. Exit status 0.
 */
#include "cli.h"
#include "errfmt.h"
#include "frontend.h"
#ifdef TORCHD_WITH_GRPC
#include "grpc_server.h"
#endif
#include "http_server.h"
#include "infer_handler.h"
#include "metrics_server.h"
#include "server_options.h"
#include "strbuf.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void log_info(const char *file, int line, const char *message) {
  TRITONSERVER_Error *err = TRITONSERVER_LogMessage(TRITONSERVER_LOG_INFO, file, line, message);
  if (err != NULL) { /* the core cannot log: say it ourselves */
    TRITONSERVER_ErrorDelete(err);
    fprintf(stderr, "%s\n", message);
  }
}

/* One WARN line naming the tritonserver flags given that have no effect in torchd. */
static void warn_ignored_flags(const cli_options *cli) {
  if (cli->ignored_flag_count == 0) return;
  strbuf names;
  strbuf_init(&names);
  for (size_t i = 0; i < cli->ignored_flag_count; ++i)
    strbuf_printf(&names, "%s--%s", i ? ", " : "", cli->ignored_flags[i]);
  char *line = errfmt("these tritonserver flags have no effect in torchd and were ignored: %s",
                      names.data ? names.data : "");
  TRITONSERVER_Error *err =
      TRITONSERVER_LogMessage(TRITONSERVER_LOG_WARN, __FILE__, __LINE__, line);
  if (err != NULL) {
    TRITONSERVER_ErrorDelete(err);
    fprintf(stderr, "warning: %s\n", line);
  }
  free(line);
  strbuf_free(&names);
}

static void log_warning(const char *file, int line, const char *message) {
  TRITONSERVER_Error *err = TRITONSERVER_LogMessage(TRITONSERVER_LOG_WARN, file, line, message);
  if (err != NULL) {
    TRITONSERVER_ErrorDelete(err);
    fprintf(stderr, "warning: %s\n", message);
  }
}

/* WARN lines for flag values torchd takes but does not act on fully: --metrics-config
 * settings other than the latency switches and quantiles, and tracing turned on (the
 * settings are reported, no trace is written). */
static void warn_partial_flags(const cli_options *cli) {
  for (size_t i = 0; i < cli->metrics_config_count; ++i) {
    const cli_metrics_config *c = &cli->metrics_configs[i];
    char *line = NULL;
    if (strcmp(c->setting, "histogram_latencies") == 0 && strcmp(c->value, "true") == 0)
      line = errfmt("--metrics-config histogram_latencies=true: torchd has no "
                    "nv_inference_first_response_histogram_ms yet; ignored");
    else if (strcmp(c->setting, "summary_latencies") != 0 &&
             strcmp(c->setting, "counter_latencies") != 0 &&
             strcmp(c->setting, "summary_quantiles") != 0 &&
             strcmp(c->setting, "histogram_latencies") != 0)
      line = errfmt("--metrics-config: unknown setting '%s' ignored (known: "
                    "counter_latencies, summary_latencies, summary_quantiles, "
                    "histogram_latencies)",
                    c->setting);
    if (line != NULL) log_warning(__FILE__, __LINE__, line);
    free(line);
  }
  if (cli->trace.level != NULL && strcmp(cli->trace.level, "OFF") != 0)
    log_warning(__FILE__, __LINE__,
                "tracing: the trace settings are kept and reported by /v2/trace/setting, "
                "but this torchd writes no trace output");
}

/* Triton's deprecation notice for --response-cache-byte-size (its exact words). */
static void warn_deprecated_cache_flag(const cli_options *cli) {
  if (!cli->response_cache_byte_size_set) return;
  fprintf(stderr,
          "Warning: '--response-cache-byte-size' has been deprecated! This will default to "
          "the 'local' cache implementation with the provided byte size for its config. "
          "Please use '--cache-config' instead. The equivalent --cache-config CLI args would "
          "be: '--cache-config=local,size=%llu'\n",
          (unsigned long long)cli->response_cache_byte_size);
}

/* Triton's startup table: model, version, status (READY or UNAVAILABLE: reason). */
static void print_model_table(TRITONSERVER_Server *server) {
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelIndex(server, 0, &message);
  if (err != NULL) {
    TRITONSERVER_ErrorDelete(err);
    return;
  }
  const char *base = NULL;
  size_t size = 0;
  json_object *index = NULL;
  if (TRITONSERVER_MessageSerializeToJson(message, &base, &size) == NULL)
    index = json_tokener_parse(base);
  size_t rows = index && json_object_is_type(index, json_type_array)
                    ? json_object_array_length(index)
                    : 0;
  const char **cells = calloc(rows * 3 + 3, sizeof(char *));
  char **status_text = calloc(rows + 1, sizeof(char *));
  size_t width[3] = {5, 7, 6};
  cells[0] = "Model";
  cells[1] = "Version";
  cells[2] = "Status";
  for (size_t i = 0; cells && status_text && i < rows; ++i) {
    json_object *entry = json_object_array_get_idx(index, i), *v = NULL;
    const char *name = json_object_object_get_ex(entry, "name", &v) ? json_object_get_string(v) : "";
    const char *version = json_object_object_get_ex(entry, "version", &v) ? json_object_get_string(v) : "-";
    const char *state = json_object_object_get_ex(entry, "state", &v) ? json_object_get_string(v) : "UNKNOWN";
    const char *reason = json_object_object_get_ex(entry, "reason", &v) ? json_object_get_string(v) : "";
    status_text[i] = reason && reason[0] ? errfmt("%s: %s", state, reason) : errfmt("%s", state);
    cells[3 * (i + 1)] = name;
    cells[3 * (i + 1) + 1] = version;
    cells[3 * (i + 1) + 2] = status_text[i];
  }
  if (cells != NULL && status_text != NULL) {
    for (size_t i = 0; i < 3 * (rows + 1); ++i)
      if (cells[i] && strlen(cells[i]) > width[i % 3]) width[i % 3] = strlen(cells[i]);
    strbuf b;
    strbuf_init(&b);
    strbuf_append(&b, "\n", 1);
    for (size_t row = 0; row <= rows + 1; ++row) {
      if (row <= 1) { /* top border and the rule under the header */
        for (int c = 0; c < 3; ++c) {
          strbuf_append(&b, "+", 1);
          for (size_t k = 0; k < width[c] + 2; ++k) strbuf_append(&b, "-", 1);
        }
        strbuf_puts(&b, "+\n");
      }
      if (row == rows + 1) break;
      for (int c = 0; c < 3; ++c)
        strbuf_printf(&b, "| %-*s ", (int)width[c], cells[3 * row + (size_t)c]);
      strbuf_puts(&b, "|\n");
    }
    for (int c = 0; c < 3; ++c) {
      strbuf_append(&b, "+", 1);
      for (size_t k = 0; k < width[c] + 2; ++k) strbuf_append(&b, "-", 1);
    }
    strbuf_puts(&b, "+");
    if (b.data) log_info(__FILE__, __LINE__, b.data);
    strbuf_free(&b);
  }
  for (size_t i = 0; status_text && i < rows; ++i) free(status_text[i]);
  free(status_text);
  free(cells);
  json_object_put(index);
  TRITONSERVER_MessageDelete(message);
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Block until SIGINT/SIGTERM, polling the repository in poll mode. */
static int wait_for_signal(const cli_options *cli, TRITONSERVER_Server *server,
                           const sigset_t *signals) {
  for (;;) {
    struct timespec timeout = {cli->model_control_mode == 1 ? cli->repository_poll_secs : 3600, 0};
    int sig = sigtimedwait(signals, NULL, &timeout);
    if (sig > 0) return sig;
    if (sig < 0 && errno == EAGAIN && cli->model_control_mode == 1) {
      TRITONSERVER_Error *err = TRITONSERVER_ServerPollModelRepository(server);
      if (err != NULL) {
        fprintf(stderr, "error: polling the model repository: %s\n", TRITONSERVER_ErrorMessage(err));
        TRITONSERVER_ErrorDelete(err);
      }
    }
  }
}

static int fail(const char *what, TRITONSERVER_Error *err) {
  fprintf(stderr, "error: %s: %s - %s\n", what, TRITONSERVER_ErrorCodeString(err),
          TRITONSERVER_ErrorMessage(err));
  TRITONSERVER_ErrorDelete(err);
  return 1;
}

int main(int argc, char **argv) {
  static cli_options cli; /* static: still reachable if the exit timeout leaves it in use */
  cli_options_defaults(&cli);
  char *cli_error = cli_parse(argc, argv, &cli);
  if (cli_error != NULL) {
    fprintf(stderr, "error: %s\nUsage: torchd --model-repository=<dir> [options]; see torchd --help\n",
            cli_error);
    free(cli_error);
    cli_options_free(&cli);
    return 1;
  }
  if (cli.show_help) {
    fputs(cli_usage(), stdout);
    cli_options_free(&cli);
    return 0;
  }
#ifndef TORCHD_WITH_GRPC
  if (cli.allow_grpc)
    fprintf(stderr, "warning: --allow-grpc: this torchd build serves HTTP only\n");
#endif

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, NULL); /* every thread created later inherits it */
  signal(SIGPIPE, SIG_IGN);

  char *backend_directory = cli.backend_directory ? strdup(cli.backend_directory)
                                                  : server_options_default_backend_directory();
  warn_deprecated_cache_flag(&cli);
  TRITONSERVER_ServerOptions *options = NULL;
  TRITONSERVER_Error *err = server_options_from_cli(&cli, backend_directory, &options);
  free(backend_directory);
  if (err != NULL) return fail("setting server options", err);
  TRITONSERVER_Server *server = NULL;
  err = TRITONSERVER_ServerNew(&server, options);
  TRITONSERVER_ServerOptionsDelete(options);
  if (err != NULL) return fail("creating server", err);
  warn_ignored_flags(&cli);
  warn_partial_flags(&cli);
  print_model_table(server);

  static frontend fe;
  err = frontend_init(&fe, server, &cli);
  if (err != NULL) return fail("setting up the HTTP frontend", err);

  struct MHD_Daemon *http = NULL, *metrics = NULL;
#ifdef TORCHD_WITH_GRPC
  grpc_frontend *grpc = NULL;
#endif
  char *start_error = NULL;
  /* Metrics first: once HTTP answers, both services are up. */
  if (cli.allow_metrics) {
    const char *address = cli.metrics_address ? cli.metrics_address : cli.http_address;
    metrics = metrics_server_start(&fe, address, cli.metrics_port, &start_error);
    if (metrics == NULL) goto startup_failed;
    char *line = errfmt("Started Metrics Service at %s:%d", address, cli.metrics_port);
    log_info(__FILE__, __LINE__, line);
    free(line);
  }

#ifdef TORCHD_WITH_GRPC
  /* gRPC before HTTP: once HTTP answers, every service is up (clients and tests wait
   * for HTTP readiness). */
  if (cli.allow_grpc) {
    grpc = grpc_frontend_start(&fe, &start_error);
    if (grpc == NULL) goto startup_failed;
    char *line = errfmt("Started GRPCInferenceService at %s:%d", cli.grpc_address, cli.grpc_port);
    log_info(__FILE__, __LINE__, line);
    free(line);
  }
#endif
  if (cli.allow_http) {
    http = http_server_start(&fe, cli.http_address, cli.http_port,
                             (unsigned)cli.http_thread_count, &start_error);
    if (http == NULL) goto startup_failed;
    char *line = errfmt("Started HTTPService at %s:%d", cli.http_address, cli.http_port);
    log_info(__FILE__, __LINE__, line);
    free(line);
  }
  int sig = wait_for_signal(&cli, server, &signals);
  char *line = errfmt("Received signal %d (%s); draining requests in flight for up to %d s",
                      sig, sig == SIGINT ? "SIGINT" : "SIGTERM", cli.exit_timeout_secs);
  log_info(__FILE__, __LINE__, line);
  free(line);
  atomic_store(&fe.draining, true);
  double deadline = now_seconds() + cli.exit_timeout_secs;
  while (atomic_load(&fe.live_infers) > 0 && now_seconds() < deadline) {
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  long left = atomic_load(&fe.live_infers);
  if (left > 0) {
    line = errfmt("Timeout %d s: %ld inference request(s) still in flight; answering them "
                  "with 503",
                  cli.exit_timeout_secs, left);
    log_info(__FILE__, __LINE__, line);
    free(line);
    /* MHD cannot stop with suspended connections: answer them, then let MHD resume each. */
    infer_abandon_all(&fe);
    double resume_deadline = now_seconds() + 5;
    while (atomic_load(&fe.suspended) > 0 && now_seconds() < resume_deadline) {
      struct timespec pause = {0, 5 * 1000 * 1000};
      nanosleep(&pause, NULL);
    }
  }
#ifdef TORCHD_WITH_GRPC
  grpc_frontend_stop(grpc, 1000); /* open streams get a second, then are cancelled */
#endif
  if (http) MHD_stop_daemon(http);
  if (metrics) MHD_stop_daemon(metrics);
  err = TRITONSERVER_ServerStop(server);
  if (err != NULL) TRITONSERVER_ErrorDelete(err);
  err = TRITONSERVER_ServerDelete(server);
  if (err != NULL) TRITONSERVER_ErrorDelete(err);
  if (atomic_load(&fe.live_infers) == 0) {
    TRITONSERVER_ResponseAllocatorDelete(fe.allocator);
    shm_registry_destroy(&fe.shm);
    if (fe.header_forward_set) regfree(&fe.header_forward);
    cli_options_free(&cli);
  }
  /* Else the core gave up waiting (exit timeout) while backends still execute requests
   * that use the allocator, the option strings and shared memory: leave them to the
   * process exit instead of freeing them under running threads. */
  return 0;

startup_failed:
  fprintf(stderr, "error: %s\n", start_error);
  free(start_error);
#ifdef TORCHD_WITH_GRPC
  grpc_frontend_stop(grpc, 0);
#endif
  if (http) MHD_stop_daemon(http);
  if (metrics) MHD_stop_daemon(metrics);
  TRITONSERVER_ServerDelete(server);
  cli_options_free(&cli);
  return 1;
}
