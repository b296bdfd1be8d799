/*
 * http_handlers_server.c — server-level endpoints: health, server metadata, and the
 * logging and trace settings extensions (spec §4.1, §4.6).
 */
#include "http_handlers.h"

#include "errfmt.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Extensions torchd really implements, in Triton's order (generate is absent;
 * cuda_shared_memory needs a GPU and an NVIDIA driver at run time, as in Triton). */
static const char *const extensions[] = {
    "classification", "sequence", "model_repository", "model_repository(unload_dependents)",
    "schedule_policy", "model_configuration", "system_shared_memory", "cuda_shared_memory",
    "binary_tensor_data", "parameters", "statistics", "trace", "logging"};

void handle_server_metadata(http_request *r) {
  const char *version = "0.1.0";
  TRITONSERVER_Message *message = NULL;
  json_object *core = NULL, *v = NULL;
  /* The version comes from the core's metadata when it has one. */
  if (TRITONSERVER_ServerMetadata(r->fe->server, &message) == NULL) {
    const char *base = NULL;
    size_t size = 0;
    if (TRITONSERVER_MessageSerializeToJson(message, &base, &size) == NULL)
      core = json_tokener_parse(base);
    if (core && json_object_object_get_ex(core, "version", &v) &&
        json_object_is_type(v, json_type_string))
      version = json_object_get_string(v);
  }
  strbuf b;
  strbuf_init(&b);
  strbuf_puts(&b, "{\"name\":");
  strbuf_json_string(&b, r->fe->options->server_id, strlen(r->fe->options->server_id));
  strbuf_puts(&b, ",\"version\":");
  strbuf_json_string(&b, version, strlen(version));
  strbuf_puts(&b, ",\"extensions\":[");
  for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); ++i)
    strbuf_printf(&b, "%s\"%s\"", i ? "," : "", extensions[i]);
  strbuf_puts(&b, "]}");
  json_object_put(core);
  if (message) TRITONSERVER_MessageDelete(message);
  http_reply_strbuf(r, MHD_HTTP_OK, &b);
}

void handle_health(http_request *r, bool ready) {
  bool ok = false;
  TRITONSERVER_Error *err = ready ? TRITONSERVER_ServerIsReady(r->fe->server, &ok)
                                  : TRITONSERVER_ServerIsLive(r->fe->server, &ok);
  if (err != NULL) {
    http_reply_core_error(r, err);
    return;
  }
  http_reply_empty(r, ok ? MHD_HTTP_OK : MHD_HTTP_BAD_REQUEST);
}

/* ---- settings endpoints (logging, trace) -------------------------------------------- */

/* Apply one POSTed key to the working copy `next`; NULL or a message (*status set). */
typedef char *(*settings_apply_fn)(const char *key, json_object *value, void *next,
                                   unsigned *status);
/* Write the settings object as JSON. */
typedef void (*settings_write_fn)(frontend *fe, const void *settings, strbuf *b);

/*
 * GET: reply with `live`. POST: apply every key of the body to a copy of `live`
 * (`size` bytes, `scratch` has room for it); all keys valid → the copy replaces `live`
 * and is the reply, otherwise nothing changes and the first error is the reply.
 * `live` is guarded by fe->lock.
 */
static char *settings_run(frontend *fe, json_object *body, void *live, void *scratch,
                          size_t size, settings_apply_fn apply, settings_write_fn write,
                          strbuf *out, unsigned *status) {
  if (body != NULL) {
    pthread_mutex_lock(&fe->lock);
    memcpy(scratch, live, size);
    char *err = NULL;
    *status = MHD_HTTP_BAD_REQUEST;
    json_object_object_foreach(body, key, v) {
      if (err == NULL) err = apply(key, v, scratch, status);
    }
    if (err == NULL) memcpy(live, scratch, size);
    pthread_mutex_unlock(&fe->lock);
    if (err != NULL) return err;
  }
  pthread_mutex_lock(&fe->lock);
  write(fe, live, out);
  pthread_mutex_unlock(&fe->lock);
  return NULL;
}

