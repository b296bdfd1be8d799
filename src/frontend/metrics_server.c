/* metrics_server.c — GET /metrics: core statistics rendered by metrics_text.c. */
#include "metrics_server.h"

#include "errfmt.h"
#include "http_server.h"
#include "metrics.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static uint64_t pending_of(void *context, const char *model, const char *version) {
  (void)version;
  return frontend_pending_get(context, model);
}

/* Whether the loaded model version has response_cache { enable: true } (asked only when
 * the server has a cache, so the answer is whether the model uses it). */
static bool cache_enabled_of(void *context, const char *model, const char *version) {
  frontend *fe = context;
  char *end = NULL;
  long long v = strtoll(version, &end, 10);
  if (end == version || *end != '\0') return false;
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelConfig(fe->server, model, v, 1, &message);
  if (err != NULL) {
    TRITONSERVER_ErrorDelete(err);
    return false;
  }
  const char *base = NULL;
  size_t size = 0;
  bool enabled = false;
  err = TRITONSERVER_MessageSerializeToJson(message, &base, &size);
  json_object *config = err == NULL ? json_tokener_parse(base) : NULL;
  json_object *cache = NULL, *enable = NULL;
  if (config != NULL && json_object_object_get_ex(config, "response_cache", &cache) &&
      json_object_object_get_ex(cache, "enable", &enable))
    enabled = json_object_get_boolean(enable);
  json_object_put(config);
  if (err != NULL) TRITONSERVER_ErrorDelete(err);
  TRITONSERVER_MessageDelete(message);
  return enabled;
}

static bool server_has_cache(const frontend *fe) {
  return fe->options != NULL &&
         (fe->options->cache_config_count > 0 || fe->options->response_cache_byte_size_set);
}

static enum MHD_Result reply(struct MHD_Connection *connection, unsigned status, char *body,
                             size_t len, const char *type) {
  struct MHD_Response *response =
      MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (response == NULL) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  enum MHD_Result result = MHD_queue_response(connection, status, response);
  MHD_destroy_response(response);
  return result;
}

static enum MHD_Result error_reply(struct MHD_Connection *connection, unsigned status,
                                   const char *message) {
  char *body = errfmt("{\"error\":\"%s\"}", message);
  return reply(connection, status, body, body ? strlen(body) : 0, "application/json");
}

static enum MHD_Result metrics_handler(void *cls, struct MHD_Connection *connection,
                                       const char *url, const char *method,
                                       const char *version, const char *upload_data,
                                       size_t *upload_data_size, void **con_cls) {
  (void)version;
  (void)upload_data;
  frontend *fe = cls;
  if (*con_cls == NULL) { /* first call: headers only */
    *con_cls = (void *)1;
    return MHD_YES;
  }
  if (*upload_data_size > 0) { /* metrics take no body: discard it */
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (strcmp(url, "/metrics") != 0 && strcmp(url, "/metrics/") != 0)
    return error_reply(connection, MHD_HTTP_NOT_FOUND, "Not Found");
  if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
    return error_reply(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "Method Not Allowed");
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelStatistics(fe->server, "", -1, &message);
  strbuf text;
  strbuf_init(&text);
  char *failure = NULL;
  if (err != NULL) {
    /* No ready model: statistics fail, but the families are still listed. */
    TRITONSERVER_ErrorDelete(err);
    failure = metrics_render("{\"model_stats\":[]}", 18, pending_of, fe, &text);
  } else {
    const char *base = NULL;
    size_t size = 0;
    err = TRITONSERVER_MessageSerializeToJson(message, &base, &size);
    if (err != NULL) {
      TRITONSERVER_ErrorDelete(err);
      base = "{\"model_stats\":[]}";
      size = 18;
    }
    failure = metrics_render(base, size, pending_of, fe, &text);
    if (failure == NULL && server_has_cache(fe))
      failure = metrics_render_cache(base, size, cache_enabled_of, fe, &text);
    TRITONSERVER_MessageDelete(message);
  }
  if (failure != NULL) {
    strbuf_free(&text);
    enum MHD_Result result = error_reply(connection, 500, "cannot render metrics");
    free(failure);
    return result;
  }
  size_t len = 0;
  char *body = strbuf_detach(&text, &len);
  return reply(connection, MHD_HTTP_OK, body, len, "text/plain; charset=utf-8");
}

struct MHD_Daemon *metrics_server_start(frontend *fe, const char *address, int port,
                                        char **error) {
  struct sockaddr_in addr;
  if (!http_socket_address("--metrics-address", address, port, &addr, error)) return NULL;
  struct MHD_Daemon *daemon = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, metrics_handler, fe,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned)60, MHD_OPTION_END);
  if (daemon == NULL)
    *error = errfmt("failed to start the metrics service at %s:%d (is the port in use?)",
                    address, port);
  return daemon;
}
