/*
 * pbtxt_parser.c — model_config_parse: protobuf text format → ModelConfig.
 *
 * A recursive-descent parser over the schema tables (config_schema.c), implementing the
 * rules of triton-api.md §3.3 as protobuf's TextFormat parser applies them:
 *  - scalars need ':'; messages take an optional ':' and '{...}' or '<...>';
 *  - repeated fields repeat or use '[a, b]' (mixable; '[]' empty; no trailing comma);
 *  - a singular field given twice, or two members of one oneof, is an error;
 *  - maps are repeated {key value} entries, the last duplicate key wins;
 *  - adjacent string literals concatenate; enums by exact name or any int32;
 *  - bools true/True/t/false/False/f/1/0; integers decimal/hex/octal, range-checked;
 *  - floats with optional f suffix, inf/infinity/nan in any case;
 *  - ';' or ',' may follow any field.
 * Every error is "file:line:column: what was expected, and what came".
 */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_alloc.h"
#include "config_message.h"
#include "config_schema.h"
#include "model_config.h"
#include "pbtxt_lexer.h"

typedef struct Parser {
  PbtxtLexer lexer;
  PbtxtToken tok; /* the current (lookahead) token */
  char *error;
} Parser;

/* Records an error at `at` (printf-style message) and returns false. */
static bool fail_at(Parser *p, const PbtxtToken *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fail_at(Parser *p, const PbtxtToken *at, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char *message = cfg_vprintf(fmt, args);
  va_end(args);
  free(p->error);
  p->error = cfg_printf("%s:%d:%d: %s", p->lexer.file_name, at->line, at->column, message);
  free(message);
  return false;
}

/* Error "expected <what>, got <current token>" at the current token. */
static bool fail_expected(Parser *p, const char *what) {
  char *got = pbtxt_token_describe(&p->tok);
  fail_at(p, &p->tok, "expected %s, got %s", what, got);
  free(got);
  return false;
}

static bool next(Parser *p) {
  char *error = NULL;
  if (!pbtxt_lexer_next(&p->lexer, &p->tok, &error)) {
    free(p->error);
    p->error = error;
    return false;
  }
  return true;
}

static bool at_symbol(const Parser *p, char c) {
  return p->tok.type == PBTXT_TOK_SYMBOL && p->tok.text[0] == c;
}

static bool at_ident(const Parser *p, const char *word) {
  return p->tok.type == PBTXT_TOK_IDENT && p->tok.len == strlen(word) &&
         memcmp(p->tok.text, word, p->tok.len) == 0;
}

static const char *kind_name(FieldKind kind) {
  switch (kind) {
    case FK_STRING: return "string";
    case FK_BOOL: return "bool";
    case FK_INT32: return "int32";
    case FK_INT64: return "int64";
    case FK_UINT32: return "uint32";
    case FK_UINT64: return "uint64";
    case FK_FLOAT: return "float";
    case FK_DOUBLE: return "double";
    case FK_ENUM: return "enum";
    case FK_MESSAGE: return "message";
  }
  return "?";
}

/* ---- scalars ------------------------------------------------------------------------- */

/* Parses the unsigned magnitude of an INT token (decimal, 0x hex, 0 octal). False on
 * overflow of uint64. */
static bool int_token_value(const PbtxtToken *tok, uint64_t *value) {
  const char *s = tok->text;
  size_t len = tok->len;
  unsigned base = 10;
  size_t i = 0;
  if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    i = 2;
  } else if (len > 1 && s[0] == '0') {
    base = 8;
    i = 1;
  }
  uint64_t v = 0;
  for (; i < len; i++) {
    char c = s[i];
    unsigned d = (c >= '0' && c <= '9')   ? (unsigned)(c - '0')
                 : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10)
                                          : (unsigned)(c - 'A' + 10);
    if (v > (UINT64_MAX - d) / base) {
      return false;
    }
    v = v * base + d;
  }
  *value = v;
  return true;
}

/* Consumes an optional '-' and returns whether it was there. */
static bool take_minus(Parser *p, bool *negative) {
  *negative = false;
  if (at_symbol(p, '-')) {
    *negative = true;
    return next(p);
  }
  return true;
}

