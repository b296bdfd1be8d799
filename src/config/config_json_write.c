/*
 * config_json_write.c — model_config_to_json: the protobuf-style JSON of triton-api.md §3.4.
 *
 * This is what protobuf's MessageToJsonString prints with preserve_proto_field_names and
 * always_print_primitive_fields, after Triton's fix-up that turns 64-bit integers back
 * into JSON numbers: fields in .proto declaration order, every scalar/repeated/map field
 * printed, unset message fields and unset oneof members omitted, enums as names (an
 * unknown value of an open enum as its number), floats as protobuf prints them (%.15g,
 * or %.6g for float, with more digits only when needed), "NaN"/"Infinity"/"-Infinity" as
 * strings, strings escaped like protobuf ('<', '>', control and Unicode format characters
 * as \u escapes), map entries ordered by key (protobuf leaves map order unspecified).
 * An entirely empty config renders as "" (Triton's ModelConfigToJson does the same).
 * Checked against protobuf 3.21's C++ printer.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_alloc.h"
#include "config_message.h"
#include "config_schema.h"
#include "model_config.h"

static void write_message(ConfigBuf *out, const MessageDesc *desc, const void *msg);

/* Code points protobuf's JSON printer writes as \u escapes besides the control characters:
 * '<' and '>', C1 controls, and Unicode format characters (json_escaping.cc). */
static bool escaped_code_point(uint32_t cp) {
  static const uint32_t ranges[][2] = {
      {0x3C, 0x3C},       {0x3E, 0x3E},       {0x7F, 0x9F},       {0xAD, 0xAD},
      {0x600, 0x603},     {0x6DD, 0x6DD},     {0x70F, 0x70F},     {0x17B4, 0x17B5},
      {0x200B, 0x200F},   {0x2028, 0x202E},   {0x2060, 0x2064},   {0x206A, 0x206F},
      {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
      {0xE0020, 0xE007F}};
  for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
    if (cp >= ranges[i][0] && cp <= ranges[i][1]) {
      return true;
    }
  }
  return false;
}

/* Decodes the UTF-8 sequence at s (length of the sequence in *len); false if malformed. */
static bool decode_utf8(const unsigned char *s, uint32_t *cp, size_t *len) {
  if ((s[0] >= 0x80 && s[0] < 0xC0) || s[0] >= 0xF8) {
    return false;
  }
  size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
  uint32_t v = n == 1 ? s[0] : s[0] & (0x7F >> n);
  for (size_t k = 1; k < n; k++) {
    if ((s[k] & 0xC0) != 0x80) {
      return false;
    }
    v = (v << 6) | (s[k] & 0x3F);
  }
  *cp = v;
  *len = n;
  return true;
}

/* A JSON string literal, escaped exactly as protobuf's JSON printer does. Bytes that are
 * not valid UTF-8 (only possible in configs built by hand) pass through unchanged. */
