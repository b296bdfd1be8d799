/*
 * grpc_rpc.c — the gRPC service's non-inference RPCs: health, metadata, model config,
 * statistics, repository, shared memory, trace and log settings. Each asks the core
 * (or the frontend's shared state) exactly what the HTTP handler for the same endpoint
 * asks, and turns the core's JSON answer into the response message (grpc_json.c).
 */
#include "grpc_server.h"

#include "cuda_ipc.h"
#include "errfmt.h"
#include "grpc_json.h"
#include "grpc_service.pb-c.h"
#include "health.pb-c.h"
#include "http_handlers.h"

#include <stdlib.h>
#include <string.h>

/* gRPC status for an HTTP status the shared handlers report. */
static grpc_status_code status_from_http(unsigned status) {
  switch (status) {
  case 404: return GRPC_STATUS_NOT_FOUND;
  case 500: return GRPC_STATUS_INTERNAL;
  case 501: return GRPC_STATUS_UNIMPLEMENTED;
  case 503: return GRPC_STATUS_UNAVAILABLE;
  default: return GRPC_STATUS_INVALID_ARGUMENT;
  }
}

/* "" → -1 (the policy's version); else a non-negative integer. */
static bool parse_version(unary_call *c, const char *text, int64_t *version) {
  *version = -1;
  if (text == NULL || text[0] == '\0') return true;
  char *end = NULL;
  long long v = strtoll(text, &end, 10);
  if (*end != '\0' || v < 0) {
    char *message = errfmt("failed to parse model version '%s'", text);
    grpc_unary_finish(c, NULL, GRPC_STATUS_INVALID_ARGUMENT, message);
    free(message);
    return false;
  }
  *version = v;
  return true;
}

/* Reply with `json` (owned; NULL answers INTERNAL) as `descriptor`, wrapped as
 * {wrap_key: json} when wrap_key is set. */
static void reply_json(unary_call *c, json_object *json,
                       const ProtobufCMessageDescriptor *descriptor, const char *wrap_key) {
  if (wrap_key != NULL && json != NULL) {
    json_object *outer = json_object_new_object();
    json_object_object_add(outer, wrap_key, json);
    json = outer;
  }
  char *error = NULL;
  ProtobufCMessage *response = json ? grpc_json_to_message(descriptor, json, &error) : NULL;
  json_object_put(json);
  if (response == NULL) {
    grpc_unary_finish(c, NULL, GRPC_STATUS_INTERNAL, error ? error : "malformed core JSON");
    free(error);
    return;
  }
  grpc_unary_finish(c, response, GRPC_STATUS_OK, NULL);
  protobuf_c_message_free_unpacked(response, NULL);
}

/* Reply with the core message's JSON as `descriptor` (reply_json). Deletes `message`. */
static void reply_json_message(unary_call *c, TRITONSERVER_Message *message,
                               const ProtobufCMessageDescriptor *descriptor,
                               const char *wrap_key) {
  const char *base = NULL;
  size_t size = 0;
  TRITONSERVER_Error *err = TRITONSERVER_MessageSerializeToJson(message, &base, &size);
  if (err != NULL) {
    TRITONSERVER_MessageDelete(message);
    grpc_unary_fail(c, err);
    return;
  }
  json_tokener *tok = json_tokener_new();
  json_object *json = json_tokener_parse_ex(tok, base, (int)size);
  json_tokener_free(tok);
  TRITONSERVER_MessageDelete(message);
  reply_json(c, json, descriptor, wrap_key);
}

void rpc_server_live(unary_call *c, const ProtobufCMessage *request) {
  (void)request;
  Inference__ServerLiveResponse response = INFERENCE__SERVER_LIVE_RESPONSE__INIT;
  bool live = false;
  TRITONSERVER_Error *err = TRITONSERVER_ServerIsLive(grpc_frontend_core(c->g)->server, &live);
  if (err != NULL) return grpc_unary_fail(c, err);
  response.live = live;
  grpc_unary_finish(c, &response.base, GRPC_STATUS_OK, NULL);
}

