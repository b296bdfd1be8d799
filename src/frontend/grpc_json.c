/*
 * grpc_json.c — JSON → protobuf-c message through the message descriptors (see
 * grpc_json.h). Every pointer in the result is malloc'd the way protobuf-c's unpacker
 * would, so protobuf_c_message_free_unpacked releases it.
 */
#include "grpc_json.h"

#include "errfmt.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool fill_message(ProtobufCMessage *message, json_object *json, char **error);

/* Integers: JSON numbers, or strings holding one (protobuf's JSON writes 64-bit ones as
 * strings). */
static bool json_int64(json_object *v, int64_t *out) {
  if (json_object_is_type(v, json_type_int)) {
    *out = json_object_get_int64(v);
    return true;
  }
  if (json_object_is_type(v, json_type_boolean)) {
    *out = json_object_get_boolean(v);
    return true;
  }
  if (json_object_is_type(v, json_type_string)) {
    const char *text = json_object_get_string(v);
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno != 0) return false;
    *out = value;
    return true;
  }
  if (json_object_is_type(v, json_type_double)) {
    *out = (int64_t)json_object_get_double(v);
    return true;
  }
  return false;
}

static bool json_uint64(json_object *v, uint64_t *out) {
  if (json_object_is_type(v, json_type_int)) {
    *out = json_object_get_uint64(v);
    return true;
  }
  if (json_object_is_type(v, json_type_string)) {
    const char *text = json_object_get_string(v);
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (*text == '\0' || *text == '-' || *end != '\0' || errno != 0) return false;
    *out = value;
    return true;
  }
  int64_t signed_value = 0;
  if (!json_int64(v, &signed_value) || signed_value < 0) return false;
  *out = (uint64_t)signed_value;
  return true;
}

static size_t scalar_size(ProtobufCType type) {
  switch (type) {
  case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
  case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_ENUM:
    return 4;
  case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
  case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
    return 8;
  case PROTOBUF_C_TYPE_FLOAT: return sizeof(float);
  case PROTOBUF_C_TYPE_DOUBLE: return sizeof(double);
  case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
  case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
  case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
  case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
  }
  return 0;
}

/* Store one JSON value of field `f` at `slot`. */
static bool set_value(const ProtobufCFieldDescriptor *f, void *slot, json_object *v,
                      char **error) {
  int64_t i64 = 0;
  uint64_t u64 = 0;
  switch (f->type) {
  case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
    if (!json_int64(v, &i64) || i64 < INT32_MIN || i64 > INT32_MAX) goto wrong;
    *(int32_t *)slot = (int32_t)i64;
    return true;
  case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
    if (!json_uint64(v, &u64) || u64 > UINT32_MAX) goto wrong;
    *(uint32_t *)slot = (uint32_t)u64;
    return true;
  case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    if (!json_int64(v, &i64)) goto wrong;
    *(int64_t *)slot = i64;
    return true;
  case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
    if (!json_uint64(v, &u64)) goto wrong;
    *(uint64_t *)slot = u64;
    return true;
  case PROTOBUF_C_TYPE_FLOAT:
    if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
      goto wrong;
    *(float *)slot = (float)json_object_get_double(v);
    return true;
  case PROTOBUF_C_TYPE_DOUBLE:
    if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
      goto wrong;
    *(double *)slot = json_object_get_double(v);
    return true;
  case PROTOBUF_C_TYPE_BOOL:
    if (!json_object_is_type(v, json_type_boolean)) goto wrong;
    *(protobuf_c_boolean *)slot = json_object_get_boolean(v);
    return true;
  case PROTOBUF_C_TYPE_ENUM: {
    if (json_object_is_type(v, json_type_string)) {
      const ProtobufCEnumValue *e =
          protobuf_c_enum_descriptor_get_value_by_name(f->descriptor, json_object_get_string(v));
      if (e == NULL) goto wrong;
      *(int *)slot = e->value;
      return true;
    }
    if (!json_int64(v, &i64)) goto wrong;
    *(int *)slot = (int)i64;
    return true;
  }
  case PROTOBUF_C_TYPE_STRING: {
    char *copy = strdup(json_object_is_type(v, json_type_null) ? "" : json_object_get_string(v));
    if (copy == NULL) goto oom;
    *(char **)slot = copy;
    return true;
  }
  case PROTOBUF_C_TYPE_BYTES: {
    const char *text = json_object_get_string(v);
    size_t len = strlen(text);
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL) goto oom;
    memcpy(copy, text, len);
    *(ProtobufCBinaryData *)slot = (ProtobufCBinaryData){len, copy};
    return true;
  }
  case PROTOBUF_C_TYPE_MESSAGE: {
    if (!json_object_is_type(v, json_type_object)) goto wrong;
    const ProtobufCMessageDescriptor *d = f->descriptor;
    ProtobufCMessage *child = calloc(1, d->sizeof_message);
    if (child == NULL) goto oom;
    d->message_init(child);
    *(ProtobufCMessage **)slot = child;
    return fill_message(child, v, error);
  }
  }
