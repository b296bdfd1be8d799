/*
 * config_json_read.c — model_config_from_json: protobuf-style JSON (§3.4) → ModelConfig.
 *
 * Accepts what protobuf's JsonStringToMessage accepts for these types: proto or
 * lowerCamelCase field names, enums as names or integers, integers as numbers, integral
 * doubles or decimal strings (64-bit values arrive as strings from some writers), floats
 * as numbers or "NaN"/"Infinity"/"-Infinity", null as "field absent", maps as objects.
 * Unknown fields, type mismatches, out-of-range numbers and two members of one oneof are
 * errors naming the JSON path ("input[0].dims[1]: expected an integer, got ...").
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_alloc.h"
#include "config_message.h"
#include "config_schema.h"
#include "model_config.h"

typedef struct Reader {
  ConfigBuf path; /* JSON path of the value being read, for error messages */
  char *error;
} Reader;

static bool fail(Reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(Reader *r, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char *message = cfg_vprintf(fmt, args);
  va_end(args);
  free(r->error);
  r->error = cfg_printf("model config JSON: %s%s%s", r->path.len ? r->path.data : "",
                        r->path.len ? ": " : "", message);
  free(message);
  return false;
}

static const char *json_type_label(json_object *value) {
  switch (json_object_get_type(value)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double: return "a number";
    case json_type_int: return "an integer";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
  }
  return "?";
}

/* Parses an optionally negative decimal integer string completely. */
static bool parse_decimal(const char *s, bool *negative, uint64_t *magnitude) {
  *negative = *s == '-';
  if (*negative) {
    s++;
  }
  if (*s < '0' || *s > '9') {
    return false;
  }
  uint64_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') {
      return false;
    }
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) {
      return false;
    }
    v = v * 10 + d;
  }
  *magnitude = v;
  return true;
}

/* Reads any JSON integer form into sign + magnitude. */
static bool read_integer_parts(Reader *r, json_object *value, bool *negative,
                               uint64_t *magnitude) {
  switch (json_object_get_type(value)) {
    case json_type_int: {
      int64_t v = json_object_get_int64(value);
      *negative = v < 0;
      *magnitude = v < 0 ? (uint64_t)0 - (uint64_t)v : json_object_get_uint64(value);
      return true;
    }
    case json_type_double: {
      double d = json_object_get_double(value);
      if (!isfinite(d) || d != floor(d) || fabs(d) >= 18446744073709551616.0) {
        return fail(r, "expected an integer, got %s", json_object_to_json_string(value));
      }
      *negative = d < 0;
      *magnitude = (uint64_t)fabs(d);
      return true;
    }
    case json_type_string:
      if (parse_decimal(json_object_get_string(value), negative, magnitude)) {
        return true;
      }
      return fail(r, "expected an integer, got \"%s\"", json_object_get_string(value));
    default:
      return fail(r, "expected an integer, got %s", json_type_label(value));
  }
}

static bool read_integer(Reader *r, const FieldDesc *field, json_object *value, void *dest) {
  bool negative = false;
  uint64_t magnitude = 0;
  if (!read_integer_parts(r, value, &negative, &magnitude)) {
    return false;
  }
  bool is_signed = field->kind == FK_INT32 || field->kind == FK_INT64 || field->kind == FK_ENUM;
  uint64_t max = field->kind == FK_UINT64 ? UINT64_MAX
                 : field->kind == FK_UINT32 ? UINT32_MAX
                 : field->kind == FK_INT64 ? (uint64_t)INT64_MAX
                                           : (uint64_t)INT32_MAX;
  if ((negative && !is_signed && magnitude != 0) || magnitude > max + (negative ? 1u : 0u)) {
    return fail(r, "integer %s%llu out of range for this field", negative ? "-" : "",
                (unsigned long long)magnitude);
  }
  if (field->kind == FK_INT32 || field->kind == FK_ENUM) {
    int32_t v = negative ? (int32_t)(-(int64_t)magnitude) : (int32_t)magnitude;
    memcpy(dest, &v, sizeof v);
  } else if (field->kind == FK_INT64) {
    int64_t v = negative ? (int64_t)((uint64_t)0 - magnitude) : (int64_t)magnitude;
    memcpy(dest, &v, sizeof v);
  } else if (field->kind == FK_UINT32) {
    uint32_t v = (uint32_t)magnitude;
    memcpy(dest, &v, sizeof v);
  } else {
    memcpy(dest, &magnitude, sizeof magnitude);
  }
  return true;
}