void rpc_server_ready(unary_call *c, const ProtobufCMessage *request) {
  (void)request;
  Inference__ServerReadyResponse response = INFERENCE__SERVER_READY_RESPONSE__INIT;
  bool ready = false;
  TRITONSERVER_Error *err = TRITONSERVER_ServerIsReady(grpc_frontend_core(c->g)->server, &ready);
  if (err != NULL) return grpc_unary_fail(c, err);
  response.ready = ready;
  grpc_unary_finish(c, &response.base, GRPC_STATUS_OK, NULL);
}

void rpc_model_ready(unary_call *c, const ProtobufCMessage *request) {
  const Inference__ModelReadyRequest *r = (const Inference__ModelReadyRequest *)request;
  int64_t version;
  if (!parse_version(c, r->version, &version)) return;
  Inference__ModelReadyResponse response = INFERENCE__MODEL_READY_RESPONSE__INIT;
  bool ready = false;
  TRITONSERVER_Error *err =
      TRITONSERVER_ServerModelIsReady(grpc_frontend_core(c->g)->server, r->name, version, &ready);
  /* Triton's core answers "not ready" (no error) for a model or version it does not know,
   * so tritonclient.grpc's is_model_ready returns False there rather than raising. */
  if (err != NULL && TRITONSERVER_ErrorCode(err) == TRITONSERVER_ERROR_NOT_FOUND) {
    TRITONSERVER_ErrorDelete(err);
    err = NULL;
    ready = false;
  }
  if (err != NULL) return grpc_unary_fail(c, err);
  response.ready = ready;
  grpc_unary_finish(c, &response.base, GRPC_STATUS_OK, NULL);
}

/* grpc.health.v1.Health/Check: SERVING while the server is ready (the service name is
 * not looked at, as Triton). */
void rpc_health_check(unary_call *c, const ProtobufCMessage *request) {
  (void)request;
  Grpc__Health__V1__HealthCheckResponse response = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__INIT;
  bool ready = false;
  TRITONSERVER_Error *err = TRITONSERVER_ServerIsReady(grpc_frontend_core(c->g)->server, &ready);
  if (err != NULL) TRITONSERVER_ErrorDelete(err);
  response.status = err == NULL && ready
                        ? GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING
                        : GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__NOT_SERVING;
  grpc_unary_finish(c, &response.base, GRPC_STATUS_OK, NULL);
}

void rpc_server_metadata(unary_call *c, const ProtobufCMessage *request) {
  (void)request;
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerMetadata(grpc_frontend_core(c->g)->server, &message);
  if (err != NULL) return grpc_unary_fail(c, err);
  reply_json_message(c, message, &inference__server_metadata_response__descriptor, NULL);
}

void rpc_model_metadata(unary_call *c, const ProtobufCMessage *request) {
  const Inference__ModelMetadataRequest *r = (const Inference__ModelMetadataRequest *)request;
  int64_t version;
  if (!parse_version(c, r->version, &version)) return;
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelMetadata(grpc_frontend_core(c->g)->server,
                                                             r->name, version, &message);
  if (err != NULL) return grpc_unary_fail(c, err);
  reply_json_message(c, message, &inference__model_metadata_response__descriptor, NULL);
}

void rpc_model_config(unary_call *c, const ProtobufCMessage *request) {
  const Inference__ModelConfigRequest *r = (const Inference__ModelConfigRequest *)request;
  int64_t version;
  if (!parse_version(c, r->version, &version)) return;
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelConfig(grpc_frontend_core(c->g)->server,
                                                           r->name, version, 1, &message);
  if (err != NULL) return grpc_unary_fail(c, err);
  reply_json_message(c, message, &inference__model_config_response__descriptor, "config");
}

void rpc_model_statistics(unary_call *c, const ProtobufCMessage *request) {
  const Inference__ModelStatisticsRequest *r = (const Inference__ModelStatisticsRequest *)request;
  int64_t version;
  if (!parse_version(c, r->version, &version)) return;
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelStatistics(
      grpc_frontend_core(c->g)->server, r->name ? r->name : "", version, &message);
  if (err != NULL) return grpc_unary_fail(c, err);
  reply_json_message(c, message, &inference__model_statistics_response__descriptor, NULL);
}