static void settings_endpoint(http_request *r, void *live, void *scratch, size_t size,
                              settings_apply_fn apply, settings_write_fn write) {
  json_object *body = NULL;
  if (strcmp(r->method, "POST") == 0 && !handlers_body_object(r, &body)) return;
  strbuf b;
  strbuf_init(&b);
  unsigned status = MHD_HTTP_OK;
  char *err = settings_run(r->fe, body, live, scratch, size, apply, write, &b, &status);
  json_object_put(body);
  if (err != NULL) {
    strbuf_free(&b);
    http_reply_error(r, status, err);
    free(err);
    return;
  }
  http_reply_strbuf(r, MHD_HTTP_OK, &b);
}

/* ---- logging ------------------------------------------------------------------------- */

static void write_log_settings(frontend *fe, const void *settings, strbuf *b) {
  const log_settings *s = settings;
  const char *file = fe->options->log_file ? fe->options->log_file : "";
  strbuf_puts(b, "{\"log_file\":");
  strbuf_json_string(b, file, strlen(file));
  strbuf_printf(b,
                ",\"log_info\":%s,\"log_warning\":%s,\"log_error\":%s,"
                "\"log_verbose_level\":%d,\"log_format\":\"%s\"}",
                s->log_info ? "true" : "false", s->log_warning ? "true" : "false",
                s->log_error ? "true" : "false", s->log_verbose_level,
                s->log_format ? "ISO8601" : "default");
}

/* Apply one POSTed logging key to `next`; returns NULL or a message (*status set). */
static char *apply_log_key(const char *key, json_object *v, void *settings,
                           unsigned *status) {
  log_settings *next = settings;
  *status = MHD_HTTP_BAD_REQUEST;
  if (v == NULL) return NULL; /* null: leave unchanged */
  bool *flag = strcmp(key, "log_info") == 0      ? &next->log_info
               : strcmp(key, "log_warning") == 0 ? &next->log_warning
               : strcmp(key, "log_error") == 0   ? &next->log_error
                                                 : NULL;
  if (flag != NULL) {
    if (!json_object_is_type(v, json_type_boolean))
      return errfmt("expecting a boolean for '%s', got %s", key, json_object_to_json_string(v));
    *flag = json_object_get_boolean(v);
  } else if (strcmp(key, "log_verbose_level") == 0) {
    if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0 ||
        json_object_get_int64(v) > 1000000)
      return errfmt("expecting a non-negative integer for 'log_verbose_level', got %s",
                    json_object_to_json_string(v));
    next->log_verbose_level = (int)json_object_get_int64(v);
  } else if (strcmp(key, "log_format") == 0) {
    if (!json_object_is_type(v, json_type_string))
      return errfmt("expecting 'default' or 'ISO8601' for 'log_format', got %s",
                    json_object_to_json_string(v));
    const char *f = json_object_get_string(v);
    if (strcmp(f, "default") == 0) next->log_format = 0;
    else if (strcmp(f, "ISO8601") == 0) next->log_format = 1;
    else { /* Triton's HandleLogging answers this one with UNAVAILABLE */
      *status = MHD_HTTP_SERVICE_UNAVAILABLE;
      return errfmt("invalid argument for --log_format, got: %s", f);
    }
  } else if (strcmp(key, "log_file") == 0) {
    *status = MHD_HTTP_NOT_IMPLEMENTED;
    return errfmt("log file location can not be updated through network protocol");
  } else {
    return errfmt("unknown logging setting '%s'; expected log_file, log_info, log_warning, "
                  "log_error, log_verbose_level or log_format",
                  key);
  }
  return NULL;
}

char *frontend_log_settings(frontend *fe, json_object *update, strbuf *out,
                            unsigned *status) {
  log_settings scratch;
  return settings_run(fe, update, &fe->log, &scratch, sizeof(scratch), apply_log_key,
                      write_log_settings, out, status);
}

void handle_logging(http_request *r) {
  log_settings scratch;
  settings_endpoint(r, &r->fe->log, &scratch, sizeof(scratch), apply_log_key,
                    write_log_settings);
}

/* ---- trace settings ------------------------------------------------------------------ */