wrong:
  *error = errfmt("field '%s' cannot hold the JSON value %s", f->name,
                  json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
  return false;
oom:
  *error = errfmt("out of memory");
  return false;
}

/* A map field is a repeated message of (key, value) entries. */
static bool is_map_entry(const ProtobufCMessageDescriptor *d) {
  return d->n_fields == 2 && strcmp(d->fields[0].name, "key") == 0 &&
         strcmp(d->fields[1].name, "value") == 0;
}

static bool set_repeated(ProtobufCMessage *message, const ProtobufCFieldDescriptor *f,
                         json_object *v, char **error) {
  size_t *count = (size_t *)((char *)message + f->quantifier_offset);
  void **array = (void **)((char *)message + f->offset);
  size_t element_size = scalar_size(f->type);
  if (f->type == PROTOBUF_C_TYPE_MESSAGE && is_map_entry(f->descriptor) &&
      json_object_is_type(v, json_type_object)) {
    size_t n = (size_t)json_object_object_length(v);
    *array = calloc(n ? n : 1, element_size);
    if (*array == NULL) goto oom;
    const ProtobufCMessageDescriptor *d = f->descriptor;
    json_object_object_foreach(v, key, value) {
      ProtobufCMessage *entry = calloc(1, d->sizeof_message);
      if (entry == NULL) goto oom;
      d->message_init(entry);
      ((ProtobufCMessage **)*array)[(*count)++] = entry;
      json_object *key_json = json_object_new_string(key);
      bool ok = set_value(&d->fields[0], (char *)entry + d->fields[0].offset, key_json, error);
      json_object_put(key_json);
      if (!ok || !set_value(&d->fields[1], (char *)entry + d->fields[1].offset, value, error))
        return false;
    }
    return true;
  }
  if (!json_object_is_type(v, json_type_array)) {
    *error = errfmt("field '%s' expects a JSON array", f->name);
    return false;
  }
  size_t n = json_object_array_length(v);
  *array = calloc(n ? n : 1, element_size);
  if (*array == NULL) goto oom;
  for (size_t i = 0; i < n; ++i) {
    /* Counted before it is filled: a message element that fails half-way is still freed
     * by protobuf_c_message_free_unpacked (the array is zeroed, NULLs are skipped). */
    ++*count;
    if (!set_value(f, (char *)*array + i * element_size, json_object_array_get_idx(v, i), error))
      return false;
  }
  return true;
oom:
  *error = errfmt("out of memory");
  return false;
}

static bool fill_message(ProtobufCMessage *message, json_object *json, char **error) {
  const ProtobufCMessageDescriptor *d = message->descriptor;
  json_object_object_foreach(json, key, value) {
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, key);
    if (f == NULL || json_object_is_type(value, json_type_null)) continue;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t *count = (size_t *)((char *)message + f->quantifier_offset);
      if (*count != 0) continue; /* a duplicate key: the first one stands */
      if (!set_repeated(message, f, value, error)) return false;
      continue;
    }
    void *slot = (char *)message + f->offset;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      uint32_t *which = (uint32_t *)((char *)message + f->quantifier_offset);
      if (*which != 0) continue; /* one member of a oneof only */
      *which = f->id;
    } else if ((f->type == PROTOBUF_C_TYPE_MESSAGE && *(void **)slot != NULL) ||
               (f->type == PROTOBUF_C_TYPE_STRING && *(char **)slot != f->default_value &&
                *(char **)slot != NULL)) {
      continue; /* duplicate key */
    }
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset != 0 &&
        !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
      *(protobuf_c_boolean *)((char *)message + f->quantifier_offset) = 1;
    if (!set_value(f, slot, value, error)) return false;
  }
  return true;
}

ProtobufCMessage *grpc_json_to_message(const ProtobufCMessageDescriptor *descriptor,
                                       json_object *json, char **error) {
  *error = NULL;
  if (!json_object_is_type(json, json_type_object)) {
    *error = errfmt("expected a JSON object for %s", descriptor->name);
    return NULL;
  }
  ProtobufCMessage *message = calloc(1, descriptor->sizeof_message);
  if (message == NULL) {
    *error = errfmt("out of memory");
    return NULL;
  }
  descriptor->message_init(message);
  if (!fill_message(message, json, error)) {
    protobuf_c_message_free_unpacked(message, NULL);
    return NULL;
  }
  return message;
}

ProtobufCMessage *grpc_json_text_to_message(const ProtobufCMessageDescriptor *descriptor,
                                            const char *text, size_t size, char **error) {
  json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
  json_object *json = tok ? json_tokener_parse_ex(tok, text, (int)size) : NULL;
  if (tok) json_tokener_free(tok);
  if (json == NULL) {
    *error = errfmt("the core returned malformed JSON for %s", descriptor->name);
    return NULL;
  }
  ProtobufCMessage *message = grpc_json_to_message(descriptor, json, error);
  json_object_put(json);
  return message;
}