static bool named_repository_refused(unary_call *c, const char *repository) {
  if (repository == NULL || repository[0] == '\0') return false;
  grpc_unary_finish(c, NULL, GRPC_STATUS_UNIMPLEMENTED,
                    "'repository_name' specification is not supported");
  return true;
}

void rpc_repository_index(unary_call *c, const ProtobufCMessage *request) {
  const Inference__RepositoryIndexRequest *r = (const Inference__RepositoryIndexRequest *)request;
  if (named_repository_refused(c, r->repository_name)) return;
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerModelIndex(
      grpc_frontend_core(c->g)->server, r->ready ? TRITONSERVER_INDEX_FLAG_READY : 0, &message);
  if (err != NULL) return grpc_unary_fail(c, err);
  reply_json_message(c, message, &inference__repository_index_response__descriptor, "models");
}

void rpc_repository_load(unary_call *c, const ProtobufCMessage *request) {
  const Inference__RepositoryModelLoadRequest *r =
      (const Inference__RepositoryModelLoadRequest *)request;
  if (named_repository_refused(c, r->repository_name)) return;
  TRITONSERVER_Parameter **list = calloc(r->n_parameters + 1, sizeof(*list));
  size_t count = 0;
  bool has_config = false, has_file = false;
  char *message = list ? NULL : errfmt("out of memory");
  for (size_t i = 0; message == NULL && i < r->n_parameters; ++i) {
    const char *key = r->parameters[i]->key;
    const Inference__ModelRepositoryParameter *v = r->parameters[i]->value;
    if (v == NULL) continue;
    if (strcmp(key, "config") == 0) {
      if (v->parameter_choice_case !=
          INFERENCE__MODEL_REPOSITORY_PARAMETER__PARAMETER_CHOICE_STRING_PARAM) {
        message = errfmt("expecting a string (the model configuration as JSON) for load "
                         "parameter 'config'");
        break;
      }
      has_config = true;
      list[count++] = TRITONSERVER_ParameterNew(key, TRITONSERVER_PARAMETER_STRING, v->string_param);
    } else if (strncmp(key, "file:", 5) == 0) {
      if (v->parameter_choice_case !=
          INFERENCE__MODEL_REPOSITORY_PARAMETER__PARAMETER_CHOICE_BYTES_PARAM) {
        message = errfmt("expecting bytes_param for load parameter '%s'", key);
        break;
      }
      has_file = true;
      list[count++] = TRITONSERVER_ParameterBytesNew(key, v->bytes_param.data, v->bytes_param.len);
    } else {
      message = errfmt("unknown load parameter '%s'; expected 'config' or 'file:<version>/"
                       "<name>'",
                       key);
    }
  }
  if (message == NULL && has_file && !has_config)
    message = errfmt("load parameter 'config' must be specified when 'file:' parameters "
                     "are given");
  TRITONSERVER_Server *server = grpc_frontend_core(c->g)->server;
  TRITONSERVER_Error *err = NULL;
  if (message == NULL)
    err = count > 0 ? TRITONSERVER_ServerLoadModelWithParameters(
                          server, r->model_name, (const TRITONSERVER_Parameter **)list, count)
                    : TRITONSERVER_ServerLoadModel(server, r->model_name);
  for (size_t i = 0; i < count; ++i) TRITONSERVER_ParameterDelete(list[i]);
  free(list);
  if (message != NULL) {
    grpc_unary_finish(c, NULL, GRPC_STATUS_INVALID_ARGUMENT, message);
    free(message);
    return;
  }
  if (err != NULL) return grpc_unary_fail(c, err);
  Inference__RepositoryModelLoadResponse response = INFERENCE__REPOSITORY_MODEL_LOAD_RESPONSE__INIT;
  grpc_unary_finish(c, &response.base, GRPC_STATUS_OK, NULL);
}

