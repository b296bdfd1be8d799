/* response_cache.c — the response cache: configuration, request keys, serving hits,
 * storing results, and the encoding of a cached result (see response_cache.h). The
 * store itself, with its locking and eviction, is lru_cache.c. */
#include "response_cache.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core_util.h"
#include "log.h"
#include "lru_cache.h"
#include "model.h"
#include "options.h"
#include "scheduler.h"
#include "server.h"
#include "stats.h"

struct response_cache {
  lru_cache *lru;
  uint64_t capacity;
};

_Static_assert((int)DIGEST_SIZE == (int)LRU_KEY_SIZE, "cache keys are digests");

static const char KEY_DOMAIN[] = "torchd response cache v1";
static const uint32_t BLOB_MAGIC = 0x43524454u; /* "TDRC" */

/* ---- configuration ------------------------------------------------------------------ */

/* Reads {"size": <n>} (a JSON number or a string of digits, as --cache-config gives it). */
static TRITONSERVER_Error *parse_local_config(const char *json, uint64_t *size)
{
  json_object *root = json_tokener_parse(json);
  if (!root || !json_object_is_type(root, json_type_object)) {
    json_object_put(root);
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "cache 'local': the configuration must be a JSON object, got '%s'", json);
  }
  TRITONSERVER_Error *err = NULL;
  bool has_size = false;
  json_object_object_foreach(root, key, value)
  {
    if (strcmp(key, "size") != 0) {
      err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                        "cache 'local': unknown setting '%s' (the local cache has only 'size', "
                        "its capacity in bytes)",
                        key);
      break;
    }
    const char *text = json_object_get_string(value);
    bool digits = text && text[0] != '\0' &&
                  (json_object_is_type(value, json_type_string) ||
                   json_object_is_type(value, json_type_int));
    for (const char *c = text; digits && *c; c++)
      digits = isdigit((unsigned char)*c);
    errno = 0;
    unsigned long long n = digits ? strtoull(text, NULL, 10) : 0;
    if (!digits || errno == ERANGE || n == 0) {
      err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                        "cache 'local': 'size' must be a byte count > 0, got '%s'",
                        text ? text : "");
      break;
    }
    *size = n;
    has_size = true;
  }
  json_object_put(root);
  if (!err && !has_size)
    err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                      "cache 'local': the configuration has no 'size' (its capacity in bytes), "
                      "e.g. --cache-config=local,size=1048576");
  return err;
}

TRITONSERVER_Error *response_cache_new(const TRITONSERVER_ServerOptions *options,
                                       response_cache **out)
{
  *out = NULL;
  const options_settings *configs = &options->cache_configs;
  if (configs->count == 0)
    return NULL;
  const char *name = configs->items[0].group;
  const char *json = NULL; /* the last configuration given for it */
  for (size_t i = 0; i < configs->count; i++) {
    if (strcmp(configs->items[i].group, name) != 0)
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "received multiple cache configurations ('%s' and '%s'): only one "
                         "cache can be used",
                         name, configs->items[i].group);
    json = configs->items[i].value;
  }
  if (strcmp(name, "local") != 0)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "cache '%s' is not supported: torchd has only Triton's 'local' cache "
                       "(e.g. --cache-config=local,size=1048576)",
                       name);
  uint64_t size = 0;
  TRITONSERVER_Error *err = parse_local_config(json, &size);
  if (err)
    return err;
  response_cache *cache = calloc(1, sizeof(*cache));
  if (!cache || !(cache->lru = lru_new(size))) {
    free(cache);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory creating the response cache");
  }
  cache->capacity = size;
  CORE_LOG_INFO("response cache 'local' enabled: %llu bytes, least recently used results "
                "evicted first",
                (unsigned long long)size);
  *out = cache;
  return NULL;
}

void response_cache_free(response_cache *cache)
{
  if (!cache)
    return;
  lru_free(cache->lru);
  free(cache);
}

uint64_t response_cache_capacity(const response_cache *cache) { return cache ? cache->capacity : 0; }

void response_cache_purge(response_cache *cache, uint64_t owner)
{
  if (cache) {
    size_t n = lru_purge_owner(cache->lru, owner);
    if (n)
      CORE_LOG_VERBOSE(1, "response cache: dropped %zu result(s) of an unloaded model", n);
  }
}

/* ---- the key ------------------------------------------------------------------------ */

static bool cpu_memory(TRITONSERVER_MemoryType type)
{
  return type == TRITONSERVER_MEMORY_CPU || type == TRITONSERVER_MEMORY_CPU_PINNED;
}