static bool parse_integer(Parser *p, const FieldDesc *field, void *dest) {
  PbtxtToken start = p->tok;
  bool negative;
  if (!take_minus(p, &negative)) {
    return false;
  }
  if (p->tok.type != PBTXT_TOK_INT) {
    char *what = cfg_printf("%s integer for field '%s'", kind_name(field->kind), field->name);
    fail_expected(p, what);
    free(what);
    return false;
  }
  uint64_t magnitude;
  bool fits = int_token_value(&p->tok, &magnitude);
  bool is_signed = field->kind == FK_INT32 || field->kind == FK_INT64 || field->kind == FK_ENUM;
  uint64_t max = field->kind == FK_UINT64 ? UINT64_MAX
                 : field->kind == FK_UINT32 ? UINT32_MAX
                 : field->kind == FK_INT64 ? (uint64_t)INT64_MAX
                                           : (uint64_t)INT32_MAX;
  if (negative && !is_signed) {
    return fail_at(p, &start, "expected non-negative integer for %s field '%s', got '-%.*s'",
                   kind_name(field->kind), field->name, (int)p->tok.len, p->tok.text);
  }
  if (!fits || magnitude > max + (negative ? 1u : 0u)) {
    return fail_at(p, &start, "integer out of range for %s field '%s': '%s%.*s'",
                   kind_name(field->kind), field->name, negative ? "-" : "", (int)p->tok.len,
                   p->tok.text);
  }
  switch (field->kind) {
    case FK_INT32:
    case FK_ENUM: {
      int32_t v = negative ? (int32_t)(-(int64_t)magnitude) : (int32_t)magnitude;
      memcpy(dest, &v, sizeof v);
      break;
    }
    case FK_INT64: {
      int64_t v = negative ? (magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN
                                                                  : -(int64_t)magnitude)
                           : (int64_t)magnitude;
      memcpy(dest, &v, sizeof v);
      break;
    }
    case FK_UINT32: {
      uint32_t v = (uint32_t)magnitude;
      memcpy(dest, &v, sizeof v);
      break;
    }
    default: {
      memcpy(dest, &magnitude, sizeof magnitude);
      break;
    }
  }
  return next(p);
}

static bool parse_float(Parser *p, const FieldDesc *field, void *dest) {
  bool negative;
  if (!take_minus(p, &negative)) {
    return false;
  }
  double v;
  const PbtxtToken *t = &p->tok;
  if (t->type == PBTXT_TOK_FLOAT) {
    size_t len = t->len;
    if (t->text[len - 1] == 'f' || t->text[len - 1] == 'F') {
      len--;
    }
    char *text = cfg_strndup(t->text, len);
    v = strtod(text, NULL);
    free(text);
  } else if (t->type == PBTXT_TOK_INT) {
    if (t->len > 1 && t->text[0] == '0') { /* protobuf takes only decimal integers here */
      return fail_at(p, t, "expected a decimal number for %s field '%s', got '%.*s'",
                     kind_name(field->kind), field->name, (int)t->len, t->text);
    }
    uint64_t magnitude;
    if (int_token_value(t, &magnitude)) {
      v = (double)magnitude;
    } else { /* beyond uint64: read as a decimal float, as protobuf does */
      char *text = cfg_strndup(t->text, t->len);
      v = strtod(text, NULL);
      free(text);
    }
  } else if (t->type == PBTXT_TOK_IDENT &&
             ((t->len == 3 && strncasecmp(t->text, "inf", 3) == 0) ||
              (t->len == 8 && strncasecmp(t->text, "infinity", 8) == 0))) {
    v = INFINITY;
  } else if (t->type == PBTXT_TOK_IDENT && t->len == 3 && strncasecmp(t->text, "nan", 3) == 0) {
    v = NAN;
  } else {
    char *what = cfg_printf("number for %s field '%s'", kind_name(field->kind), field->name);
    fail_expected(p, what);
    free(what);
    return false;
  }
  if (negative && v != 0.0) { /* -0 is read as 0, as the JSON reader must (json-c) */
    v = -v;
  }
  if (field->kind == FK_FLOAT) {
    float f = (float)v;
    memcpy(dest, &f, sizeof f);
  } else {
    memcpy(dest, &v, sizeof v);
  }
  return next(p);
}

