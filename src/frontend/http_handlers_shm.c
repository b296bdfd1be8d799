/*
 * http_handlers_shm.c — the system and CUDA shared memory extensions (register, status,
 * unregister; spec §4.6). Both kinds need --allow-client-shm=true to register.
 */
#include "http_handlers.h"

#include "base64.h"
#include "cuda_ipc.h"
#include "errfmt.h"

#include <stdlib.h>
#include <string.h>

static bool shm_allowed(http_request *r) {
  if (r->fe->options->allow_client_shm) return true;
  http_reply_error(r, MHD_HTTP_BAD_REQUEST,
                   "system shared memory is disabled; start torchd with "
                   "--allow-client-shm=true to use it");
  return false;
}

static void shm_register(http_request *r) {
  if (r->route.region[0] == '\0') {
    http_reply_error(r, MHD_HTTP_BAD_REQUEST,
                     "register needs a region name: POST "
                     "/v2/systemsharedmemory/region/<name>/register");
    return;
  }
  json_object *body = NULL, *key = NULL, *offset = NULL, *size = NULL;
  if (!handlers_body_object(r, &body)) return;
  if (body == NULL || !json_object_object_get_ex(body, "key", &key) ||
      !json_object_is_type(key, json_type_string) ||
      !json_object_object_get_ex(body, "byte_size", &size) ||
      !json_object_is_type(size, json_type_int) || json_object_get_int64(size) < 0 ||
      (json_object_object_get_ex(body, "offset", &offset) &&
       (!json_object_is_type(offset, json_type_int) || json_object_get_int64(offset) < 0))) {
    json_object_put(body);
    http_reply_error(r, MHD_HTTP_BAD_REQUEST,
                     "register expects {\"key\": \"/shm_key\", \"offset\": <non-negative "
                     "integer, optional>, \"byte_size\": <positive integer>}");
    return;
  }
  int status = 400;
  char *err = shm_registry_register(&r->fe->shm, r->route.region, json_object_get_string(key),
                                    offset ? (uint64_t)json_object_get_int64(offset) : 0,
                                    (uint64_t)json_object_get_int64(size), &status);
  json_object_put(body);
  if (err != NULL) {
    http_reply_error(r, (unsigned)status, err);
    free(err);
  } else {
    http_reply_empty(r, MHD_HTTP_OK);
  }
}

/* Answers a status request with `status` (one kind's JSON list, or 404 for an unknown
 * region name). */
static void reply_status(http_request *r,
                         char *(*status)(shm_registry *, const char *, strbuf *)) {
  strbuf b;
  strbuf_init(&b);
  char *err = status(&r->fe->shm, r->route.region, &b);
  if (err != NULL) {
    strbuf_free(&b);
    http_reply_error(r, MHD_HTTP_NOT_FOUND, err);
    free(err);
  } else {
    http_reply_strbuf(r, MHD_HTTP_OK, &b);
  }
}

void handle_system_shm(http_request *r) {
  if (r->route.kind == ROUTE_SYSTEM_SHM_STATUS) {
    reply_status(r, shm_registry_status);
    return;
  }
  if (!shm_allowed(r)) return;
  if (r->route.kind == ROUTE_SYSTEM_SHM_REGISTER) {
    shm_register(r);
  } else {
    shm_registry_unregister(&r->fe->shm, r->route.region);
    http_reply_empty(r, MHD_HTTP_OK);
  }
}

/* POST /v2/cudasharedmemory/region/<name>/register
 * {"raw_handle": {"b64": <base64 of the cudaIpcMemHandle_t>}, "device_id": n, "byte_size": n} */
static void cuda_shm_register(http_request *r) {
  if (r->route.region[0] == '\0') {
    http_reply_error(r, MHD_HTTP_BAD_REQUEST,
                     "register needs a region name: POST "
                     "/v2/cudasharedmemory/region/<name>/register");
    return;
  }
  json_object *body = NULL, *raw = NULL, *b64 = NULL, *device = NULL, *size = NULL;
  if (!handlers_body_object(r, &body)) return;
  if (body == NULL || !json_object_object_get_ex(body, "raw_handle", &raw) ||
      !json_object_object_get_ex(raw, "b64", &b64) ||
      !json_object_is_type(b64, json_type_string) ||
      !json_object_object_get_ex(body, "device_id", &device) ||
      !json_object_is_type(device, json_type_int) || json_object_get_int64(device) < 0 ||
      json_object_get_int64(device) > 1023 ||
      !json_object_object_get_ex(body, "byte_size", &size) ||
      !json_object_is_type(size, json_type_int) || json_object_get_int64(size) < 0) {
    json_object_put(body);
    http_reply_error(r, MHD_HTTP_BAD_REQUEST,
                     "register expects {\"raw_handle\": {\"b64\": <base64 CUDA IPC handle>}, "
                     "\"device_id\": <GPU id>, \"byte_size\": <positive integer>}");
    return;
  }
  size_t handle_size = 0;
  unsigned char *handle = base64_decode(json_object_get_string(b64),
                                        (size_t)json_object_get_string_len(b64), &handle_size);
  if (handle == NULL || handle_size != CUDA_IPC_HANDLE_SIZE) {
    char *message = errfmt("'raw_handle' of CUDA shared memory region '%s' must be the "
                           "base64 of a %d-byte CUDA IPC handle",
                           r->route.region, CUDA_IPC_HANDLE_SIZE);
    free(handle);
    json_object_put(body);
    http_reply_error(r, MHD_HTTP_BAD_REQUEST, message);
    free(message);
    return;
  }
  int status = 400;
  char *err = shm_registry_register_cuda(&r->fe->shm, r->route.region, handle,
                                         (int)json_object_get_int64(device),
                                         (uint64_t)json_object_get_int64(size), &status);
  free(handle);
  json_object_put(body);
  if (err != NULL) {
    http_reply_error(r, (unsigned)status, err);
    free(err);
  } else {
    http_reply_empty(r, MHD_HTTP_OK);
  }
}

void handle_cuda_shm(http_request *r) {
  if (r->route.kind == ROUTE_CUDA_SHM_STATUS) {
    reply_status(r, shm_registry_status_cuda);
    return;
  }
  if (r->route.kind == ROUTE_CUDA_SHM_UNREGISTER) {
    /* Unknown names are not an error; clients clean up both kinds (perf_analyzer
     * --shared-memory system unregisters all CUDA regions too). */
    shm_registry_unregister_cuda(&r->fe->shm, r->route.region);
    http_reply_empty(r, MHD_HTTP_OK);
    return;
  }
  if (!shm_allowed(r)) return;
  cuda_shm_register(r);
}