bool response_cache_key(const TRITONSERVER_InferenceRequest *req, const char *model_name,
                        uint64_t model_version, uint64_t owner, uint8_t key[DIGEST_SIZE])
{
  digest_state s;
  digest_init(&s);
  digest_update_string(&s, KEY_DOMAIN);
  digest_update_string(&s, model_name);
  digest_update_u64(&s, model_version);
  digest_update_u64(&s, owner);
  uint64_t inputs = 0;
  for (size_t i = 0; i < req->input_count; i++)
    inputs += !req->inputs[i]->injected;
  digest_update_u64(&s, inputs);
  /* Inputs are kept sorted by name, so their order in the request does not matter. */
  for (size_t i = 0; i < req->input_count; i++) {
    const TRITONBACKEND_Input *in = req->inputs[i];
    if (in->injected)
      continue;
    digest_update_string(&s, in->name);
    digest_update_u64(&s, (uint64_t)in->datatype);
    digest_update_u64(&s, in->dims_count);
    for (uint32_t d = 0; d < in->dims_count; d++)
      digest_update_u64(&s, (uint64_t)in->shape[d]);
    digest_update_u64(&s, in->byte_size);
    for (uint32_t b = 0; b < in->buffer_count; b++) {
      if (!cpu_memory(in->buffers[b].memory_type))
        return false;
      digest_update(&s, in->buffers[b].base, in->buffers[b].byte_size);
    }
  }
  /* Parameters reach the backend, which may answer differently for them: all of them, in
   * the order given, with the value of their type. */
  digest_update_u64(&s, req->param_count);
  for (size_t i = 0; i < req->param_count; i++) {
    const request_param *p = &req->params[i];
    digest_update_string(&s, p->key);
    digest_update_u64(&s, (uint64_t)p->type);
    uint64_t bits = 0;
    switch (p->type) {
    case TRITONSERVER_PARAMETER_STRING: digest_update_string(&s, p->string_value); break;
    case TRITONSERVER_PARAMETER_INT: digest_update_u64(&s, (uint64_t)p->int_value); break;
    case TRITONSERVER_PARAMETER_BOOL: digest_update_u64(&s, p->bool_value ? 1 : 0); break;
    case TRITONSERVER_PARAMETER_DOUBLE:
      memcpy(&bits, &p->double_value, sizeof(bits));
      digest_update_u64(&s, bits);
      break;
    default: /* no other type is ever set on a request; hash every field to be safe */
      memcpy(&bits, &p->double_value, sizeof(bits));
      digest_update_string(&s, p->string_value);
      digest_update_u64(&s, (uint64_t)p->int_value);
      digest_update_u64(&s, p->bool_value ? 1 : 0);
      digest_update_u64(&s, bits);
      break;
    }
  }
  digest_final(&s, key);
  return true;
}

/* ---- encoding: a writer that counts (out == NULL) or copies ---------------------------- */

typedef struct writer {
  uint8_t *out;
  size_t at;
} writer;

static void put(writer *w, const void *data, size_t n)
{
  if (w->out && n)
    memcpy(w->out + w->at, data, n);
  w->at += n;
}
static void put_u32(writer *w, uint32_t v) { put(w, &v, sizeof(v)); }
static void put_u64(writer *w, uint64_t v) { put(w, &v, sizeof(v)); }
static void put_string(writer *w, const char *text) /* length with the NUL, then the bytes */
{
  const char *t = text ? text : "";
  size_t n = strlen(t) + 1;
  put_u32(w, (uint32_t)n);
  put(w, t, n);
}

static void write_blob(writer *w, const TRITONSERVER_InferenceResponse *resp, char *const *asked,
                       size_t asked_count)
{
  put_u32(w, BLOB_MAGIC);
  put_u32(w, (uint32_t)asked_count);
  put_u32(w, resp->param_count);
  put_u32(w, resp->output_count);
  for (size_t i = 0; i < asked_count; i++)
    put_string(w, asked[i]);
  for (uint32_t i = 0; i < resp->param_count; i++) {
    const request_param *p = &resp->params[i];
    put_string(w, p->key);
    put_u32(w, (uint32_t)p->type);
    put_string(w, p->string_value);
    put_u64(w, (uint64_t)p->int_value);
    put_u32(w, p->bool_value ? 1 : 0);
    put(w, &p->double_value, sizeof(p->double_value));
  }
  for (uint32_t i = 0; i < resp->output_count; i++) {
    const TRITONBACKEND_Output *o = resp->outputs[i];
    put_string(w, o->name);
    put_u32(w, (uint32_t)o->datatype);
    put_u32(w, o->dims_count);
    for (uint32_t d = 0; d < o->dims_count; d++)
      put_u64(w, (uint64_t)o->shape[d]);
    put_u32(w, o->has_buffer ? 1 : 0);
    uint64_t bytes = o->has_buffer ? o->byte_size : 0;
    put_u64(w, bytes);
    put(w, o->buffer, bytes);
  }
}