void rpc_repository_unload(unary_call *c, const ProtobufCMessage *request) {
  const Inference__RepositoryModelUnloadRequest *r =
      (const Inference__RepositoryModelUnloadRequest *)request;
  if (named_repository_refused(c, r->repository_name)) return;
  bool dependents = false;
  for (size_t i = 0; i < r->n_parameters; ++i) {
    const Inference__ModelRepositoryParameter *v = r->parameters[i]->value;
    if (strcmp(r->parameters[i]->key, "unload_dependents") != 0 || v == NULL) continue;
    if (v->parameter_choice_case !=
        INFERENCE__MODEL_REPOSITORY_PARAMETER__PARAMETER_CHOICE_BOOL_PARAM) {
      grpc_unary_finish(c, NULL, GRPC_STATUS_INVALID_ARGUMENT,
                        "expecting a boolean for parameter 'unload_dependents'");
      return;
    }
    dependents = v->bool_param;
  }
  TRITONSERVER_Server *server = grpc_frontend_core(c->g)->server;
  TRITONSERVER_Error *err = dependents
                                ? TRITONSERVER_ServerUnloadModelAndDependents(server, r->model_name)
                                : TRITONSERVER_ServerUnloadModel(server, r->model_name);
  if (err != NULL) return grpc_unary_fail(c, err);
  Inference__RepositoryModelUnloadResponse response =
      INFERENCE__REPOSITORY_MODEL_UNLOAD_RESPONSE__INIT;
  grpc_unary_finish(c, &response.base, GRPC_STATUS_OK, NULL);
}

/* ---- shared memory --------------------------------------------------------------------- */

static bool shm_allowed(unary_call *c) {
  if (grpc_frontend_core(c->g)->options->allow_client_shm) return true;
  grpc_unary_finish(c, NULL, GRPC_STATUS_INVALID_ARGUMENT,
                    "system shared memory is disabled; start torchd with "
                    "--allow-client-shm=true to use it");
  return false;
}

/* A status answer for one kind of region: `status` gives the registry's JSON list,
 * re-keyed by name into `descriptor`'s {"regions": {name: {...}}}. */
static void shm_status(unary_call *c, const char *name,
                       char *(*status)(shm_registry *, const char *, strbuf *),
                       const ProtobufCMessageDescriptor *descriptor) {
  strbuf b;
  strbuf_init(&b);
  char *err = status(&grpc_frontend_core(c->g)->shm, name, &b);
  if (err != NULL) {
    strbuf_free(&b);
    grpc_unary_finish(c, NULL, GRPC_STATUS_NOT_FOUND, err);
    free(err);
    return;
  }
  json_object *list = json_tokener_parse(b.data ? b.data : "[]");
  strbuf_free(&b);
  json_object *regions = json_object_new_object();
  for (size_t i = 0; list && i < json_object_array_length(list); ++i) {
    json_object *entry = json_object_array_get_idx(list, i), *key = NULL;
    if (json_object_object_get_ex(entry, "name", &key))
      json_object_object_add(regions, json_object_get_string(key), json_object_get(entry));
  }
  json_object_put(list);
  reply_json(c, regions, descriptor, "regions");
}

void rpc_system_shm_status(unary_call *c, const ProtobufCMessage *request) {
  const Inference__SystemSharedMemoryStatusRequest *r =
      (const Inference__SystemSharedMemoryStatusRequest *)request;
  shm_status(c, r->name, shm_registry_status,
             &inference__system_shared_memory_status_response__descriptor);
}

void rpc_system_shm_register(unary_call *c, const ProtobufCMessage *request) {
  const Inference__SystemSharedMemoryRegisterRequest *r =
      (const Inference__SystemSharedMemoryRegisterRequest *)request;
  if (!shm_allowed(c)) return;
  int status = 400;
  char *err = shm_registry_register(&grpc_frontend_core(c->g)->shm, r->name, r->key, r->offset,
                                    r->byte_size, &status);
  if (err != NULL) {
    grpc_unary_finish(c, NULL, status_from_http((unsigned)status), err);
    free(err);
    return;
  }
  Inference__SystemSharedMemoryRegisterResponse response =
      INFERENCE__SYSTEM_SHARED_MEMORY_REGISTER_RESPONSE__INIT;
  grpc_unary_finish(c, &response.base, GRPC_STATUS_OK, NULL);
}

