/*
 * infer_response_write.c — the response JSON encoder and classification (see
 * infer_response.h). Tensor data is formatted straight from the output buffer into the
 * response buffer: no JSON DOM, one pass per output.
 */
#include "infer_response.h"

#include "dtype.h"
#include "errfmt.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t read_le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void write_double(strbuf *b, double v, bool single) {
  if (isnan(v)) strbuf_append(b, "NaN", 3);
  else if (isinf(v)) strbuf_puts(b, v > 0 ? "Infinity" : "-Infinity");
  else if (strbuf_reserve(b, 32)) /* "%.17g" needs at most 24 characters */
    b->len += (size_t)snprintf(b->data + b->len, 32, single ? "%.9g" : "%.17g", v);
}

/* Integers without printf: the hot path of integer tensors. */
static void write_u64(strbuf *b, uint64_t v, bool negative) {
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (!strbuf_reserve(b, n + 1)) return;
  if (negative) b->data[b->len++] = '-';
  while (n > 0) b->data[b->len++] = digits[--n];
  b->data[b->len] = '\0';
}

static void write_i64(strbuf *b, int64_t v) {
  write_u64(b, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}

/* Write the flat `data` array of one JSON output. */
static char *write_data(strbuf *b, const response_output *o, uint64_t elements) {
  const unsigned char *p = o->data;
  size_t size = dtype_size(o->datatype);
  if (o->datatype == DTYPE_FP16 || o->datatype == DTYPE_BF16) /* Triton's WriteDataToJson */
    return errfmt("sending %s data via JSON is not supported. Please use the binary data "
                  "format for output",
                  dtype_name(o->datatype));
  if (o->datatype != DTYPE_BYTES && elements * size != o->byte_size)
    return errfmt("output '%s' holds %zu bytes but its shape needs %" PRIu64, o->name,
                  o->byte_size, elements * size);
  strbuf_append(b, "[", 1);
  size_t offset = 0;
  for (uint64_t i = 0; i < elements; ++i) {
    if (i) strbuf_append(b, ",", 1);
    const unsigned char *e = p + offset;
    switch (o->datatype) {
    case DTYPE_BOOL: strbuf_puts(b, e[0] ? "true" : "false"); break;
    case DTYPE_UINT8: write_u64(b, e[0], false); break;
    case DTYPE_INT8: write_i64(b, (int8_t)e[0]); break;
    case DTYPE_UINT16: { uint16_t v; memcpy(&v, e, 2); write_u64(b, v, false); break; }
    case DTYPE_INT16: { int16_t v; memcpy(&v, e, 2); write_i64(b, v); break; }
    case DTYPE_UINT32: { uint32_t v; memcpy(&v, e, 4); write_u64(b, v, false); break; }
    case DTYPE_INT32: { int32_t v; memcpy(&v, e, 4); write_i64(b, v); break; }
    case DTYPE_UINT64: { uint64_t v; memcpy(&v, e, 8); write_u64(b, v, false); break; }
    case DTYPE_INT64: { int64_t v; memcpy(&v, e, 8); write_i64(b, v); break; }
    case DTYPE_FP32: { float v; memcpy(&v, e, 4); write_double(b, v, true); break; }
    case DTYPE_FP64: { double v; memcpy(&v, e, 8); write_double(b, v, false); break; }
    case DTYPE_BYTES: {
      if (o->byte_size - offset < 4)
        return errfmt("output '%s' has malformed string data at element %" PRIu64, o->name, i);
      uint32_t len = read_le32(e);
      if (len > o->byte_size - offset - 4)
        return errfmt("output '%s' has malformed string data at element %" PRIu64, o->name, i);
      strbuf_json_string(b, (const char *)e + 4, len);
      offset += 4 + (size_t)len;
      continue;
    }
    default:
      return errfmt("output '%s' has unknown datatype %d", o->name, o->datatype);
    }
    offset += size;
  }
  strbuf_append(b, "]", 1);
  return NULL;
}

static void write_parameters(strbuf *b, const infer_parameter *params, size_t count) {
  strbuf_puts(b, "\"parameters\":{");
  for (size_t i = 0; i < count; ++i) {
    const infer_parameter *p = &params[i];
    if (i) strbuf_append(b, ",", 1);
    strbuf_json_string(b, p->key, strlen(p->key));
    strbuf_append(b, ":", 1);
    switch (p->type) {
    case PARAM_STRING: strbuf_json_string(b, p->string_value, strlen(p->string_value)); break;
    case PARAM_INT: strbuf_printf(b, "%" PRId64, p->int_value); break;
    case PARAM_BOOL: strbuf_puts(b, p->bool_value ? "true" : "false"); break;
    case PARAM_DOUBLE: write_double(b, p->double_value, false); break;
    }
  }
  strbuf_append(b, "}", 1);
}

char *infer_response_write_json(const response_header *h, const response_output *outs,
                                size_t count, strbuf *b) {
  strbuf_append(b, "{", 1);
  if (h->id != NULL && h->id[0] != '\0') {
    strbuf_puts(b, "\"id\":");
    strbuf_json_string(b, h->id, strlen(h->id));
    strbuf_append(b, ",", 1);
  }
  strbuf_puts(b, "\"model_name\":");
  strbuf_json_string(b, h->model_name, strlen(h->model_name));
  strbuf_printf(b, ",\"model_version\":\"%" PRId64 "\"", h->model_version);
  if (h->parameter_count > 0) {
    strbuf_append(b, ",", 1);
    write_parameters(b, h->parameters, h->parameter_count);
  }
  strbuf_puts(b, ",\"outputs\":[");
  for (size_t i = 0; i < count; ++i) {
    const response_output *o = &outs[i];
    if (i) strbuf_append(b, ",", 1);
    strbuf_puts(b, "{\"name\":");
    strbuf_json_string(b, o->name, strlen(o->name));
    strbuf_printf(b, ",\"datatype\":\"%s\",\"shape\":[", dtype_name(o->datatype));
    for (size_t d = 0; d < o->dim_count; ++d)
      strbuf_printf(b, "%s%" PRId64, d ? "," : "", o->shape[d]);
    strbuf_append(b, "]", 1);
    uint64_t elements = 0;
    if (!infer_shape_element_count(o->shape, o->dim_count, &elements))
      return errfmt("output '%s' has an invalid shape", o->name);
    if (o->mode == OUTPUT_AS_BINARY) {
      strbuf_printf(b, ",\"parameters\":{\"binary_data_size\":%zu}", o->byte_size);
    } else if (o->mode == OUTPUT_IN_SHM) {
      /* As Triton: name, datatype and shape only. Triton's C++ HTTP client (perf_analyzer)
       * reads any output "parameters" as binary data and fails without binary_data_size. */
    } else {
      strbuf_puts(b, ",\"data\":");
      char *err = write_data(b, o, elements);
      if (err != NULL) return err;
    }
    strbuf_append(b, "}", 1);
  }
  strbuf_puts(b, "]}");
  return b->failed ? errfmt("out of memory writing the response") : NULL;
}

/* ---- classification ------------------------------------------------------------------ */

static bool value_as_double(int dtype, const unsigned char *e, double *out) {
  switch (dtype) {
  case DTYPE_BOOL: case DTYPE_UINT8: *out = e[0]; return true;
  case DTYPE_INT8: *out = (int8_t)e[0]; return true;
  case DTYPE_UINT16: { uint16_t v; memcpy(&v, e, 2); *out = v; return true; }
  case DTYPE_INT16: { int16_t v; memcpy(&v, e, 2); *out = v; return true; }
  case DTYPE_UINT32: { uint32_t v; memcpy(&v, e, 4); *out = v; return true; }
  case DTYPE_INT32: { int32_t v; memcpy(&v, e, 4); *out = v; return true; }
  case DTYPE_UINT64: { uint64_t v; memcpy(&v, e, 8); *out = (double)v; return true; }
  case DTYPE_INT64: { int64_t v; memcpy(&v, e, 8); *out = (double)v; return true; }
  case DTYPE_FP32: { float v; memcpy(&v, e, 4); *out = v; return true; }
  case DTYPE_FP64: { double v; memcpy(&v, e, 8); *out = v; return true; }
  default: return false;
  }
}

typedef struct scored {
  double value;
  size_t index;
} scored;

static int by_value_desc(const void *a, const void *b) {
  const scored *x = a, *y = b;
  if (x->value > y->value) return -1;
  if (x->value < y->value) return 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static void format_value(strbuf *b, int dtype, double v) {
  if (dtype == DTYPE_FP32 || dtype == DTYPE_FP64) strbuf_printf(b, "%f", v);
  else strbuf_printf(b, "%.0f", v);
}

char *infer_classify(arena *a, int datatype, const void *data, size_t byte_size,
                     const int64_t *shape, size_t dim_count, bool batching, uint64_t k,
                     classification_label_fn label, void *label_context, void **out_bytes,
                     size_t *out_size, int64_t **out_shape, size_t *out_dims) {
  size_t size = dtype_size(datatype);
  double probe;
  unsigned char zero[8] = {0};
  if (size == 0 || !value_as_double(datatype, zero, &probe))
    return errfmt("classification needs a numeric output, got datatype %s",
                  dtype_name(datatype));
  uint64_t elements = 0;
  if (!infer_shape_element_count(shape, dim_count, &elements) || elements * size != byte_size)
    return errfmt("classification: output holds %zu bytes, which does not match its shape",
                  byte_size);
  uint64_t rows = batching && dim_count > 0 ? (uint64_t)shape[0] : 1;
  uint64_t per_row = rows ? elements / rows : 0;
  uint64_t keep = k < per_row ? k : per_row;
  scored *scores = malloc((per_row ? per_row : 1) * sizeof(scored));
  if (scores == NULL) return errfmt("out of memory");
  strbuf bytes, text;
  strbuf_init(&bytes);
  strbuf_init(&text);
  const unsigned char *p = data;
  for (uint64_t r = 0; r < rows; ++r) {
    for (uint64_t i = 0; i < per_row; ++i) {
      scores[i].index = (size_t)i;
      value_as_double(datatype, p + (r * per_row + i) * size, &scores[i].value);
    }
    qsort(scores, (size_t)per_row, sizeof(scored), by_value_desc);
    for (uint64_t i = 0; i < keep; ++i) {
      text.len = 0;
      format_value(&text, datatype, scores[i].value);
      strbuf_printf(&text, ":%zu", scores[i].index);
      const char *l = label ? label(label_context, scores[i].index) : NULL;
      if (l != NULL && l[0] != '\0') strbuf_printf(&text, ":%s", l);
      uint32_t len = (uint32_t)text.len;
      unsigned char prefix[4] = {(unsigned char)len, (unsigned char)(len >> 8),
                                 (unsigned char)(len >> 16), (unsigned char)(len >> 24)};
      strbuf_append(&bytes, (const char *)prefix, 4);
      strbuf_append(&bytes, text.data ? text.data : "", text.len);
    }
  }
  free(scores);
  char *err = NULL;
  size_t dims = batching && dim_count > 0 ? 2 : 1;
  int64_t *s = arena_alloc(a, dims * sizeof(int64_t));
  void *buffer = arena_alloc(a, bytes.len ? bytes.len : 1);
  if (bytes.failed || text.failed || s == NULL || buffer == NULL) {
    err = errfmt("out of memory");
  } else {
    if (bytes.len) memcpy(buffer, bytes.data, bytes.len);
    if (dims == 2) {
      s[0] = (int64_t)rows;
      s[1] = (int64_t)keep;
    } else {
      s[0] = (int64_t)keep;
    }
    *out_bytes = buffer;
    *out_size = bytes.len;
    *out_shape = s;
    *out_dims = dims;
  }
  strbuf_free(&bytes);
  strbuf_free(&text);
  return err;
}