bool response_cache_encode(const TRITONSERVER_InferenceResponse *resp, char *const *asked,
                           size_t asked_count, void **blob, size_t *size)
{
  for (uint32_t i = 0; i < resp->output_count; i++) {
    const TRITONBACKEND_Output *o = resp->outputs[i];
    if (o->has_buffer && o->byte_size > 0 && !cpu_memory(o->memory_type))
      return false; /* as in Triton: only results in CPU memory are cached */
  }
  writer count = {NULL, 0};
  write_blob(&count, resp, asked, asked_count);
  writer w = {malloc(count.at ? count.at : 1), 0};
  if (!w.out)
    return false;
  write_blob(&w, resp, asked, asked_count);
  *blob = w.out;
  *size = w.at;
  return true;
}

/* ---- decoding: a bounds-checked reader ------------------------------------------------ */

typedef struct reader {
  const uint8_t *at, *end;
  bool ok;
} reader;

static const void *take(reader *r, size_t n)
{
  if (!r->ok || (size_t)(r->end - r->at) < n) {
    r->ok = false;
    return NULL;
  }
  const void *p = r->at;
  r->at += n;
  return p;
}
static uint32_t take_u32(reader *r)
{
  uint32_t v = 0;
  const void *p = take(r, sizeof(v));
  if (p)
    memcpy(&v, p, sizeof(v));
  return v;
}
static uint64_t take_u64(reader *r)
{
  uint64_t v = 0;
  const void *p = take(r, sizeof(v));
  if (p)
    memcpy(&v, p, sizeof(v));
  return v;
}
static const char *take_string(reader *r)
{
  uint32_t n = take_u32(r);
  const char *s = take(r, n);
  if (!s || n == 0 || s[n - 1] != '\0') {
    r->ok = false;
    return "";
  }
  return s;
}

typedef struct blob_header {
  uint32_t asked_count, param_count, output_count;
} blob_header;

static reader open_blob(const void *blob, size_t size, blob_header *h)
{
  reader r = {blob, (const uint8_t *)blob + size, blob != NULL};
  if (take_u32(&r) != BLOB_MAGIC)
    r.ok = false;
  h->asked_count = take_u32(&r);
  h->param_count = take_u32(&r);
  h->output_count = take_u32(&r);
  return r;
}

static bool contains(const char *const *names, size_t count, const char *name)
{
  for (size_t i = 0; i < count; i++)
    if (strcmp(names[i], name) == 0)
      return true;
  return false;
}

bool response_cache_covers(const void *blob, size_t size, const char *const *needed,
                           size_t needed_count)
{
  blob_header h;
  reader r = open_blob(blob, size, &h);
  if (!r.ok)
    return false;
  /* Small lists (a model's outputs): a name-by-name search is simplest. */
  const char *stack_names[16];
  const char **asked = h.asked_count <= 16 ? stack_names : malloc(h.asked_count * sizeof(char *));
  if (!asked)
    return false;
  for (uint32_t i = 0; i < h.asked_count; i++)
    asked[i] = take_string(&r);
  bool covered = r.ok;
  for (size_t i = 0; covered && i < needed_count; i++)
    covered = contains(asked, h.asked_count, needed[i]);
  if (asked != stack_names)
    free(asked);
  return covered;
}

/* Appends an output with a client-form shape to `resp` (the backend path would undo a
 * reshape first; a cached shape already is in client form). */
