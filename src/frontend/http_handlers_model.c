/*
 * http_handlers_model.c — per-model endpoints (metadata, ready, config, statistics) and
 * the model repository extension (index, load with config override, unload).
 * All answers come from the core through tritonserver.h.
 */
#include "http_handlers.h"

#include "base64.h"

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


/* The load parameters of one request: TRITONSERVER_Parameters and the decoded file bytes
 * they borrow (BYTES parameters do not copy), kept until the load returns. */
typedef struct load_parameter_list {
  TRITONSERVER_Parameter **items;
  unsigned char **buffers;
  size_t count;
} load_parameter_list;

static void load_parameters_free(load_parameter_list *l) {
  for (size_t i = 0; i < l->count; ++i) {
    TRITONSERVER_ParameterDelete(l->items[i]);
    free(l->buffers[i]);
  }
  free(l->items);
  free(l->buffers);
  memset(l, 0, sizeof(*l));
}

/* Build the load parameters ("config" string, "file:<path>" bytes) from the body. The
 * decoded files together may not exceed `max_bytes` (--http-max-input-size). Returns NULL
 * or a message naming the bad parameter (the caller answers 400). */
static char *load_parameters(json_object *params, uint64_t max_bytes, load_parameter_list *out) {
  size_t capacity = (size_t)json_object_object_length(params);
  memset(out, 0, sizeof(*out));
  out->items = calloc(capacity ? capacity : 1, sizeof(*out->items));
  out->buffers = calloc(capacity ? capacity : 1, sizeof(*out->buffers));
  if (out->items == NULL || out->buffers == NULL) return errfmt("out of memory");
  bool has_file = false, has_config = false;
  uint64_t total = 0;
  json_object_object_foreach(params, key, v) {
    if (strcmp(key, "config") == 0) {
      if (!json_object_is_type(v, json_type_string))
        return errfmt("expecting a string (the model configuration as JSON) for load "
                      "parameter 'config', got %s",
                      json_object_to_json_string(v));
      has_config = true;
      out->items[out->count] = TRITONSERVER_ParameterNew(key, TRITONSERVER_PARAMETER_STRING,
                                                         json_object_get_string(v));
      if (out->items[out->count] == NULL) return errfmt("out of memory");
      ++out->count;
    } else if (strncmp(key, "file:", 5) == 0) {
      if (!json_object_is_type(v, json_type_string))
        return errfmt("expecting a base64 string for load parameter '%s'", key);
      size_t size = 0;
      unsigned char *bytes =
          base64_decode(json_object_get_string(v), (size_t)json_object_get_string_len(v), &size);
      if (bytes == NULL) return errfmt("load parameter '%s' is not valid base64", key);
      total += size;
      if (total > max_bytes) {
        free(bytes);
        return errfmt("load parameter '%s': the files of the load request exceed %llu bytes "
                      "(--http-max-input-size)",
                      key, (unsigned long long)max_bytes);
      }
      out->buffers[out->count] = bytes;
      out->items[out->count] = TRITONSERVER_ParameterBytesNew(key, bytes, size);
      if (out->items[out->count] == NULL) {
        ++out->count; /* frees the buffer with the list */
        return errfmt("out of memory");
      }
      ++out->count;
      has_file = true;
    } else {
      return errfmt("unknown load parameter '%s'; expected 'config' or 'file:<version>/"
                    "<name>'",
                    key);
    }
  }
  if (has_file && !has_config)
    return errfmt("Load parameter 'config' must be specified for model file override");
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
    load_parameter_list list = {0};
    char *message =
        params ? load_parameters(params, r->fe->options->http_max_input_size, &list) : NULL;
    if (message != NULL) {
      http_reply_error(r, MHD_HTTP_BAD_REQUEST, message);
      free(message);
    } else if (list.count > 0) {
      err = TRITONSERVER_ServerLoadModelWithParameters(
          r->fe->server, r->route.model, (const TRITONSERVER_Parameter **)list.items,
          list.count);
    } else {
      err = TRITONSERVER_ServerLoadModel(r->fe->server, r->route.model);
    }
    load_parameters_free(&list);
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
