/*
 * http_handlers_model.c — per-model endpoints (metadata, ready, config, statistics) and
 * the model repository extension (index, load with config override, unload).
 * All answers come from the core through tritonserver.h.
 */
#include "http_handlers.h"

#include "errfmt.h"

#include <stdlib.h>
#include <string.h>

void handle_model_metadata(http_request *r) {
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelMetadata(r->fe->server, r->route.model,
                                                             r->route.version, &message);
  if (err != NULL) http_reply_core_error(r, err);
  else handlers_reply_message(r, message);
}

void handle_model_ready(http_request *r) {
  bool ready = false;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelIsReady(r->fe->server, r->route.model,
                                                            r->route.version, &ready);
  if (err != NULL) http_reply_core_error(r, err);
  else if (ready) http_reply_empty(r, MHD_HTTP_OK);
  else http_reply_error(r, MHD_HTTP_BAD_REQUEST, "Model version not ready");
}

void handle_model_config(http_request *r) {
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelConfig(r->fe->server, r->route.model,
                                                           r->route.version, 1, &message);
  if (err != NULL) http_reply_core_error(r, err);
  else handlers_reply_message(r, message);
}

void handle_model_stats(http_request *r, bool all_models) {
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelStatistics(
      r->fe->server, all_models ? "" : r->route.model, all_models ? -1 : r->route.version,
      &message);
  if (err != NULL) http_reply_core_error(r, err);
  else handlers_reply_message(r, message);
}

void handle_repository_index(http_request *r) {
  if (r->route.repository[0] != '\0') {
    http_reply_error(r, MHD_HTTP_NOT_IMPLEMENTED,
                     "'repository_name' specification is not supported");
    return;
  }
  json_object *body = NULL, *ready = NULL;
  if (!handlers_body_object(r, &body)) return;
  uint32_t flags = 0;
  if (body != NULL && json_object_object_get_ex(body, "ready", &ready)) {
    if (!json_object_is_type(ready, json_type_boolean)) {
      json_object_put(body);
      http_reply_error(r, MHD_HTTP_BAD_REQUEST, "Invalid value for 'ready': expected a boolean");
      return;
    }
    if (json_object_get_boolean(ready)) flags |= TRITONSERVER_INDEX_FLAG_READY;
  }
  json_object_put(body);
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelIndex(r->fe->server, flags, &message);
  if (err != NULL) http_reply_core_error(r, err);
  else handlers_reply_message(r, message);
}

static int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* Decode standard base64 (padding optional). Returns a malloc'd buffer or NULL on bad
 * input; *size gets the decoded length. */
static unsigned char *base64_decode(const char *text, size_t len, size_t *size) {
  unsigned char *out = malloc(len / 4 * 3 + 3);
  if (out == NULL) return NULL;
  size_t n = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; ++i) {
    if (text[i] == '=') break;
    int v = base64_value(text[i]);
    if (v < 0) {
      free(out);
      return NULL;
    }
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (unsigned char)(acc >> bits);
    }
  }
  *size = n;
  return out;
}

/* Build the load parameters ("config" string, "file:<path>" bytes) from the body. */
static char *load_parameters(json_object *params, TRITONSERVER_Parameter ***out,
                             size_t *count) {
  size_t capacity = (size_t)json_object_object_length(params);
  TRITONSERVER_Parameter **list = calloc(capacity ? capacity : 1, sizeof(*list));
  if (list == NULL) return errfmt("out of memory");
  *out = list;
  *count = 0;
  bool has_file = false, has_config = false;
  json_object_object_foreach(params, key, v) {
    if (strcmp(key, "config") == 0) {
      if (!json_object_is_type(v, json_type_string))
        return errfmt("expecting a string (the model configuration as JSON) for load "
                      "parameter 'config', got %s",
                      json_object_to_json_string(v));
      has_config = true;
      list[(*count)++] = TRITONSERVER_ParameterNew(key, TRITONSERVER_PARAMETER_STRING,
                                                   json_object_get_string(v));
    } else if (strncmp(key, "file:", 5) == 0) {
      if (!json_object_is_type(v, json_type_string))
        return errfmt("expecting a base64 string for load parameter '%s'", key);
      size_t size = 0;
      unsigned char *bytes =
          base64_decode(json_object_get_string(v), (size_t)json_object_get_string_len(v), &size);
      if (bytes == NULL) return errfmt("load parameter '%s' is not valid base64", key);
      list[(*count)++] = TRITONSERVER_ParameterBytesNew(key, bytes, size);
      free(bytes);
      has_file = true;
    } else {
      return errfmt("unknown load parameter '%s'; expected 'config' or 'file:<version>/"
                    "<name>'",
                    key);
    }
  }
  if (has_file && !has_config)
    return errfmt("load parameter 'config' must be specified when 'file:' parameters are "
                  "given");
  return NULL;
}

void handle_repository_load(http_request *r, bool load) {
  if (r->route.repository[0] != '\0') {
    http_reply_error(r, MHD_HTTP_NOT_IMPLEMENTED,
                     "'repository_name' specification is not supported");
    return;
  }
  json_object *body = NULL, *params = NULL;
  if (!handlers_body_object(r, &body)) return;
  if (body != NULL && json_object_object_get_ex(body, "parameters", &params) &&
      !json_object_is_type(params, json_type_object)) {
    json_object_put(body);
    http_reply_error(r, MHD_HTTP_BAD_REQUEST, "'parameters' must be a JSON object");
    return;
  }
  TRITONSERVER_Error *err = NULL;
  if (load) {
    TRITONSERVER_Parameter **list = NULL;
    size_t count = 0;
    char *message = params ? load_parameters(params, &list, &count) : NULL;
    if (message != NULL) {
      http_reply_error(r, MHD_HTTP_BAD_REQUEST, message);
      free(message);
    } else if (count > 0) {
      err = TRITONSERVER_ServerLoadModelWithParameters(
          r->fe->server, r->route.model, (const TRITONSERVER_Parameter **)list, count);
    } else {
      err = TRITONSERVER_ServerLoadModel(r->fe->server, r->route.model);
    }
    for (size_t i = 0; i < count; ++i) TRITONSERVER_ParameterDelete(list[i]);
    free(list);
    if (message != NULL) {
      json_object_put(body);
      return;
    }
  } else {
    json_object *dependents = NULL;
    bool unload_dependents = false;
    if (params && json_object_object_get_ex(params, "unload_dependents", &dependents)) {
      if (!json_object_is_type(dependents, json_type_boolean)) {
        json_object_put(body);
        http_reply_error(r, MHD_HTTP_BAD_REQUEST,
                         "expecting a boolean for parameter 'unload_dependents'");
        return;
      }
      unload_dependents = json_object_get_boolean(dependents);
    }
    err = unload_dependents
              ? TRITONSERVER_ServerUnloadModelAndDependents(r->fe->server, r->route.model)
              : TRITONSERVER_ServerUnloadModel(r->fe->server, r->route.model);
  }
  json_object_put(body);
  if (err != NULL) http_reply_core_error(r, err);
  else http_reply_empty(r, MHD_HTTP_OK);
}
