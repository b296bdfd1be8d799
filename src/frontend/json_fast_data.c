/*
 * json_fast_data.c — cut large numeric "data" arrays out of a request's JSON and decode
 * them straight into tensor buffers (see json_fast_data.h).
 *
 * The scanner is lexical: it tracks strings (with escapes) so that brackets and the word
 * "data" inside strings are never taken for structure. A span qualifies only when a
 * string token "data" is followed by ':' and an array that contains no string.
 */
#include "json_fast_data.h"

#include "dtype.h"
#include "errfmt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Offset just past the string starting at `i` (a '"'), or `len` if unterminated. */
static size_t skip_string(const char *s, size_t len, size_t i) {
  for (++i; i < len; ++i) {
    if (s[i] == '\\') ++i;
    else if (s[i] == '"') return i + 1;
  }
  return len;
}

/* If an all-numeric array starts at `i` ('['), return the offset past its ']'; else 0. */
static size_t numeric_array_end(const char *s, size_t len, size_t i) {
  int depth = 0;
  for (; i < len; ++i) {
    char c = s[i];
    if (c == '"' || c == '{' || c == '}' || c == ':') return 0;
    if (c == '[') ++depth;
    else if (c == ']' && --depth == 0) return i + 1;
  }
  return 0;
}

static bool push_span(fastdata_plan *plan, size_t start, size_t end, size_t *cap) {
  if (plan->count == *cap) {
    size_t grown_cap = *cap ? *cap * 2 : 4;
    fastdata_span *grown = realloc(plan->spans, grown_cap * sizeof(*grown));
    if (grown == NULL) return false;
    plan->spans = grown;
    *cap = grown_cap;
  }
  plan->spans[plan->count++] = (fastdata_span){start, end, false};
  return true;
}

bool fastdata_plan_build(const char *json, size_t len, size_t min_bytes, fastdata_plan *plan) {
  memset(plan, 0, sizeof(*plan));
  size_t cap = 0;
  for (size_t i = 0; i < len;) {
    if (json[i] != '"') {
      ++i;
      continue;
    }
    size_t end = skip_string(json, len, i);
    bool is_data_key = end - i == 6 && memcmp(json + i, "\"data\"", 6) == 0;
    i = end;
    if (!is_data_key) continue;
    size_t j = i;
    while (j < len && is_space(json[j])) ++j;
    if (j >= len || json[j] != ':') continue;
    ++j;
    while (j < len && is_space(json[j])) ++j;
    if (j >= len || json[j] != '[') continue;
    size_t array_end = numeric_array_end(json, len, j);
    if (array_end == 0 || array_end - j < min_bytes) continue;
    if (!push_span(plan, j, array_end, &cap)) {
      fastdata_plan_free(plan);
      return false;
    }
    i = array_end;
  }
  if (plan->count == 0) return true;
  /* Rewrite: the text between spans, and a marker object per span. */
  size_t marker_room = sizeof(FASTDATA_MARKER_KEY) + 32;
  size_t out_cap = len + plan->count * marker_room + 1;
  char *out = malloc(out_cap);
  if (out == NULL) {
    fastdata_plan_free(plan);
    return false;
  }
  size_t used = 0, from = 0;
  for (size_t k = 0; k < plan->count; ++k) {
    memcpy(out + used, json + from, plan->spans[k].start - from);
    used += plan->spans[k].start - from;
    used += (size_t)snprintf(out + used, out_cap - used, "{\"" FASTDATA_MARKER_KEY "\":%zu}", k);
    from = plan->spans[k].end;
  }
  memcpy(out + used, json + from, len - from);
  used += len - from;
  out[used] = '\0';
  plan->text = out;
  plan->text_len = used;
  return true;
}

void fastdata_plan_free(fastdata_plan *plan) {
  free(plan->text);
  free(plan->spans);
  memset(plan, 0, sizeof(*plan));
}

/* ---- decoding ------------------------------------------------------------------------ */

typedef struct decoder {
  int datatype;
  unsigned char *out;
  uint64_t declared;
  uint64_t index;
  const char *input, *model;
} decoder;

static void put_le(unsigned char *dst, uint64_t bits, size_t size) {
  for (size_t i = 0; i < size; ++i) dst[i] = (unsigned char)(bits >> (8 * i));
}