void rpc_system_shm_unregister(unary_call *c, const ProtobufCMessage *request) {
  const Inference__SystemSharedMemoryUnregisterRequest *r =
      (const Inference__SystemSharedMemoryUnregisterRequest *)request;
  if (!shm_allowed(c)) return;
  char *err = shm_registry_unregister(&grpc_frontend_core(c->g)->shm, r->name);
  if (err != NULL) {
    grpc_unary_finish(c, NULL, GRPC_STATUS_INVALID_ARGUMENT, err);
    free(err);
    return;
  }
  Inference__SystemSharedMemoryUnregisterResponse response =
      INFERENCE__SYSTEM_SHARED_MEMORY_UNREGISTER_RESPONSE__INIT;
  grpc_unary_finish(c, &response.base, GRPC_STATUS_OK, NULL);
}

/* CUDA shared memory: regions opened from the client's CUDA IPC handle, in the same
 * registry (and name space) as system regions; where there is no driver, register fails
 * with the registry's message. */
void rpc_cuda_shm_status(unary_call *c, const ProtobufCMessage *request) {
  const Inference__CudaSharedMemoryStatusRequest *r =
      (const Inference__CudaSharedMemoryStatusRequest *)request;
  shm_status(c, r->name, shm_registry_status_cuda,
             &inference__cuda_shared_memory_status_response__descriptor);
}

void rpc_cuda_shm_register(unary_call *c, const ProtobufCMessage *request) {
  const Inference__CudaSharedMemoryRegisterRequest *r =
      (const Inference__CudaSharedMemoryRegisterRequest *)request;
  if (!shm_allowed(c)) return;
  if (r->raw_handle.len != CUDA_IPC_HANDLE_SIZE || r->device_id < 0 || r->device_id > 1023) {
    char *message = errfmt("CUDA shared memory region '%s' needs a %d-byte raw_handle (a CUDA "
                           "IPC handle) and a device_id of a GPU",
                           r->name, CUDA_IPC_HANDLE_SIZE);
    grpc_unary_finish(c, NULL, GRPC_STATUS_INVALID_ARGUMENT, message);
    free(message);
    return;
  }
  int status = 400;
  char *err = shm_registry_register_cuda(&grpc_frontend_core(c->g)->shm, r->name,
                                         r->raw_handle.data, (int)r->device_id, r->byte_size,
                                         &status);
  if (err != NULL) {
    grpc_unary_finish(c, NULL, status_from_http((unsigned)status), err);
    free(err);
    return;
  }
  Inference__CudaSharedMemoryRegisterResponse response =
      INFERENCE__CUDA_SHARED_MEMORY_REGISTER_RESPONSE__INIT;
  grpc_unary_finish(c, &response.base, GRPC_STATUS_OK, NULL);
}

void rpc_cuda_shm_unregister(unary_call *c, const ProtobufCMessage *request) {
  const Inference__CudaSharedMemoryUnregisterRequest *r =
      (const Inference__CudaSharedMemoryUnregisterRequest *)request;
  shm_registry_unregister_cuda(&grpc_frontend_core(c->g)->shm, r->name);
  Inference__CudaSharedMemoryUnregisterResponse response =
      INFERENCE__CUDA_SHARED_MEMORY_UNREGISTER_RESPONSE__INIT;
  grpc_unary_finish(c, &response.base, GRPC_STATUS_OK, NULL);
}

/* ---- trace and log settings ------------------------------------------------------------ */

/* Finish a settings RPC from the shared handler's JSON answer, converting each value
 * with `put` into the response's map. */