static TRITONSERVER_Error *add_output(TRITONSERVER_InferenceResponse *resp, const char *name,
                                      TRITONSERVER_DataType datatype, reader *shape_reader,
                                      uint32_t dims_count, TRITONBACKEND_Output **out)
{
  TRITONBACKEND_Output **grown = realloc(resp->outputs, (resp->output_count + 1) * sizeof(*grown));
  if (!grown)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  resp->outputs = grown;
  TRITONBACKEND_Output *o = calloc(1, sizeof(*o));
  int64_t *shape = malloc((dims_count ? dims_count : 1) * sizeof(int64_t));
  char *copy = strdup(name);
  if (!o || !shape || !copy) {
    free(o);
    free(shape);
    free(copy);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  for (uint32_t d = 0; d < dims_count; d++)
    shape[d] = (int64_t)take_u64(shape_reader);
  o->response = resp;
  o->name = copy;
  o->datatype = datatype;
  o->shape = shape;
  o->dims_count = dims_count;
  o->config_index = resp->sink->model ? model_output_index(resp->sink->model, name) : -1;
  grown[resp->output_count++] = o;
  *out = o;
  return NULL;
}

TRITONSERVER_Error *response_cache_decode(const void *blob, size_t size,
                                          const char *const *needed, size_t needed_count,
                                          TRITONSERVER_InferenceResponse *resp)
{
  blob_header h;
  reader r = open_blob(blob, size, &h);
  for (uint32_t i = 0; r.ok && i < h.asked_count; i++)
    take_string(&r);
  TRITONBACKEND_Response *backend_resp = (TRITONBACKEND_Response *)(void *)resp;
  TRITONSERVER_Error *err = NULL;
  for (uint32_t i = 0; r.ok && !err && i < h.param_count; i++) {
    const char *key = take_string(&r);
    TRITONSERVER_ParameterType type = (TRITONSERVER_ParameterType)take_u32(&r);
    const char *text = take_string(&r);
    int64_t integer = (int64_t)take_u64(&r);
    bool flag = take_u32(&r) != 0;
    double real = 0;
    const void *p = take(&r, sizeof(real));
    if (p)
      memcpy(&real, p, sizeof(real));
    if (!r.ok)
      break;
    switch (type) {
    case TRITONSERVER_PARAMETER_STRING:
      err = TRITONBACKEND_ResponseSetStringParameter(backend_resp, key, text);
      break;
    case TRITONSERVER_PARAMETER_INT:
      err = TRITONBACKEND_ResponseSetIntParameter(backend_resp, key, integer);
      break;
    case TRITONSERVER_PARAMETER_BOOL:
      err = TRITONBACKEND_ResponseSetBoolParameter(backend_resp, key, flag);
      break;
    case TRITONSERVER_PARAMETER_DOUBLE:
      err = TRITONBACKEND_ResponseSetDoubleParameter(backend_resp, key, real);
      break;
    default:
      r.ok = false;
      break;
    }
  }
  for (uint32_t i = 0; r.ok && !err && i < h.output_count; i++) {
    const char *name = take_string(&r);
    TRITONSERVER_DataType datatype = (TRITONSERVER_DataType)take_u32(&r);
    uint32_t dims_count = take_u32(&r);
    reader shape = r;
    take(&r, (size_t)dims_count * sizeof(uint64_t));
    bool has_buffer = take_u32(&r) != 0;
    uint64_t bytes = take_u64(&r);
    const void *data = take(&r, bytes);
    if (!r.ok || !contains(needed, needed_count, name))
      continue;
    TRITONBACKEND_Output *o = NULL;
    err = add_output(resp, name, datatype, &shape, dims_count, &o);
    if (err || !has_buffer)
      continue;
    void *buffer = NULL;
    TRITONSERVER_MemoryType memory_type = TRITONSERVER_MEMORY_CPU;
    int64_t memory_type_id = 0;
    err = TRITONBACKEND_OutputBuffer(o, &buffer, bytes, &memory_type, &memory_type_id);
    if (!err && bytes > 0 && !cpu_memory(memory_type))
      err = util_errorf(TRITONSERVER_ERROR_UNSUPPORTED,
                        "response cache: output '%s' was given %s memory; cached results are "
                        "copied only into CPU memory",
                        name, TRITONSERVER_MemoryTypeString(memory_type));
    if (!err && bytes > 0)
      memcpy(buffer, data, bytes);
  }
  if (!err && !r.ok)
    err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "response cache: a cached result is corrupt");
  return err;
}

/* ---- serving and storing ---------------------------------------------------------------- */

/* The request's outputs as a pending record; NULL on out of memory. */
static response_cache_pending *pending_new(response_cache *cache, const uint8_t key[DIGEST_SIZE],
                                           uint64_t owner, const TRITONSERVER_InferenceRequest *req)
{
  size_t bytes = sizeof(response_cache_pending) + req->backend_output_count * sizeof(char *);
  for (size_t i = 0; i < req->backend_output_count; i++)
    bytes += strlen(req->backend_outputs[i]) + 1;
  response_cache_pending *p = calloc(1, bytes);
  if (!p)
    return NULL;
  p->cache = cache;
  memcpy(p->key, key, DIGEST_SIZE);
  p->owner = owner;
  p->asked = (char **)(void *)(p + 1);
  p->asked_count = req->backend_output_count;
  char *text = (char *)(p->asked + p->asked_count);
  for (size_t i = 0; i < p->asked_count; i++) {
    size_t n = strlen(req->backend_outputs[i]) + 1;
    memcpy(text, req->backend_outputs[i], n);
    p->asked[i] = text;
    text += n;
  }
  return p;
}

