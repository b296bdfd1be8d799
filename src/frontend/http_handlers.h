/*
 * http_handlers.h — the endpoint handlers (one file per group) and the dispatcher that
 * maps a routed request onto them. Each handler sets the reply on the http_request.
 */
#ifndef TORCHD_FRONTEND_HTTP_HANDLERS_H
#define TORCHD_FRONTEND_HTTP_HANDLERS_H

#include "http_server.h"

#include <json-c/json.h>

void handlers_dispatch(http_request *r);

/* http_handlers_server.c */
void handle_server_metadata(http_request *r);
void handle_health(http_request *r, bool ready);
void handle_logging(http_request *r);
void handle_trace_setting(http_request *r);
void handle_model_trace_setting(http_request *r);

/* The logging / global trace settings as JSON into `out`, after applying the keys of
 * `update` when not NULL (all or none). Returns NULL, or a message with *status the HTTP
 * status of the error. The same logic serves gRPC's LogSettings / TraceSetting. */
char *frontend_log_settings(frontend *fe, json_object *update, strbuf *out, unsigned *status);
char *frontend_trace_settings(frontend *fe, json_object *update, strbuf *out,
                              unsigned *status);
/* The same for one model's own trace settings (POST semantics of
 * /v2/models/<m>/trace/setting when `update` is not NULL). */
char *frontend_model_trace_settings(frontend *fe, const char *model, json_object *update,
                                    strbuf *out, unsigned *status);

/* http_handlers_model.c */
void handle_model_metadata(http_request *r);
void handle_model_ready(http_request *r);
void handle_model_config(http_request *r);
void handle_model_stats(http_request *r, bool all_models);
void handle_repository_index(http_request *r);
void handle_repository_load(http_request *r, bool load);

/* http_handlers_shm.c */
void handle_system_shm(http_request *r);
void handle_cuda_shm(http_request *r);

/*
 * Parse the request body as a JSON object. An empty body yields *out = NULL and true.
 * On malformed JSON or a non-object, replies 400 naming the problem and returns false.
 * The caller releases *out with json_object_put.
 */
bool handlers_body_object(http_request *r, json_object **out);

/* Reply 200 with the JSON text of a core message, deleting it. */
void handlers_reply_message(http_request *r, TRITONSERVER_Message *message);

#endif