static void write_string(ConfigBuf *out, const char *s) {
  cfgbuf_putc(out, '"');
  const unsigned char *c = (const unsigned char *)(s ? s : "");
  while (*c) {
    uint32_t cp;
    size_t len;
    if (!decode_utf8(c, &cp, &len)) {
      cfgbuf_putc(out, (char)*c++);
      continue;
    }
    switch (cp) {
      case '"': cfgbuf_puts(out, "\\\""); break;
      case '\\': cfgbuf_puts(out, "\\\\"); break;
      case '\b': cfgbuf_puts(out, "\\b"); break;
      case '\f': cfgbuf_puts(out, "\\f"); break;
      case '\n': cfgbuf_puts(out, "\\n"); break;
      case '\r': cfgbuf_puts(out, "\\r"); break;
      case '\t': cfgbuf_puts(out, "\\t"); break;
      default:
        if (cp < 0x20 || escaped_code_point(cp)) {
          if (cp >= 0x10000) { /* as a UTF-16 surrogate pair */
            uint32_t v = cp - 0x10000;
            cfgbuf_printf(out, "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
          } else {
            cfgbuf_printf(out, "\\u%04x", cp);
          }
        } else {
          cfgbuf_append(out, (const char *)c, len);
        }
    }
    c += len;
  }
  cfgbuf_putc(out, '"');
}

/* Protobuf's SimpleDtoa / SimpleFtoa: "%.15g" ("%.6g" for float) when that reads back
 * as the same value, else "%.17g" ("%.9g"). */
static void write_real(ConfigBuf *out, double value, bool is_float) {
  if (isnan(value)) {
    cfgbuf_puts(out, "\"NaN\"");
    return;
  }
  if (isinf(value)) {
    cfgbuf_puts(out, value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char text[40];
  snprintf(text, sizeof text, "%.*g", is_float ? 6 : 15, value);
  double back = strtod(text, NULL);
  if (is_float ? (float)back != (float)value : back != value) {
    snprintf(text, sizeof text, "%.*g", is_float ? 9 : 17, value);
  }
  cfgbuf_puts(out, text);
}

static void write_scalar(ConfigBuf *out, const FieldDesc *field, const void *value) {
  switch (field->kind) {
    case FK_STRING: {
      const char *s;
      memcpy(&s, value, sizeof s);
      write_string(out, s);
      break;
    }
    case FK_BOOL: {
      bool b;
      memcpy(&b, value, sizeof b);
      cfgbuf_puts(out, b ? "true" : "false");
      break;
    }
    case FK_INT32: {
      int32_t v;
      memcpy(&v, value, sizeof v);
      cfgbuf_printf(out, "%" PRId32, v);
      break;
    }
    case FK_UINT32: {
      uint32_t v;
      memcpy(&v, value, sizeof v);
      cfgbuf_printf(out, "%" PRIu32, v);
      break;
    }
    case FK_INT64: {
      int64_t v;
      memcpy(&v, value, sizeof v);
      cfgbuf_printf(out, "%" PRId64, v);
      break;
    }
    case FK_UINT64: {
      uint64_t v;
      memcpy(&v, value, sizeof v);
      cfgbuf_printf(out, "%" PRIu64, v);
      break;
    }
    case FK_FLOAT: {
      float f;
      memcpy(&f, value, sizeof f);
      write_real(out, f, true);
      break;
    }
    case FK_DOUBLE: {
      double d;
      memcpy(&d, value, sizeof d);
      write_real(out, d, false);
      break;
    }
    case FK_ENUM: {
      int32_t v;
      memcpy(&v, value, sizeof v);
      const char *name = schema_enum_name(field->enum_desc, v);
      if (name != NULL) {
        write_string(out, name);
      } else {
        cfgbuf_printf(out, "%" PRId32, v);
      }
      break;
    }
    case FK_MESSAGE:
      write_message(out, field->message, value);
      break;
  }
}

/* A map key as a JSON object key: strings as is, integers and bools as their text. */
static void write_map_key(ConfigBuf *out, const FieldDesc *key_field, const void *entry) {
  const void *key = field_cptr(entry, key_field);
  if (key_field->kind == FK_STRING) {
    write_scalar(out, key_field, key);
    return;
  }
  cfgbuf_putc(out, '"');
  write_scalar(out, key_field, key);
  cfgbuf_putc(out, '"');
}

static void write_map(ConfigBuf *out, const FieldDesc *field, GenericList list) {
  const MessageDesc *entry_desc = field->message;
  size_t size = entry_desc->size;
  /* Order by key without touching the caller's config: sort an index array. */
  size_t *order = cfg_calloc(list.count, sizeof *order);
  for (size_t i = 0; i < list.count; i++) {
    size_t k = i;
    while (k > 0 && map_entry_compare(entry_desc, (char *)list.items + order[k - 1] * size,
                                      (char *)list.items + i * size) > 0) {
      order[k] = order[k - 1];
      k--;
    }
    order[k] = i;
  }
  cfgbuf_putc(out, '{');
  for (size_t i = 0; i < list.count; i++) {
    const char *entry = (const char *)list.items + order[i] * size;
    if (i > 0) {
      cfgbuf_putc(out, ',');
    }
    write_map_key(out, &entry_desc->fields[0], entry);
    cfgbuf_putc(out, ':');
    const FieldDesc *value_field = &entry_desc->fields[1];
    write_scalar(out, value_field, field_cptr(entry, value_field));
  }
  cfgbuf_putc(out, '}');
  free(order);
}

static void write_message(ConfigBuf *out, const MessageDesc *desc, const void *msg) {
  cfgbuf_putc(out, '{');
  bool first = true;
  for (size_t i = 0; i < desc->field_count; i++) {
    const FieldDesc *field = &desc->fields[i];
    if (field->label == FL_SINGULAR && !field_present(msg, field)) {
      continue; /* unset message or oneof member */
    }
    if (!first) {
      cfgbuf_putc(out, ',');
    }
    first = false;
    write_string(out, field->name);
    cfgbuf_putc(out, ':');
    const void *ptr = field_cptr(msg, field);
    if (field->label == FL_SINGULAR) {
      write_scalar(out, field, ptr);
    } else if (field->label == FL_MAP) {
      write_map(out, field, list_get(ptr));
    } else {
      GenericList list = list_get(ptr);
      size_t size = schema_element_size(field);
      cfgbuf_putc(out, '[');
      for (size_t k = 0; k < list.count; k++) {
        if (k > 0) {
          cfgbuf_putc(out, ',');
        }
        write_scalar(out, field, (const char *)list.items + k * size);
      }
      cfgbuf_putc(out, ']');
    }
  }
  cfgbuf_putc(out, '}');
}

char *model_config_to_json(const ModelConfig *config) {
  if (config == NULL || msg_is_empty(&model_config_desc, config)) {
    return cfg_strdup("");
  }
  ConfigBuf out = {0};
  write_message(&out, &model_config_desc, config);
  return cfgbuf_take(&out);
}
