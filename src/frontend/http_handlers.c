/* http_handlers.c — route kind → handler, plus helpers shared by the handlers. */
#include "http_handlers.h"

#include "errfmt.h"
#include "infer_handler.h"

#include <stdlib.h>
#include <string.h>

bool handlers_body_object(http_request *r, json_object **out) {
  *out = NULL;
  size_t size = r->body_size;
  while (size > 0 && strchr(" \t\r\n", r->body[size - 1]) != NULL) --size;
  if (size == 0) return true;
  json_tokener *tok = json_tokener_new_ex(100);
  json_object *obj = tok ? json_tokener_parse_ex(tok, r->body, (int)size) : NULL;
  enum json_tokener_error jerr = tok ? json_tokener_get_error(tok) : json_tokener_error_size;
  if (tok) json_tokener_free(tok);
  if (obj == NULL || jerr != json_tokener_success ||
      !json_object_is_type(obj, json_type_object)) {
    char *message = errfmt("failed to parse the request JSON buffer: %s",
                           obj == NULL || jerr != json_tokener_success
                               ? (jerr == json_tokener_continue ? "unexpected end of JSON"
                                                                : json_tokener_error_desc(jerr))
                               : "expected a JSON object");
    http_reply_error(r, MHD_HTTP_BAD_REQUEST, message);
    free(message);
    json_object_put(obj);
    return false;
  }
  *out = obj;
  return true;
}

void handlers_reply_message(http_request *r, TRITONSERVER_Message *message) {
  const char *base = NULL;
  size_t size = 0;
  TRITONSERVER_Error *err = TRITONSERVER_MessageSerializeToJson(message, &base, &size);
  if (err != NULL) {
    http_reply_core_error(r, err);
  } else {
    char *copy = malloc(size ? size : 1);
    if (copy != NULL && size) memcpy(copy, base, size);
    http_reply_buffer(r, MHD_HTTP_OK, copy, copy ? size : 0, "application/json");
  }
  TRITONSERVER_MessageDelete(message);
}

void handlers_dispatch(http_request *r) {
  switch (r->route.kind) {
  case ROUTE_SERVER_METADATA: handle_server_metadata(r); break;
  case ROUTE_HEALTH_LIVE: handle_health(r, false); break;
  case ROUTE_HEALTH_READY: handle_health(r, true); break;
  case ROUTE_MODEL_METADATA: handle_model_metadata(r); break;
  case ROUTE_MODEL_READY: handle_model_ready(r); break;
  case ROUTE_MODEL_CONFIG: handle_model_config(r); break;
  case ROUTE_MODEL_INFER: infer_handle(r); break;
  case ROUTE_MODEL_GENERATE:
  case ROUTE_MODEL_GENERATE_STREAM:
    http_reply_error(r, MHD_HTTP_NOT_IMPLEMENTED,
                     "the generate extension is not supported by torchd; use /infer");
    break;
  case ROUTE_MODEL_STATS: handle_model_stats(r, false); break;
  case ROUTE_ALL_MODEL_STATS: handle_model_stats(r, true); break;
  case ROUTE_MODEL_TRACE_SETTING: handle_model_trace_setting(r); break;
  case ROUTE_TRACE_SETTING: handle_trace_setting(r); break;
  case ROUTE_LOGGING: handle_logging(r); break;
  case ROUTE_REPOSITORY_INDEX: handle_repository_index(r); break;
  case ROUTE_REPOSITORY_LOAD: handle_repository_load(r, true); break;
  case ROUTE_REPOSITORY_UNLOAD: handle_repository_load(r, false); break;
  case ROUTE_SYSTEM_SHM_STATUS:
  case ROUTE_SYSTEM_SHM_REGISTER:
  case ROUTE_SYSTEM_SHM_UNREGISTER: handle_system_shm(r); break;
  case ROUTE_CUDA_SHM_STATUS:
  case ROUTE_CUDA_SHM_REGISTER:
  case ROUTE_CUDA_SHM_UNREGISTER: handle_cuda_shm(r); break;
  case ROUTE_NONE: http_reply_error(r, MHD_HTTP_NOT_FOUND, "Not Found"); break;
  }
}