static bool read_real(Reader *r, const FieldDesc *field, json_object *value, void *dest) {
  double d;
  json_type type = json_object_get_type(value);
  if (type == json_type_int || type == json_type_double) {
    d = json_object_get_double(value);
  } else if (type == json_type_string) {
    const char *s = json_object_get_string(value);
    char *end = NULL;
    if (strcmp(s, "NaN") == 0) {
      d = NAN;
    } else if (strcmp(s, "Infinity") == 0) {
      d = INFINITY;
    } else if (strcmp(s, "-Infinity") == 0) {
      d = -INFINITY;
    } else if ((d = strtod(s, &end)), end == s || *end != '\0') {
      return fail(r, "expected a number, got \"%s\"", s);
    }
  } else {
    return fail(r, "expected a number, got %s", json_type_label(value));
  }
  if (d == 0.0) {
    d = 0.0; /* json-c reads "-0" as integer 0, so -0.0 is folded to 0 everywhere */
  }
  if (field->kind == FK_FLOAT) {
    float f = (float)d;
    memcpy(dest, &f, sizeof f);
  } else {
    memcpy(dest, &d, sizeof d);
  }
  return true;
}

static bool read_string_value(Reader *r, json_object *value, char **out) {
  if (json_object_get_type(value) != json_type_string) {
    return fail(r, "expected a string, got %s", json_type_label(value));
  }
  const char *s = json_object_get_string(value);
  size_t len = (size_t)json_object_get_string_len(value);
  if (len != strlen(s)) {
    return fail(r, "string contains a NUL character");
  }
  if (!cfg_utf8_valid(s, len)) {
    return fail(r, "string is not valid UTF-8");
  }
  *out = cfg_strdup(s);
  return true;
}

static bool read_message(Reader *r, const MessageDesc *desc, json_object *object, void *msg);

/* Reads one value of `field` (a singular value or one list element) into dest. */
static bool read_value(Reader *r, const FieldDesc *field, json_object *value, void *dest) {
  switch (field->kind) {
    case FK_STRING: {
      char *s = NULL;
      if (!read_string_value(r, value, &s)) {
        return false;
      }
      char *old;
      memcpy(&old, dest, sizeof old);
      free(old);
      memcpy(dest, &s, sizeof s);
      return true;
    }
    case FK_BOOL: {
      if (json_object_get_type(value) != json_type_boolean) {
        return fail(r, "expected true or false, got %s", json_type_label(value));
      }
      bool b = json_object_get_boolean(value);
      memcpy(dest, &b, sizeof b);
      return true;
    }
    case FK_FLOAT:
    case FK_DOUBLE:
      return read_real(r, field, value, dest);
    case FK_ENUM:
      if (json_object_get_type(value) == json_type_string) {
        const char *name = json_object_get_string(value);
        int32_t v;
        if (!schema_enum_value(field->enum_desc, name, strlen(name), &v)) {
          return fail(r, "unknown value \"%s\" for enum %s", name, field->enum_desc->name);
        }
        memcpy(dest, &v, sizeof v);
        return true;
      }
      return read_integer(r, field, value, dest);
    case FK_MESSAGE:
      return read_message(r, field->message, value, dest);
    default:
      return read_integer(r, field, value, dest);
  }
}

static bool read_list(Reader *r, const FieldDesc *field, json_object *array, void *list_ptr) {
  if (json_object_get_type(array) != json_type_array) {
    return fail(r, "expected an array, got %s", json_type_label(array));
  }
  size_t mark = r->path.len;
  size_t n = json_object_array_length(array);
  for (size_t i = 0; i < n; i++) {
    cfgbuf_printf(&r->path, "[%zu]", i);
    void *elem = list_append_default(field, list_ptr);
    if (!read_value(r, field, json_object_array_get_idx(array, i), elem)) {
      return false;
    }
    r->path.len = mark;
    r->path.data[mark] = '\0';
  }
  return true;
}