static const char *expected_word(int dtype) {
  if (dtype == DTYPE_BOOL) return "true or false";
  if (dtype == DTYPE_FP32 || dtype == DTYPE_FP64) return "a number";
  return "an integer";
}

static char *type_error(const decoder *d, const char *got) {
  return errfmt("unable to parse 'data' of input '%s' for model '%s': expected %s for "
                "datatype %s at element %" PRIu64 ", got %s",
                d->input, d->model, expected_word(d->datatype), dtype_name(d->datatype),
                d->index, got);
}

static char *range_error(const decoder *d, const char *literal, size_t n) {
  return errfmt("value %.*s at element %" PRIu64 " of input '%s' for model '%s' is out of "
                "range for %s",
                (int)n, literal, d->index, d->input, d->model, dtype_name(d->datatype));
}

/*
 * Decimal literal → double without strtod when that is exact enough: up to 19 significant
 * digits read into a uint64 and a power of ten from 10^-22..10^22 (all exact doubles).
 * For FP64 only the exact case (mantissa <= 2^53, Clinger's fast path) is taken; for FP32
 * the result is within 1.5 ulp of a double, far below float precision. Returns false when
 * the caller should use strtod.
 */
static bool fast_decimal(const char *s, size_t n, bool single, double *out) {
  static const double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  size_t i = 0;
  bool negative = s[0] == '-';
  if (negative) ++i;
  uint64_t mantissa = 0;
  int digits = 0, exponent = 0;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (digits == 0 && s[i] == '0') continue; /* leading zeros */
    if (++digits > 19) return false;
    mantissa = mantissa * 10 + (uint64_t)(s[i] - '0');
  }
  if (i < n && s[i] == '.') {
    for (++i; i < n && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (digits == 0 && s[i] == '0') {
        --exponent;
        continue;
      }
      if (++digits > 19) return false;
      mantissa = mantissa * 10 + (uint64_t)(s[i] - '0');
      --exponent;
    }
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative_exponent = i < n && s[i] == '-';
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    int e = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (e > 10000) return false;
      e = e * 10 + (s[i] - '0');
    }
    exponent += negative_exponent ? -e : e;
  }
  if (mantissa == 0) {
    *out = negative ? -0.0 : 0.0;
    return true;
  }
  if (exponent < -22 || exponent > 22) return false;
  if (!single && mantissa > ((uint64_t)1 << 53)) return false;
  double value = (double)mantissa;
  value = exponent < 0 ? value / powers[-exponent] : value * powers[exponent];
  *out = negative ? -value : value;
  return true;
}

/* Store one literal (`n` bytes at `s`: a number or true/false) as element d->index. */
static char *store(decoder *d, const char *s, size_t n, bool is_bool, bool has_fraction) {
  size_t size = dtype_size(d->datatype);
  unsigned char *dst =
      d->out != NULL && d->index < d->declared ? d->out + d->index * size : NULL;
  if (d->datatype == DTYPE_BOOL) {
    if (!is_bool) return type_error(d, has_fraction ? "a number with a fraction" : "an integer");
    if (dst) *dst = s[0] == 't';
    return NULL;
  }
  if (is_bool) return type_error(d, "a boolean");
  if (d->datatype == DTYPE_FP32 || d->datatype == DTYPE_FP64) {
    double v = 0;
    if (fast_decimal(s, n, d->datatype == DTYPE_FP32, &v)) {
      if (dst && d->datatype == DTYPE_FP32) {
        float f = (float)v;
        memcpy(dst, &f, 4);
      } else if (dst) {
        memcpy(dst, &v, 8);
      }
      return NULL;
    }
  }
  char literal[80];
  if (n >= sizeof(literal)) return range_error(d, s, n > 40 ? 40 : n);
  memcpy(literal, s, n);
  literal[n] = '\0';
  if (d->datatype == DTYPE_FP32 || d->datatype == DTYPE_FP64) {
    double v = strtod(literal, NULL);
    if (dst && d->datatype == DTYPE_FP32) {
      float f = (float)v;
      memcpy(dst, &f, 4);
    } else if (dst) {
      memcpy(dst, &v, 8);
    }
    return NULL;
  }
  if (has_fraction) return type_error(d, "a number with a fraction");
  errno = 0;
  bool negative = literal[0] == '-';
  int64_t sv = 0;
  uint64_t uv = 0;
  if (negative) sv = strtoll(literal, NULL, 10);
  else uv = strtoull(literal, NULL, 10);
  if (errno == ERANGE) return range_error(d, s, n);
  bool ok;
  switch (d->datatype) {
  case DTYPE_UINT8: ok = !negative && uv <= UINT8_MAX; break;
  case DTYPE_UINT16: ok = !negative && uv <= UINT16_MAX; break;
  case DTYPE_UINT32: ok = !negative && uv <= UINT32_MAX; break;
  case DTYPE_UINT64: ok = !negative; break;
  case DTYPE_INT8: ok = negative ? sv >= INT8_MIN : uv <= INT8_MAX; break;
  case DTYPE_INT16: ok = negative ? sv >= INT16_MIN : uv <= INT16_MAX; break;
  case DTYPE_INT32: ok = negative ? sv >= INT32_MIN : uv <= INT32_MAX; break;
  case DTYPE_INT64: ok = negative || uv <= INT64_MAX; break;
  default: ok = false; break;
  }
  if (!ok) return range_error(d, s, n);
  if (dst) put_le(dst, negative ? (uint64_t)sv : uv, size);
  return NULL;
}