void response_cache_pending_free(response_cache_pending *pending) { free(pending); }

/* Builds the response of a hit; NULL when it cannot be built, e.g. the allocator
 * refused a buffer: the request then runs the model, which meets the same allocator and
 * reports its error the usual way. */
static TRITONSERVER_InferenceResponse *build_from(const lru_item *item,
                                                  TRITONSERVER_InferenceRequest *req)
{
  TRITONSERVER_InferenceResponse *resp = response_new(req->sink);
  if (!resp)
    return NULL;
  TRITONSERVER_Error *err = response_cache_decode(item->data, item->size, req->backend_outputs,
                                                  req->backend_output_count, resp);
  if (err) {
    CORE_LOG_VERBOSE(1, "response cache: serving model '%s' from the cache failed (%s); "
                        "running the model",
                     req->model->name, TRITONSERVER_ErrorMessage(err));
    TRITONSERVER_ErrorDelete(err);
    response_free(resp);
    return NULL;
  }
  return resp;
}

bool response_cache_serve(response_cache *cache, TRITONSERVER_InferenceRequest *req)
{
  TRITONBACKEND_Model *model = req->model;
  uint64_t lookup_start = util_now_ns();
  uint8_t key[DIGEST_SIZE];
  if (!response_cache_key(req, model->name, model->version, model->load_id, key))
    return false;
  lru_item *item = lru_lookup(cache->lru, key);
  if (item) {
    TRITONSERVER_InferenceResponse *resp =
        response_cache_covers(item->data, item->size, req->backend_outputs,
                              req->backend_output_count)
            ? build_from(item, req)
            : NULL;
    lru_release(item);
    if (resp) {
      /* Counted before the response leaves (a client that asks for statistics once it
       * has its answer sees the hit), as Triton does in its lookup: cache_hit time is
       * the lookup and the copy, not the frontend's sending. */
      stats_report_cache_hit(&model->stats, req->request_start_ns,
                             util_now_ns() - lookup_start);
      /* Numbered only now that it is sent: a number taken and not delivered would stall
       * every later response of a preserve_ordering model. */
      scheduler_order_now(model->scheduler, req);
      TRITONSERVER_Error *err =
          response_deliver(req->sink, resp, TRITONSERVER_RESPONSE_COMPLETE_FINAL);
      if (err)
        TRITONSERVER_ErrorDelete(err);
      request_finish(req, NULL);
      return true;
    }
  }
  response_cache_pending *pending = pending_new(cache, key, model->load_id, req);
  if (pending)
    __atomic_store_n(&req->sink->cache_pending, pending, __ATOMIC_RELEASE);
  stats_report_cache_miss(&model->stats, 1, util_now_ns() - lookup_start);
  return false;
}

void response_cache_store(TRITONSERVER_InferenceResponse *resp, uint32_t flags)
{
  if (!resp || !(flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL))
    return;
  response_sink *sink = resp->sink;
  if (!__atomic_load_n(&sink->cache_pending, __ATOMIC_ACQUIRE))
    return;
  response_cache_pending *p = __atomic_exchange_n(&sink->cache_pending, NULL, __ATOMIC_ACQ_REL);
  if (!p)
    return;
  /* Never an error, and never after a final response (that send will be refused). */
  if (!resp->error && !__atomic_load_n(&sink->final_sent, __ATOMIC_ACQUIRE)) {
    uint64_t start = util_now_ns();
    void *blob = NULL;
    size_t size = 0;
    if (response_cache_encode(resp, p->asked, p->asked_count, &blob, &size)) {
      lru_insert_result result = lru_insert(p->cache->lru, p->key, p->owner, blob, size);
      if (result == LRU_TOO_LARGE)
        CORE_LOG_VERBOSE(1, "response cache: a result of model '%s' (%zu bytes) is larger "
                            "than the whole cache; not cached",
                         sink->model_name, size);
    }
    if (sink->model)
      stats_report_cache_miss(&sink->model->stats, 0, util_now_ns() - start);
  }
  response_cache_pending_free(p);
}