static bool read_map(Reader *r, const FieldDesc *field, json_object *object, void *list_ptr) {
  if (json_object_get_type(object) != json_type_object) {
    return fail(r, "expected an object (map), got %s", json_type_label(object));
  }
  const MessageDesc *entry_desc = field->message;
  const FieldDesc *key_field = &entry_desc->fields[0];
  const FieldDesc *value_field = &entry_desc->fields[1];
  size_t mark = r->path.len;
  json_object_object_foreach(object, key, value) {
    cfgbuf_printf(&r->path, "[\"%s\"]", key);
    void *entry = list_append_default(field, list_ptr);
    json_object *key_json = json_object_new_string(key);
    bool ok = read_value(r, key_field, key_json, field_ptr(entry, key_field));
    json_object_put(key_json);
    if (!ok || !read_value(r, value_field, value, field_ptr(entry, value_field))) {
      return false;
    }
    map_settle_last(list_ptr, entry_desc);
    r->path.len = mark;
    r->path.data[mark] = '\0';
  }
  return true;
}

static bool read_message(Reader *r, const MessageDesc *desc, json_object *object, void *msg) {
  if (json_object_get_type(object) != json_type_object) {
    return fail(r, "expected an object for %s, got %s", desc->name, json_type_label(object));
  }
  size_t mark = r->path.len;
  json_object_object_foreach(object, key, value) {
    const FieldDesc *field = schema_find_json_field(desc, key);
    if (field == NULL) {
      return fail(r, "message type '%s' has no field named '%s'", desc->name, key);
    }
    if (mark > 0) {
      cfgbuf_putc(&r->path, '.');
    }
    cfgbuf_puts(&r->path, field->name);
    if (json_object_get_type(value) != json_type_null) {
      if (field->oneof != NULL) {
        for (size_t i = 0; i < desc->field_count; i++) {
          const FieldDesc *other = &desc->fields[i];
          if (other != field && other->oneof != NULL && strcmp(other->oneof, field->oneof) == 0 &&
              field_present(msg, other)) {
            return fail(r, "field '%s' is set along with field '%s', another member of oneof '%s'",
                        field->name, other->name, field->oneof);
          }
        }
      }
      void *ptr = field_ptr(msg, field);
      bool ok;
      if (field->label == FL_MAP) {
        ok = read_map(r, field, value, ptr);
      } else if (field->label == FL_REPEATED) {
        ok = read_list(r, field, value, ptr);
      } else {
        field_set_present(msg, field, true);
        ok = read_value(r, field, value, ptr);
      }
      if (!ok) {
        return false;
      }
    }
    r->path.len = mark;
    if (r->path.data) {
      r->path.data[mark] = '\0';
    }
  }
  return true;
}

static bool only_whitespace(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
      return false;
    }
  }
  return true;
}

int model_config_from_json(const char *json, size_t len, ModelConfig **out, char **error) {
  *out = NULL;
  if (error) {
    *error = NULL;
  }
  if (json == NULL || only_whitespace(json, len)) {
    *out = model_config_new(); /* "" is how an empty config renders */
    return 0;
  }
  Reader r;
  memset(&r, 0, sizeof r);
  json_tokener *tokener = json_tokener_new_ex(64);
  if (tokener == NULL) {
    abort();
  }
  json_object *root = len > (size_t)INT32_MAX
                          ? NULL
                          : json_tokener_parse_ex(tokener, json, (int)len);
  enum json_tokener_error jerr = json_tokener_get_error(tokener);
  if (root == NULL || jerr != json_tokener_success) {
    fail(&r, "invalid JSON at byte %zu: %s", json_tokener_get_parse_end(tokener),
         jerr == json_tokener_continue ? "unexpected end of input"
                                       : json_tokener_error_desc(jerr));
  } else if (!only_whitespace(json + json_tokener_get_parse_end(tokener),
                              len - json_tokener_get_parse_end(tokener))) {
    fail(&r, "invalid JSON: unexpected data after the object at byte %zu",
         json_tokener_get_parse_end(tokener));
  } else {
    ModelConfig *config = model_config_new();
    if (read_message(&r, &model_config_desc, root, config)) {
      *out = config;
    } else {
      model_config_free(config);
    }
  }
  json_object_put(root);
  json_tokener_free(tokener);
  cfgbuf_free(&r.path);
  if (*out == NULL) {
    if (error) {
      *error = r.error;
    } else {
      free(r.error);
    }
    return -1;
  }
  free(r.error);
  return 0;
}