static bool parse_bool(Parser *p, const FieldDesc *field, void *dest) {
  bool v;
  if (at_ident(p, "true") || at_ident(p, "True") || at_ident(p, "t")) {
    v = true;
  } else if (at_ident(p, "false") || at_ident(p, "False") || at_ident(p, "f")) {
    v = false;
  } else if (p->tok.type == PBTXT_TOK_INT) {
    uint64_t magnitude;
    if (!int_token_value(&p->tok, &magnitude) || magnitude > 1) {
      return fail_at(p, &p->tok, "integer out of range for bool field '%s': '%.*s' (expected 0 or 1)",
                     field->name, (int)p->tok.len, p->tok.text);
    }
    v = magnitude == 1;
  } else {
    char *what = cfg_printf("true, false, 1 or 0 for bool field '%s'", field->name);
    fail_expected(p, what);
    free(what);
    return false;
  }
  memcpy(dest, &v, sizeof v);
  return next(p);
}

static bool parse_enum(Parser *p, const FieldDesc *field, void *dest) {
  if (p->tok.type == PBTXT_TOK_IDENT) {
    int32_t v;
    if (!schema_enum_value(field->enum_desc, p->tok.text, p->tok.len, &v)) {
      return fail_at(p, &p->tok, "unknown enumeration value '%.*s' for field '%s' (enum %s)",
                     (int)p->tok.len, p->tok.text, field->name, field->enum_desc->name);
    }
    memcpy(dest, &v, sizeof v);
    return next(p);
  }
  if (p->tok.type == PBTXT_TOK_INT || at_symbol(p, '-')) {
    return parse_integer(p, field, dest); /* open enum: any int32 */
  }
  char *what = cfg_printf("enumeration name or integer for field '%s'", field->name);
  fail_expected(p, what);
  free(what);
  return false;
}

static bool parse_string(Parser *p, const FieldDesc *field, void *dest) {
  if (p->tok.type != PBTXT_TOK_STRING) {
    char *what = cfg_printf("quoted string for field '%s'", field->name);
    fail_expected(p, what);
    free(what);
    return false;
  }
  ConfigBuf value = {0};
  while (p->tok.type == PBTXT_TOK_STRING) { /* adjacent literals concatenate */
    cfgbuf_append(&value, p->tok.value, p->tok.value_len);
    if (!next(p)) {
      cfgbuf_free(&value);
      return false;
    }
  }
  char *old;
  memcpy(&old, dest, sizeof old);
  free(old);
  char *s = cfgbuf_take(&value);
  memcpy(dest, &s, sizeof s);
  return true;
}

static bool parse_scalar(Parser *p, const FieldDesc *field, void *dest) {
  switch (field->kind) {
    case FK_STRING:
      return parse_string(p, field, dest);
    case FK_BOOL:
      return parse_bool(p, field, dest);
    case FK_FLOAT:
    case FK_DOUBLE:
      return parse_float(p, field, dest);
    case FK_ENUM:
      return parse_enum(p, field, dest);
    default:
      return parse_integer(p, field, dest);
  }
}

/* ---- messages -------------------------------------------------------------------- */

static bool parse_message_body(Parser *p, const MessageDesc *desc, void *msg, char close);

/* Storage for the next value of `field`: the singular slot, or a new list element. */
static void *value_slot(const FieldDesc *field, void *msg) {
  void *ptr = field_ptr(msg, field);
  if (field->label == FL_SINGULAR) {
    field_set_present(msg, field, true);
    return ptr;
  }
  return list_append_default(field, ptr);
}

/* Parses one '{...}' or '<...>' value of a message field. */
static bool parse_message_value(Parser *p, const FieldDesc *field, void *msg) {
  char close;
  if (at_symbol(p, '{')) {
    close = '}';
  } else if (at_symbol(p, '<')) {
    close = '>';
  } else {
    char *what = cfg_printf("'{' or '<' to start message field '%s'", field->name);
    fail_expected(p, what);
    free(what);
    return false;
  }
  if (!next(p)) {
    return false;
  }
  void *slot = value_slot(field, msg);
  if (!parse_message_body(p, field->message, slot, close)) {
    return false;
  }
  if (field->label == FL_MAP) {
    map_settle_last(field_ptr(msg, field), field->message);
  }
  return true;
}

static bool parse_one_value(Parser *p, const FieldDesc *field, void *msg) {
  if (field->kind == FK_MESSAGE) {
    return parse_message_value(p, field, msg);
  }
  return parse_scalar(p, field, value_slot(field, msg));
}