void rpc_trace_setting(unary_call *c, const ProtobufCMessage *request) {
  const Inference__TraceSettingRequest *r = (const Inference__TraceSettingRequest *)request;
  json_object *update = NULL;
  if (r->n_settings > 0) {
    update = json_object_new_object();
    for (size_t i = 0; i < r->n_settings; ++i) {
      const Inference__TraceSettingRequest__SettingValue *v = r->settings[i]->value;
      const char *key = r->settings[i]->key;
      json_object *value = NULL; /* no values: reset to the default */
      if (v != NULL && v->n_value > 0) {
        if (strcmp(key, "trace_level") == 0) {
          value = json_object_new_array();
          for (size_t k = 0; k < v->n_value; ++k)
            json_object_array_add(value, json_object_new_string(v->value[k]));
        } else {
          value = json_object_new_string(v->value[0]);
        }
      }
      json_object_object_add(update, key, value);
    }
  }
  strbuf b;
  strbuf_init(&b);
  unsigned status = 200;
  frontend *fe = grpc_frontend_core(c->g);
  char *err = r->model_name != NULL && r->model_name[0] != '\0'
                  ? frontend_model_trace_settings(fe, r->model_name, update, &b, &status)
                  : frontend_trace_settings(fe, update, &b, &status);
  json_object_put(update);
  if (err != NULL) {
    strbuf_free(&b);
    grpc_unary_finish(c, NULL, status_from_http(status), err);
    free(err);
    return;
  }
  /* {"trace_level":["OFF"],"trace_rate":"1000",...} → settings map of string lists */
  json_object *settings = json_tokener_parse(b.data ? b.data : "{}");
  strbuf_free(&b);
  json_object *map = json_object_new_object();
  json_object_object_foreach(settings, key, value) {
    json_object *list = json_object_new_array();
    if (json_object_is_type(value, json_type_array)) {
      for (size_t k = 0; k < json_object_array_length(value); ++k)
        json_object_array_add(list, json_object_get(json_object_array_get_idx(value, k)));
    } else {
      json_object_array_add(list, json_object_new_string(json_object_get_string(value)));
    }
    json_object *entry = json_object_new_object();
    json_object_object_add(entry, "value", list);
    json_object_object_add(map, key, entry);
  }
  json_object_put(settings);
  reply_json(c, map, &inference__trace_setting_response__descriptor, "settings");
}

void rpc_log_settings(unary_call *c, const ProtobufCMessage *request) {
  const Inference__LogSettingsRequest *r = (const Inference__LogSettingsRequest *)request;
  json_object *update = NULL;
  if (r->n_settings > 0) {
    update = json_object_new_object();
    for (size_t i = 0; i < r->n_settings; ++i) {
      const Inference__LogSettingsRequest__SettingValue *v = r->settings[i]->value;
      json_object *value = NULL;
      if (v != NULL) {
        switch (v->parameter_choice_case) {
        case INFERENCE__LOG_SETTINGS_REQUEST__SETTING_VALUE__PARAMETER_CHOICE_BOOL_PARAM:
          value = json_object_new_boolean(v->bool_param);
          break;
        case INFERENCE__LOG_SETTINGS_REQUEST__SETTING_VALUE__PARAMETER_CHOICE_UINT32_PARAM:
          value = json_object_new_int64(v->uint32_param);
          break;
        case INFERENCE__LOG_SETTINGS_REQUEST__SETTING_VALUE__PARAMETER_CHOICE_STRING_PARAM:
          value = json_object_new_string(v->string_param);
          break;
        default:
          break;
        }
      }
      json_object_object_add(update, r->settings[i]->key, value);
    }
  }
  strbuf b;
  strbuf_init(&b);
  unsigned status = 200;
  char *err = frontend_log_settings(grpc_frontend_core(c->g), update, &b, &status);
  json_object_put(update);
  if (err != NULL) {
    strbuf_free(&b);
    grpc_unary_finish(c, NULL, status_from_http(status), err);
    free(err);
    return;
  }
  json_object *settings = json_tokener_parse(b.data ? b.data : "{}");
  strbuf_free(&b);
  json_object *map = json_object_new_object();
  json_object_object_foreach(settings, key, value) {
    json_object *entry = json_object_new_object();
    if (json_object_is_type(value, json_type_boolean))
      json_object_object_add(entry, "bool_param", json_object_get(value));
    else if (json_object_is_type(value, json_type_int))
      json_object_object_add(entry, "uint32_param", json_object_get(value));
    else
      json_object_object_add(entry, "string_param", json_object_get(value));
    json_object_object_add(map, key, entry);
  }
  json_object_put(settings);
  reply_json(c, map, &inference__log_settings_response__descriptor, "settings");
}