/* Length of a JSON number at s (RFC 8259 grammar), 0 if none; sets *fraction. */
static size_t number_length(const char *s, size_t left, bool *fraction) {
  size_t i = 0;
  *fraction = false;
  if (i < left && s[i] == '-') ++i;
  size_t digits = i;
  while (i < left && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == digits || (s[digits] == '0' && i - digits > 1)) return 0;
  if (i < left && s[i] == '.') {
    *fraction = true;
    size_t f = ++i;
    while (i < left && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == f) return 0;
  }
  if (i < left && (s[i] == 'e' || s[i] == 'E')) {
    *fraction = true;
    ++i;
    if (i < left && (s[i] == '+' || s[i] == '-')) ++i;
    size_t e = i;
    while (i < left && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == e) return 0;
  }
  return i;
}

char *fastdata_decode(const char *text, size_t len, int datatype, uint64_t declared,
                      int max_depth, void *out, const char *input, const char *model,
                      const char *shape_text) {
  decoder d = {datatype, out, declared, 0, input, model};
  int depth = 0;
  /* expect_value: a value (or '[') must come next; just_opened: the last token was '['
   * (so ']' may close an empty array). */
  bool expect_value = true, just_opened = false, closed = false;
  for (size_t i = 0; i < len;) {
    char c = text[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (closed) goto malformed; /* text after the outermost ']' */
    if (c == '[') {
      if (!expect_value || ++depth > max_depth) goto malformed;
      just_opened = true;
      ++i;
      continue;
    }
    if (c == ']') {
      if (depth == 0 || (expect_value && !just_opened)) goto malformed; /* "[1,]" */
      --depth;
      expect_value = just_opened = false;
      closed = depth == 0;
      ++i;
      continue;
    }
    just_opened = false;
    if (c == ',') {
      if (expect_value || depth == 0) goto malformed;
      expect_value = true;
      ++i;
      continue;
    }
    if (!expect_value || depth == 0) goto malformed;
    bool fraction = false, is_bool = false;
    size_t n;
    if (len - i >= 4 && memcmp(text + i, "true", 4) == 0) {
      n = 4;
      is_bool = true;
    } else if (len - i >= 5 && memcmp(text + i, "false", 5) == 0) {
      n = 5;
      is_bool = true;
    } else {
      n = number_length(text + i, len - i, &fraction);
      if (n == 0) goto malformed;
    }
    char *err = store(&d, text + i, n, is_bool, fraction);
    if (err != NULL) return err;
    ++d.index;
    expect_value = false;
    i += n;
  }
  if (!closed) goto malformed;
  if (d.index != declared)
    return errfmt("unexpected number of elements in 'data' of input '%s' for model '%s': "
                  "shape %s expects %" PRIu64 ", got %" PRIu64,
                  input, model, shape_text, declared, d.index);
  return NULL;
malformed:
  return errfmt("failed to parse the request JSON buffer: malformed 'data' array of input "
                "'%s' for model '%s' near element %" PRIu64,
                input, model, d.index);
}