/* '[' v, v, ... ']' for a repeated field; the current token is '['. */
static bool parse_list(Parser *p, const FieldDesc *field, void *msg) {
  PbtxtToken open = p->tok;
  if (field->label == FL_SINGULAR) {
    return fail_at(p, &open, "field '%s' is not repeated and cannot take a list value '['",
                   field->name);
  }
  if (!next(p)) {
    return false;
  }
  if (at_symbol(p, ']')) {
    return next(p);
  }
  for (;;) {
    if (at_symbol(p, ']')) {
      return fail_at(p, &p->tok, "expected a value after ',' in the list for field '%s', "
                                 "got ']' (trailing commas are not allowed)", field->name);
    }
    if (!parse_one_value(p, field, msg)) {
      return false;
    }
    if (at_symbol(p, ']')) {
      return next(p);
    }
    if (!at_symbol(p, ',')) {
      char *what = cfg_printf("',' or ']' in the list for field '%s'", field->name);
      fail_expected(p, what);
      free(what);
      return false;
    }
    if (!next(p)) {
      return false;
    }
  }
}

/* Everything after the field name. */
static bool parse_field_value(Parser *p, const FieldDesc *field, void *msg) {
  if (field->kind == FK_MESSAGE) {
    if (at_symbol(p, ':') && !next(p)) {
      return false;
    }
  } else {
    if (!at_symbol(p, ':')) {
      char *what = cfg_printf("':' after field '%s'", field->name);
      fail_expected(p, what);
      free(what);
      return false;
    }
    if (!next(p)) {
      return false;
    }
  }
  if (at_symbol(p, '[')) {
    return parse_list(p, field, msg);
  }
  return parse_one_value(p, field, msg);
}

/* Fields of one message until `close` ('}' or '>'), or end of input when close is 0. */
static bool parse_message_body(Parser *p, const MessageDesc *desc, void *msg, char close) {
  uint64_t seen = 0; /* one bit per field index */
  assert(desc->field_count <= 64);
  for (;;) {
    if (p->tok.type == PBTXT_TOK_EOF) {
      if (close == 0) {
        return true;
      }
      char *what = cfg_printf("'%c' to close message %s", close, desc->name);
      fail_expected(p, what);
      free(what);
      return false;
    }
    if (close != 0 && at_symbol(p, close)) {
      return next(p);
    }
    if (at_symbol(p, '[')) {
      return fail_at(p, &p->tok, "extensions and Any ('[...]' field names) are not supported "
                                 "in a model configuration");
    }
    if (p->tok.type != PBTXT_TOK_IDENT) {
      char *what = close ? cfg_printf("field name or '%c'", close) : cfg_strdup("field name");
      fail_expected(p, what);
      free(what);
      return false;
    }
    PbtxtToken name = p->tok;
    const FieldDesc *field = schema_find_field(desc, name.text, name.len);
    if (field == NULL) {
      return fail_at(p, &name, "message type '%s' has no field named '%.*s'", desc->name,
                     (int)name.len, name.text);
    }
    size_t index = (size_t)(field - desc->fields);
    uint64_t bit = (uint64_t)1 << index;
    if (field->label == FL_SINGULAR && (seen & bit)) {
      return fail_at(p, &name, "non-repeated field '%s' is specified multiple times",
                     field->name);
    }
    if (field->oneof != NULL) {
      for (size_t i = 0; i < desc->field_count; i++) {
        const FieldDesc *other = &desc->fields[i];
        if (i != index && (seen & ((uint64_t)1 << i)) && other->oneof != NULL &&
            strcmp(other->oneof, field->oneof) == 0) {
          return fail_at(p, &name,
                         "field '%s' is specified along with field '%s', another member of "
                         "oneof '%s'",
                         field->name, other->name, field->oneof);
        }
      }
    }
    seen |= bit;
    if (!next(p) || !parse_field_value(p, field, msg)) {
      return false;
    }
    if ((at_symbol(p, ';') || at_symbol(p, ',')) && !next(p)) {
      return false;
    }
  }
}

int model_config_parse(const char *text, size_t len, const char *file_name, ModelConfig **out,
                       char **error) {
  *out = NULL;
  if (error) {
    *error = NULL;
  }
  Parser p;
  memset(&p, 0, sizeof p);
  pbtxt_lexer_init(&p.lexer, text ? text : "", text ? len : 0, file_name);
  ModelConfig *config = model_config_new();
  bool ok = next(&p) && parse_message_body(&p, &model_config_desc, config, 0);
  pbtxt_lexer_free(&p.lexer);
  if (!ok) {
    model_config_free(config);
    if (error) {
      *error = p.error;
    } else {
      free(p.error);
    }
    return -1;
  }
  *out = config;
  return 0;
}