void trace_settings_defaults(trace_settings *t) {
  memset(t, 0, sizeof(*t));
  snprintf(t->trace_level, sizeof(t->trace_level), "OFF");
  snprintf(t->trace_rate, sizeof(t->trace_rate), "1000");
  snprintf(t->trace_count, sizeof(t->trace_count), "-1");
  snprintf(t->log_frequency, sizeof(t->log_frequency), "0");
  snprintf(t->trace_mode, sizeof(t->trace_mode), "triton");
}

static void write_trace_settings(frontend *fe, const void *settings, strbuf *b) {
  (void)fe;
  const trace_settings *t = settings;
  strbuf_puts(b, "{\"trace_level\":[");
  const char *level = t->trace_level;
  bool first = true;
  while (*level) {
    const char *comma = strchr(level, ',');
    size_t len = comma ? (size_t)(comma - level) : strlen(level);
    if (!first) strbuf_append(b, ",", 1);
    strbuf_json_string(b, level, len);
    first = false;
    level += len + (comma ? 1 : 0);
  }
  strbuf_puts(b, "],\"trace_rate\":");
  strbuf_json_string(b, t->trace_rate, strlen(t->trace_rate));
  strbuf_puts(b, ",\"trace_count\":");
  strbuf_json_string(b, t->trace_count, strlen(t->trace_count));
  strbuf_puts(b, ",\"log_frequency\":");
  strbuf_json_string(b, t->log_frequency, strlen(t->log_frequency));
  strbuf_puts(b, ",\"trace_file\":");
  strbuf_json_string(b, t->trace_file, strlen(t->trace_file));
  strbuf_puts(b, ",\"trace_mode\":");
  strbuf_json_string(b, t->trace_mode, strlen(t->trace_mode));
  strbuf_puts(b, "}");
}

/* A scalar trace setting: a string (or number) value that fits, null = default. */
static char *set_trace_string(const char *key, json_object *v, char *slot, size_t cap,
                              const char *fallback, bool numeric) {
  if (v == NULL) {
    snprintf(slot, cap, "%s", fallback);
    return NULL;
  }
  const char *text = json_object_get_string(v);
  if (!json_object_is_type(v, json_type_string) && !json_object_is_type(v, json_type_int))
    return errfmt("expecting a string for trace setting '%s', got %s", key,
                  json_object_to_json_string(v));
  if (numeric) {
    /* Triton parses these with std::stoi: leading blanks and trailing text are allowed,
     * and the setting then reads back as the number. Its messages for the rest. */
    bool count = strcmp(key, "trace_count") == 0;
    char *end = NULL;
    errno = 0;
    long long n = strtoll(text, &end, 10);
    if (end == text) return errfmt("Unable to parse '%s', got: %s", key, text);
    if (errno == ERANGE || n > INT32_MAX || n < (count ? INT32_MIN : 0))
      return errfmt("Unable to parse '%s', value is out of range [ %s, %s ], got: %s", key,
                    count ? "-1" : "0", count ? "2147483647" : "4294967295", text);
    if (count && n < -1)
      return errfmt("Unable to parse 'trace_count'. Expecting value >= -1, got:%s", text);
    snprintf(slot, cap, "%lld", n);
    return NULL;
  }
  if (strlen(text) >= cap) return errfmt("trace setting '%s' is too long", key);
  snprintf(slot, cap, "%s", text);
  return NULL;
}

static char *set_trace_level(json_object *v, trace_settings *t) {
  if (v == NULL) {
    snprintf(t->trace_level, sizeof(t->trace_level), "OFF");
    return NULL;
  }
  if (!json_object_is_type(v, json_type_array))
    return errfmt("expecting an array of strings for 'trace_level', got %s",
                  json_object_to_json_string(v));
  char level[64] = "";
  for (size_t i = 0; i < json_object_array_length(v); ++i) {
    const char *item = json_object_get_string(json_object_array_get_idx(v, i));
    if (item == NULL || (strcmp(item, "OFF") && strcmp(item, "TIMESTAMPS") &&
                         strcmp(item, "TENSORS")))
      return errfmt("invalid trace level '%s'; expected OFF, TIMESTAMPS or TENSORS",
                    item ? item : "null");
    if (strcmp(item, "OFF") == 0) continue;
    if (strstr(level, item) == NULL)
      snprintf(level + strlen(level), sizeof(level) - strlen(level), "%s%s",
               level[0] ? "," : "", item);
  }
  snprintf(t->trace_level, sizeof(t->trace_level), "%s", level[0] ? level : "OFF");
  return NULL;
}

static char *apply_trace_key(const char *key, json_object *v, void *settings,
                             unsigned *status) {
  trace_settings *next = settings;
  trace_settings defaults;
  trace_settings_defaults(&defaults);
  *status = MHD_HTTP_BAD_REQUEST;
  if (strcmp(key, "trace_level") == 0) return set_trace_level(v, next);
  if (strcmp(key, "trace_rate") == 0)
    return set_trace_string(key, v, next->trace_rate, sizeof(next->trace_rate),
                            defaults.trace_rate, true);
  if (strcmp(key, "trace_count") == 0)
    return set_trace_string(key, v, next->trace_count, sizeof(next->trace_count),
                            defaults.trace_count, true);
  if (strcmp(key, "log_frequency") == 0)
    return set_trace_string(key, v, next->log_frequency, sizeof(next->log_frequency),
                            defaults.log_frequency, true);
  if (strcmp(key, "trace_file") == 0) {
    /* Like log_file: a client must never choose a file the server writes (null keeps the
     * configured location). */
    if (v == NULL) {
      snprintf(next->trace_file, sizeof(next->trace_file), "%s", defaults.trace_file);
      return NULL;
    }
    *status = MHD_HTTP_NOT_IMPLEMENTED;
    return errfmt("trace file location can not be updated through network protocol");
  }
  if (strcmp(key, "trace_mode") == 0)
    return set_trace_string(key, v, next->trace_mode, sizeof(next->trace_mode),
                            defaults.trace_mode, false);
  return errfmt("unknown trace setting '%s'; expected trace_file, trace_level, trace_rate, "
                "trace_count, log_frequency or trace_mode",
                key);
}

char *frontend_trace_settings(frontend *fe, json_object *update, strbuf *out,
                              unsigned *status) {
  trace_settings scratch;
  return settings_run(fe, update, &fe->trace, &scratch, sizeof(scratch), apply_trace_key,
                      write_trace_settings, out, status);
}

/* The global settings (GET/POST /v2/trace/setting). */
void handle_trace_setting(http_request *r) {
  trace_settings scratch;
  settings_endpoint(r, &r->fe->trace, &scratch, sizeof(scratch), apply_trace_key,
                    write_trace_settings);
}

enum { TRACE_SET_LEVEL = 1, TRACE_SET_RATE = 2, TRACE_SET_COUNT = 4, TRACE_SET_LOG_FREQUENCY = 8,
       TRACE_SET_MODE = 16 };

static unsigned trace_key_bit(const char *key) {
  return strcmp(key, "trace_level") == 0     ? TRACE_SET_LEVEL
         : strcmp(key, "trace_rate") == 0    ? TRACE_SET_RATE
         : strcmp(key, "trace_count") == 0   ? TRACE_SET_COUNT
         : strcmp(key, "log_frequency") == 0 ? TRACE_SET_LOG_FREQUENCY
         : strcmp(key, "trace_mode") == 0    ? TRACE_SET_MODE
                                             : 0;
}

/* What `model` sees: its own settings where it has them, the global ones elsewhere
 * (caller holds fe->lock). */
static void trace_merged(const frontend *fe, const trace_model_settings *own,
                         trace_settings *out) {
  *out = fe->trace;
  if (own == NULL) return;
  const trace_settings *v = &own->values;
  unsigned set = own->specified;
  if (set & TRACE_SET_LEVEL) memcpy(out->trace_level, v->trace_level, sizeof(v->trace_level));
  if (set & TRACE_SET_RATE) memcpy(out->trace_rate, v->trace_rate, sizeof(v->trace_rate));
  if (set & TRACE_SET_COUNT) memcpy(out->trace_count, v->trace_count, sizeof(v->trace_count));
  if (set & TRACE_SET_LOG_FREQUENCY)
    memcpy(out->log_frequency, v->log_frequency, sizeof(v->log_frequency));
  if (set & TRACE_SET_MODE) memcpy(out->trace_mode, v->trace_mode, sizeof(v->trace_mode));
}

static trace_model_settings *trace_model_find(frontend *fe, const char *model) {
  for (size_t i = 0; i < TRACE_MODEL_SLOTS; ++i)
    if (fe->model_traces[i].model[0] != '\0' && strcmp(fe->model_traces[i].model, model) == 0)
      return &fe->model_traces[i];
  return NULL;
}

/* A model's trace settings, as Triton's TraceManager: a model's settings start as the
 * global ones; a given value becomes the model's own, a null one makes the field follow
 * the global setting again. The model must be known and ready. `update` NULL = read. */
char *frontend_model_trace_settings(frontend *fe, const char *model, json_object *update,
                                    strbuf *out, unsigned *status) {
  bool ready = false;
  TRITONSERVER_Error *core = TRITONSERVER_ServerModelIsReady(fe->server, model, -1, &ready);
  if (core != NULL && TRITONSERVER_ErrorCode(core) == TRITONSERVER_ERROR_NOT_FOUND) {
    /* Triton's ModelIsReady reports an unknown model as not ready, not as an error. */
    TRITONSERVER_ErrorDelete(core);
    core = NULL;
    ready = false;
  }
  if (core != NULL) {
    *status = http_status_from_code(TRITONSERVER_ErrorCode(core));
    char *message = errfmt("%s", TRITONSERVER_ErrorMessage(core));
    TRITONSERVER_ErrorDelete(core);
    return message;
  }
  if (!ready) {
    *status = MHD_HTTP_BAD_REQUEST;
    return errfmt("Request for unknown model : %s", model);
  }
  pthread_mutex_lock(&fe->lock);
  trace_model_settings *own = trace_model_find(fe, model);
  trace_settings view;
  trace_merged(fe, own, &view);
  char *err = NULL;
  *status = MHD_HTTP_BAD_REQUEST;
  if (update != NULL) {
    trace_settings next = view;
    unsigned specified = own ? own->specified : 0;
    json_object_object_foreach(update, key, v) {
      if (err == NULL) err = apply_trace_key(key, v, &next, status);
      if (err == NULL)
        specified = v ? specified | trace_key_bit(key) : specified & ~trace_key_bit(key);
    }
    if (err == NULL && specified != 0 && own == NULL) {
      for (size_t i = 0; i < TRACE_MODEL_SLOTS && own == NULL; ++i)
        if (fe->model_traces[i].model[0] == '\0') own = &fe->model_traces[i];
      if (own == NULL || strlen(model) >= sizeof(own->model)) {
        own = NULL;
        *status = MHD_HTTP_SERVICE_UNAVAILABLE;
        err = errfmt("no room for trace settings of model '%s': %d models already have their "
                     "own", model, TRACE_MODEL_SLOTS);
      } else {
        snprintf(own->model, sizeof(own->model), "%s", model);
      }
    }
    if (err == NULL && own != NULL) {
      own->values = next;
      own->specified = specified;
      if (specified == 0) own->model[0] = '\0'; /* follows the global settings again */
    }
    trace_merged(fe, own != NULL && own->model[0] != '\0' ? own : NULL, &view);
  }
  if (err == NULL) write_trace_settings(fe, &view, out);
  pthread_mutex_unlock(&fe->lock);
  return err;
}

/* GET/POST /v2/models/<m>/trace/setting. */
void handle_model_trace_setting(http_request *r) {
  json_object *body = NULL;
  if (strcmp(r->method, "POST") == 0 && !handlers_body_object(r, &body)) return;
  strbuf b;
  strbuf_init(&b);
  unsigned status = MHD_HTTP_OK;
  char *err = frontend_model_trace_settings(r->fe, r->route.model, body, &b, &status);
  json_object_put(body);
  if (err != NULL) {
    strbuf_free(&b);
    http_reply_error(r, status, err);
    free(err);
    return;
  }
  http_reply_strbuf(r, MHD_HTTP_OK, &b);
}
