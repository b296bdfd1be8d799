/*
 * infer_request_parse.c — KServe v2 inference request (JSON + binary tensor extension)
 * → infer_request (see infer_request.h; spec §4.2 and §4.4).
 *
 * Order of work for one request:
 *   1. split the body at Inference-Header-Content-Length (absent = all JSON);
 *   2. tokenize the JSON header with json-c under a depth limit;
 *   3. request fields (id, parameters), then each input (name, datatype, shape, exactly
 *      one data source), then each requested output;
 *   4. binary inputs take consecutive slices of the binary section in input order, and
 *      the section must be consumed exactly.
 * The declared element count is computed with overflow checks and compared with the
 * data before anything is allocated, so a huge declared shape costs nothing.
 */
#include "infer_request.h"

#include "dtype.h"
#include "errfmt.h"
#include "json_fast_data.h"

#include <json-c/json.h>
#include <string.h>

enum { SHAPE_TEXT = 96 };

void infer_request_limits_default(infer_request_limits *limits) {
  limits->max_json_depth = 100;
  limits->max_tensor_bytes = (uint64_t)64 << 20;
  limits->fast_data_min_bytes = 1024;
}

bool infer_shape_element_count(const int64_t *shape, size_t dim_count, uint64_t *count) {
  uint64_t total = 1;
  for (size_t i = 0; i < dim_count; ++i) {
    if (shape[i] < 0) return false;
    if (shape[i] != 0 && total > UINT64_MAX / (uint64_t)shape[i]) return false;
    total *= (uint64_t)shape[i];
  }
  *count = total;
  return true;
}

void infer_request_free(infer_request *request) {
  arena_release(&request->arena);
  memset(request, 0, sizeof(*request));
}

static uint32_t read_le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

char *infer_check_bytes_buffer(const char *name, const void *data, uint64_t byte_size,
                               uint64_t expected_elements) {
  const unsigned char *p = data;
  uint64_t offset = 0, elements = 0;
  while (offset < byte_size) {
    if (byte_size - offset < 4)
      return errfmt("incomplete string length for input '%s': element %llu has %llu of "
                    "the 4 length bytes",
                    name, (unsigned long long)elements,
                    (unsigned long long)(byte_size - offset));
    uint32_t len = read_le32(p + offset);
    offset += 4;
    if (len > byte_size - offset)
      return errfmt("incomplete string data for input '%s': element %llu declares %u "
                    "bytes but only %llu remain",
                    name, (unsigned long long)elements, len,
                    (unsigned long long)(byte_size - offset));
    offset += len;
    ++elements;
  }
  if (elements != expected_elements)
    return errfmt("unexpected number of string elements for input '%s': expected %llu, "
                  "got %llu",
                  name, (unsigned long long)expected_elements, (unsigned long long)elements);
  return NULL;
}

/* ---- small JSON accessors ------------------------------------------------------------ */

static const char *json_type_word(json_object *v) {
  switch (json_object_get_type(v)) {
  case json_type_null: return "null";
  case json_type_boolean: return "a boolean";
  case json_type_double: return "a number with a fraction";
  case json_type_int: return "an integer";
  case json_type_object: return "an object";
  case json_type_array: return "an array";
  case json_type_string: return "a string";
  }
  return "something else";
}

/* Text of a JSON value for messages. json-c clamps integers beyond the 64-bit range to
 * the limits, so a clamped value is described as a bound, not as a number never sent. */
static const char *json_value_text(json_object *v) {
  if (json_object_is_type(v, json_type_int)) {
    int64_t s = json_object_get_int64(v);
    if (s == INT64_MAX && json_object_get_uint64(v) == UINT64_MAX)
      return "a number of 18446744073709551615 or more";
    if (s == INT64_MIN) return "a number of -9223372036854775808 or less";
  }
  return json_object_to_json_string(v);
}

/* Read a non-negative JSON integer into *out; false if `v` is not one. */
static bool json_get_u64(json_object *v, uint64_t *out) {
  if (!json_object_is_type(v, json_type_int)) return false;
  int64_t s = json_object_get_int64(v);
  if (s < 0) return false;
  *out = s == INT64_MAX ? json_object_get_uint64(v) : (uint64_t)s;
  return true;
}

/* ---- JSON tensor data ---------------------------------------------------------------- */

/* Count leaf elements of a (possibly nested) `data` array and the bytes a BYTES tensor
 * would need. Returns false when a leaf is an object/null (message in *err). */
static bool count_data(json_object *array, uint64_t *elements, uint64_t *string_bytes) {
  size_t n = json_object_array_length(array);
  for (size_t i = 0; i < n; ++i) {
    json_object *item = json_object_array_get_idx(array, i);
    if (json_object_is_type(item, json_type_array)) {
      if (!count_data(item, elements, string_bytes)) return false;
    } else {
      ++*elements;
      if (json_object_is_type(item, json_type_string))
        *string_bytes += 4 + (uint64_t)json_object_get_string_len(item);
    }
  }
  return true;
}

typedef struct data_writer {
  int datatype;
  unsigned char *out;
  uint64_t offset;
  uint64_t index; /* flat element index, for messages */
  const char *input_name;
  const char *model_name;
  char *error;
} data_writer;

static bool integer_in_range(int dtype, json_object *v, uint64_t *bits) {
  int64_t s = json_object_get_int64(v);
  uint64_t u = s == INT64_MAX ? json_object_get_uint64(v) : (uint64_t)s;
  bool negative = s < 0;
  switch (dtype) {
  case DTYPE_UINT8: if (negative || u > UINT8_MAX) return false; break;
  case DTYPE_UINT16: if (negative || u > UINT16_MAX) return false; break;
  case DTYPE_UINT32: if (negative || u > UINT32_MAX) return false; break;
  case DTYPE_UINT64: if (negative) return false; break;
  case DTYPE_INT8: if (s < INT8_MIN || s > INT8_MAX) return false; break;
  case DTYPE_INT16: if (s < INT16_MIN || s > INT16_MAX) return false; break;
  case DTYPE_INT32: if (s < INT32_MIN || s > INT32_MAX) return false; break;
  case DTYPE_INT64: if (!negative && u > INT64_MAX) return false; break;
  default: return false;
  }
  *bits = negative ? (uint64_t)s : u;
  return true;
}

static void write_le(unsigned char *dst, uint64_t bits, size_t size) {
  for (size_t i = 0; i < size; ++i) dst[i] = (unsigned char)(bits >> (8 * i));
}

static bool write_element(data_writer *w, json_object *v) {
  size_t size = dtype_size(w->datatype);
  const char *type_name = dtype_name(w->datatype);
  switch (w->datatype) {
  case DTYPE_BOOL:
    if (!json_object_is_type(v, json_type_boolean)) goto wrong_type;
    w->out[w->offset++] = json_object_get_boolean(v) ? 1 : 0;
    break;
  case DTYPE_FP32:
  case DTYPE_FP64: {
    if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
      goto wrong_type;
    double d = json_object_get_double(v);
    if (w->datatype == DTYPE_FP32) {
      float f = (float)d;
      memcpy(w->out + w->offset, &f, 4);
    } else {
      memcpy(w->out + w->offset, &d, 8);
    }
    w->offset += size;
    break;
  }
  case DTYPE_BYTES: {
    if (!json_object_is_type(v, json_type_string)) goto wrong_type;
    int len = json_object_get_string_len(v);
    write_le(w->out + w->offset, (uint64_t)len, 4);
    if (len > 0) memcpy(w->out + w->offset + 4, json_object_get_string(v), (size_t)len);
    w->offset += 4 + (uint64_t)len;
    break;
  }
  default: { /* integer types */
    if (!json_object_is_type(v, json_type_int)) goto wrong_type;
    uint64_t bits = 0;
    if (!integer_in_range(w->datatype, v, &bits)) {
      w->error = errfmt("value %s at element %llu of input '%s' for model '%s' is out of "
                        "range for %s",
                        json_value_text(v), (unsigned long long)w->index,
                        w->input_name, w->model_name, type_name);
      return false;
    }
    write_le(w->out + w->offset, bits, size);
    w->offset += size;
    break;
  }
  }
  ++w->index;
  return true;
wrong_type:
  w->error = errfmt("unable to parse 'data' of input '%s' for model '%s': expected %s "
                    "for datatype %s at element %llu, got %s",
                    w->input_name, w->model_name,
                    w->datatype == DTYPE_BOOL    ? "true or false"
                    : w->datatype == DTYPE_BYTES ? "a string"
                    : (w->datatype == DTYPE_FP32 || w->datatype == DTYPE_FP64)
                        ? "a number"
                        : "an integer",
                    type_name, (unsigned long long)w->index, json_type_word(v));
  return false;
}

static bool write_data(data_writer *w, json_object *array) {
  size_t n = json_object_array_length(array);
  for (size_t i = 0; i < n; ++i) {
    json_object *item = json_object_array_get_idx(array, i);
    bool ok = json_object_is_type(item, json_type_array) ? write_data(w, item)
                                                         : write_element(w, item);
    if (!ok) return false;
  }
  return true;
}

/* ---- the request --------------------------------------------------------------------- */

typedef struct parse_context {
  infer_request *request;
  const char *model;
  const infer_request_limits *limits;
  const char *binary;       /* binary section start */
  uint64_t binary_size;
  uint64_t binary_used;
  bool has_binary_section;  /* Inference-Header-Content-Length was given */
  const char *json;         /* the original JSON header (fast 'data' spans point here) */
  fastdata_plan plan;       /* large numeric 'data' arrays cut out of the header */
} parse_context;

static char *parse_shape(parse_context *c, json_object *input, infer_input *in) {
  json_object *shape = NULL;
  if (!json_object_object_get_ex(input, "shape", &shape) ||
      !json_object_is_type(shape, json_type_array))
    return errfmt("input '%s' for model '%s' has no 'shape': expected an array of "
                  "non-negative integers, got %s",
                  in->name, c->model, shape ? json_type_word(shape) : "nothing");
  size_t dims = json_object_array_length(shape);
  in->dim_count = dims;
  in->shape = arena_alloc(&c->request->arena, (dims ? dims : 1) * sizeof(int64_t));
  if (in->shape == NULL) return errfmt("out of memory");
  for (size_t d = 0; d < dims; ++d) {
    json_object *dim = json_object_array_get_idx(shape, d);
    uint64_t value = 0;
    if (!json_get_u64(dim, &value) || value > INT64_MAX)
      return errfmt("unable to parse 'shape' of input '%s' for model '%s': expected "
                    "non-negative integers, got %s at index %zu",
                    in->name, c->model, json_value_text(dim), d);
    in->shape[d] = (int64_t)value;
  }
  return NULL;
}

/* FP16/BF16 travel only as binary data: Triton's ReadDataFromJson message. */
static char *json_half_refused(const infer_input *in) {
  return errfmt("receiving %s data via JSON is not supported. Please use the binary data "
                "format for input %s",
                dtype_name(in->datatype), in->name);
}

/* A marker object left by fastdata_plan_build: decode its span straight into the tensor. */
static char *decode_fast_data(parse_context *c, json_object *marker, infer_input *in,
                              uint64_t declared) {
  char shape_text[SHAPE_TEXT];
  json_object *index_obj = NULL;
  json_object_object_get_ex(marker, FASTDATA_MARKER_KEY, &index_obj);
  int64_t index = json_object_get_int64(index_obj);
  if (!json_object_is_type(index_obj, json_type_int) || index < 0 ||
      (uint64_t)index >= c->plan.count || c->plan.spans[index].used)
    return errfmt("'data' of input '%s' for model '%s' must be an array, got an object",
                  in->name, c->model);
  fastdata_span *span = &c->plan.spans[index];
  span->used = true;
  if (in->datatype == DTYPE_FP16 || in->datatype == DTYPE_BF16)
    return json_half_refused(in);
  if (in->datatype == DTYPE_BYTES)
    return errfmt("input '%s' for model '%s' has datatype %s, which numeric JSON 'data' "
                  "cannot carry; send strings",
                  in->name, c->model, dtype_name(in->datatype));
  errfmt_shape(in->shape, in->dim_count, shape_text, sizeof(shape_text));
  const char *text = c->json + span->start;
  size_t len = span->end - span->start;
  /* Each element takes at least two characters ("1,"): a larger declared count cannot
   * match, so count without allocating the declared size. */
  unsigned char *buffer = NULL;
  if (declared <= (len + 1) / 2) {
    buffer = arena_alloc(&c->request->arena, (size_t)(declared * dtype_size(in->datatype)));
    if (buffer == NULL) return errfmt("out of memory decoding input '%s'", in->name);
  }
  char *err = fastdata_decode(text, len, in->datatype, declared, c->limits->max_json_depth,
                              buffer, in->name, c->model, shape_text);
  if (err == NULL && buffer == NULL) /* cannot happen: the count check would have failed */
    err = errfmt("internal error decoding input '%s'", in->name);
  if (err != NULL) return err;
  in->data = buffer;
  in->byte_size = declared * dtype_size(in->datatype);
  in->source = INPUT_FROM_JSON;
  return NULL;
}

static char *decode_json_data(parse_context *c, json_object *data, infer_input *in,
                              uint64_t declared) {
  char shape_text[SHAPE_TEXT];
  json_object *marker = NULL;
  if (c->plan.count > 0 && json_object_is_type(data, json_type_object) &&
      json_object_object_get_ex(data, FASTDATA_MARKER_KEY, &marker))
    return decode_fast_data(c, data, in, declared);
  if (!json_object_is_type(data, json_type_array))
    return errfmt("'data' of input '%s' for model '%s' must be an array, got %s", in->name,
                  c->model, json_type_word(data));
  if (in->datatype == DTYPE_FP16 || in->datatype == DTYPE_BF16)
    return json_half_refused(in);
  uint64_t elements = 0, string_bytes = 0;
  count_data(data, &elements, &string_bytes);
  if (elements != declared)
    return errfmt("unexpected number of elements in 'data' of input '%s' for model '%s': "
                  "shape %s expects %llu, got %llu",
                  in->name, c->model, errfmt_shape(in->shape, in->dim_count, shape_text,
                                                   sizeof(shape_text)),
                  (unsigned long long)declared, (unsigned long long)elements);
  uint64_t bytes =
      in->datatype == DTYPE_BYTES ? string_bytes : elements * dtype_size(in->datatype);
  if (bytes > c->limits->max_tensor_bytes)
    return errfmt("input '%s' for model '%s' needs %llu bytes, more than the limit of %llu",
                  in->name, c->model, (unsigned long long)bytes,
                  (unsigned long long)c->limits->max_tensor_bytes);
  unsigned char *buffer = arena_alloc(&c->request->arena, (size_t)bytes);
  if (buffer == NULL) return errfmt("out of memory decoding input '%s'", in->name);
  data_writer w = {in->datatype, buffer, 0, 0, in->name, c->model, NULL};
  if (!write_data(&w, data)) return w.error;
  in->data = buffer;
  in->byte_size = bytes;
  in->source = INPUT_FROM_JSON;
  return NULL;
}

static char *take_binary(parse_context *c, infer_input *in, uint64_t size,
                         uint64_t declared) {
  if (!c->has_binary_section)
    return errfmt("input '%s' for model '%s' sets 'binary_data_size' but the request has "
                  "no Inference-Header-Content-Length header, so there is no binary data",
                  in->name, c->model);
  if (size > c->binary_size - c->binary_used)
    return errfmt("unexpected size for input '%s', expecting %llu bytes for model '%s' "
                  "but only %llu binary bytes remain",
                  in->name, (unsigned long long)size, c->model,
                  (unsigned long long)(c->binary_size - c->binary_used));
  in->data = c->binary + c->binary_used;
  in->byte_size = size;
  in->source = INPUT_FROM_BINARY;
  c->binary_used += size;
  if (in->datatype == DTYPE_BYTES) {
    char *err = infer_check_bytes_buffer(in->name, in->data, size, declared);
    if (err != NULL) {
      char *full = errfmt("%s for model '%s'", err, c->model);
      free(err);
      return full;
    }
  } else if (declared * dtype_size(in->datatype) != size) {
    return errfmt("input byte size mismatch for input '%s' for model '%s'. Expected %llu, "
                  "got %llu",
                  in->name, c->model,
                  (unsigned long long)(declared * dtype_size(in->datatype)),
                  (unsigned long long)size);
  }
  return NULL;
}

static char *parse_input(parse_context *c, json_object *input, size_t index,
                         infer_input *in) {
  arena *a = &c->request->arena;
  if (!json_object_is_type(input, json_type_object))
    return errfmt("input %zu for model '%s' must be an object, got %s", index, c->model,
                  json_type_word(input));
  json_object *name = NULL, *datatype = NULL;
  if (!json_object_object_get_ex(input, "name", &name) ||
      !json_object_is_type(name, json_type_string))
    return errfmt("input %zu for model '%s' has no 'name' string", index, c->model);
  in->name = arena_strndup(a, json_object_get_string(name),
                           (size_t)json_object_get_string_len(name));
  if (in->name == NULL) return errfmt("out of memory");
  if (!json_object_object_get_ex(input, "datatype", &datatype) ||
      !json_object_is_type(datatype, json_type_string))
    return errfmt("input '%s' for model '%s' has no 'datatype' string", in->name, c->model);
  in->datatype = dtype_from_name(json_object_get_string(datatype));
  if (in->datatype == DTYPE_INVALID)
    return errfmt("invalid datatype '%s' of input '%s' for model '%s': expected one of "
                  "BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, "
                  "FP32, FP64, BYTES, BF16",
                  json_object_get_string(datatype), in->name, c->model);
  char *err = parse_shape(c, input, in);
  if (err != NULL) return err;

  char shape_text[SHAPE_TEXT];
  uint64_t declared = 0;
  size_t element_size = dtype_size(in->datatype);
  if (!infer_shape_element_count(in->shape, in->dim_count, &declared) ||
      (element_size != 0 && declared > c->limits->max_tensor_bytes / element_size))
    return errfmt("shape %s of input '%s' for model '%s' causes total element count to "
                  "exceed maximum size of %llu bytes",
                  errfmt_shape(in->shape, in->dim_count, shape_text, sizeof(shape_text)),
                  in->name, c->model, (unsigned long long)c->limits->max_tensor_bytes);

  json_object *data = NULL, *params = NULL, *binary_size = NULL, *region = NULL;
  bool has_data = json_object_object_get_ex(input, "data", &data);
  if (json_object_object_get_ex(input, "parameters", &params)) {
    if (!json_object_is_type(params, json_type_object))
      return errfmt("'parameters' of input '%s' for model '%s' must be an object, got %s",
                    in->name, c->model, json_type_word(params));
    json_object_object_get_ex(params, "binary_data_size", &binary_size);
    json_object_object_get_ex(params, "shared_memory_region", &region);
  }
  int sources = (has_data ? 1 : 0) + (binary_size ? 1 : 0) + (region ? 1 : 0);
  if (sources != 1 && !(sources == 0 && declared == 0))
    return errfmt("Input must set only one of the following fields: 'data', "
                  "'binary_data_size' in 'parameters', 'shared_memory_region' in "
                  "'parameters'; input '%s' for model '%s' sets %d",
                  in->name, c->model, sources);
  if (sources == 0) { /* zero-element tensor */
    in->source = INPUT_FROM_JSON;
    in->data = arena_alloc(a, 1);
    in->byte_size = 0;
    return NULL;
  }
  if (has_data) return decode_json_data(c, data, in, declared);
  if (binary_size != NULL) {
    uint64_t size = 0;
    if (!json_get_u64(binary_size, &size))
      return errfmt("'binary_data_size' of input '%s' for model '%s' must be a "
                    "non-negative integer, got %s",
                    in->name, c->model, json_value_text(binary_size));
    return take_binary(c, in, size, declared);
  }
  /* Shared memory: the region is resolved by the handler (shm_registry). */
  json_object *offset = NULL, *size = NULL;
  if (!json_object_is_type(region, json_type_string))
    return errfmt("'shared_memory_region' of input '%s' for model '%s' must be a string",
                  in->name, c->model);
  in->source = INPUT_FROM_SHM;
  in->shm_region = arena_strndup(a, json_object_get_string(region),
                                 (size_t)json_object_get_string_len(region));
  if (json_object_object_get_ex(params, "shared_memory_offset", &offset) &&
      !json_get_u64(offset, &in->shm_offset))
    return errfmt("'shared_memory_offset' of input '%s' must be a non-negative integer",
                  in->name);
  if (!json_object_object_get_ex(params, "shared_memory_byte_size", &size) ||
      !json_get_u64(size, &in->byte_size))
    return errfmt("input '%s' for model '%s' uses shared memory but has no "
                  "'shared_memory_byte_size' non-negative integer",
                  in->name, c->model);
  return NULL;
}

static char *parse_output(parse_context *c, json_object *output, size_t index,
                          infer_output *out) {
  arena *a = &c->request->arena;
  json_object *name = NULL, *params = NULL, *v = NULL;
  out->binary_data = -1;
  if (!json_object_is_type(output, json_type_object) ||
      !json_object_object_get_ex(output, "name", &name) ||
      !json_object_is_type(name, json_type_string))
    return errfmt("requested output %zu for model '%s' must be an object with a 'name' "
                  "string",
                  index, c->model);
  out->name = arena_strndup(a, json_object_get_string(name),
                            (size_t)json_object_get_string_len(name));
  if (!json_object_object_get_ex(output, "parameters", &params)) return NULL;
  if (!json_object_is_type(params, json_type_object))
    return errfmt("'parameters' of output '%s' must be an object", out->name);
  if (json_object_object_get_ex(params, "binary_data", &v)) {
    if (!json_object_is_type(v, json_type_boolean))
      return errfmt("'binary_data' of output '%s' must be true or false, got %s", out->name,
                    json_type_word(v));
    out->binary_data = json_object_get_boolean(v);
  }
  if (json_object_object_get_ex(params, "classification", &v) &&
      (!json_get_u64(v, &out->classification) || out->classification == 0))
    return errfmt("'classification' of output '%s' must be a positive integer, got %s",
                  out->name, json_value_text(v));
  if (json_object_object_get_ex(params, "shared_memory_region", &v)) {
    if (!json_object_is_type(v, json_type_string))
      return errfmt("'shared_memory_region' of output '%s' must be a string", out->name);
    out->shm_region = arena_strndup(a, json_object_get_string(v),
                                    (size_t)json_object_get_string_len(v));
    if (out->classification != 0 || out->binary_data == 1)
      return errfmt("output '%s' cannot use shared memory together with %s", out->name,
                    out->classification ? "'classification'" : "'binary_data': true");
    if (json_object_object_get_ex(params, "shared_memory_offset", &v) &&
        !json_get_u64(v, &out->shm_offset))
      return errfmt("'shared_memory_offset' of output '%s' must be a non-negative integer",
                    out->name);
    if (!json_object_object_get_ex(params, "shared_memory_byte_size", &v) ||
        !json_get_u64(v, &out->shm_byte_size))
      return errfmt("output '%s' uses shared memory but has no 'shared_memory_byte_size' "
                    "non-negative integer",
                    out->name);
  }
  return NULL;
}

static char *parse_bool_param(json_object *v, const char *key, bool *out) {
  if (!json_object_is_type(v, json_type_boolean))
    return errfmt("request parameter '%s' must be true or false, got %s", key,
                  json_type_word(v));
  *out = json_object_get_boolean(v);
  return NULL;
}

static char *parse_u64_param(json_object *v, const char *key, uint64_t *out) {
  if (!json_get_u64(v, out))
    return errfmt("request parameter '%s' must be a non-negative integer, got %s", key,
                  json_value_text(v));
  return NULL;
}

static char *parse_parameters(parse_context *c, json_object *params) {
  infer_request *r = c->request;
  if (!json_object_is_type(params, json_type_object))
    return errfmt("request 'parameters' must be an object, got %s", json_type_word(params));
  size_t count = (size_t)json_object_object_length(params);
  r->parameters = arena_alloc(&r->arena, (count ? count : 1) * sizeof(infer_parameter));
  if (r->parameters == NULL) return errfmt("out of memory");
  json_object_object_foreach(params, key, v) {
    char *err = NULL;
    if (strcmp(key, "sequence_id") == 0) {
      r->has_sequence_id = true;
      if (json_object_is_type(v, json_type_string)) {
        r->sequence_id_is_string = true;
        r->sequence_id_string = arena_strndup(&r->arena, json_object_get_string(v),
                                              (size_t)json_object_get_string_len(v));
      } else if (!json_get_u64(v, &r->sequence_id)) {
        err = errfmt("request parameter 'sequence_id' must be a non-negative integer or a "
                     "string, got %s",
                     json_value_text(v));
      }
    } else if (strcmp(key, "sequence_start") == 0) {
      err = parse_bool_param(v, key, &r->sequence_start);
    } else if (strcmp(key, "sequence_end") == 0) {
      err = parse_bool_param(v, key, &r->sequence_end);
    } else if (strcmp(key, "priority") == 0) {
      err = parse_u64_param(v, key, &r->priority);
    } else if (strcmp(key, "timeout") == 0) {
      err = parse_u64_param(v, key, &r->timeout_us);
    } else if (strcmp(key, "binary_data_output") == 0) {
      err = parse_bool_param(v, key, &r->binary_data_output);
    } else if (strcmp(key, "headers") == 0) {
      /* reserved by Triton for forwarded headers; not passed on */
    } else if (strncmp(key, "triton_", 7) == 0) {
      err = errfmt("parameter keys starting with 'triton_' are reserved for Triton usage "
                   "and should not be specified; got '%s'",
                   key);
    } else {
      infer_parameter *p = &r->parameters[r->parameter_count];
      p->key = arena_strndup(&r->arena, key, strlen(key));
      switch (json_object_get_type(v)) {
      case json_type_string:
        p->type = PARAM_STRING;
        p->string_value = arena_strndup(&r->arena, json_object_get_string(v),
                                        (size_t)json_object_get_string_len(v));
        break;
      case json_type_int:
        p->type = PARAM_INT;
        p->int_value = json_object_get_int64(v);
        break;
      case json_type_boolean:
        p->type = PARAM_BOOL;
        p->bool_value = json_object_get_boolean(v);
        break;
      case json_type_double:
        p->type = PARAM_DOUBLE;
        p->double_value = json_object_get_double(v);
        break;
      default:
        err = errfmt("request parameter '%s' must be a string, number or boolean, got %s",
                     key, json_type_word(v));
        break;
      }
      if (err == NULL) ++r->parameter_count;
    }
    if (err != NULL) return err;
  }
  return NULL;
}

static char *parse_document(parse_context *c, json_object *root) {
  infer_request *r = c->request;
  if (!json_object_is_type(root, json_type_object))
    return errfmt("inference request for model '%s' must be a JSON object, got %s",
                  c->model, json_type_word(root));
  json_object *v = NULL;
  r->id = "";
  if (json_object_object_get_ex(root, "id", &v)) {
    if (!json_object_is_type(v, json_type_string))
      return errfmt("request 'id' must be a string, got %s", json_type_word(v));
    r->id = arena_strndup(&r->arena, json_object_get_string(v),
                          (size_t)json_object_get_string_len(v));
  }
  if (json_object_object_get_ex(root, "parameters", &v)) {
    char *err = parse_parameters(c, v);
    if (err != NULL) return err;
  }
  json_object *inputs = NULL;
  if (!json_object_object_get_ex(root, "inputs", &inputs) ||
      !json_object_is_type(inputs, json_type_array))
    return errfmt("inference request for model '%s' has no 'inputs' array; expected a list "
                  "of input tensors, got %s",
                  c->model, inputs ? json_type_word(inputs) : "nothing");
  r->input_count = json_object_array_length(inputs);
  r->inputs = arena_alloc(&r->arena, (r->input_count ? r->input_count : 1) *
                                         sizeof(infer_input));
  if (r->inputs == NULL) return errfmt("out of memory");
  for (size_t i = 0; i < r->input_count; ++i) {
    char *err = parse_input(c, json_object_array_get_idx(inputs, i), i, &r->inputs[i]);
    if (err != NULL) return err;
    for (size_t j = 0; j < i; ++j)
      if (strcmp(r->inputs[j].name, r->inputs[i].name) == 0)
        return errfmt("input '%s' already exists in request", r->inputs[i].name); /* Triton */
  }
  json_object *outputs = NULL;
  if (json_object_object_get_ex(root, "outputs", &outputs)) {
    if (!json_object_is_type(outputs, json_type_array))
      return errfmt("'outputs' for model '%s' must be an array, got %s", c->model,
                    json_type_word(outputs));
    r->output_count = json_object_array_length(outputs);
    r->outputs = arena_alloc(&r->arena, (r->output_count ? r->output_count : 1) *
                                            sizeof(infer_output));
    if (r->outputs == NULL) return errfmt("out of memory");
    for (size_t i = 0; i < r->output_count; ++i) {
      char *err = parse_output(c, json_object_array_get_idx(outputs, i), i, &r->outputs[i]);
      if (err != NULL) return err;
      for (size_t j = 0; j < i; ++j) /* current Triton rejects it too (400) */
        if (strcmp(r->outputs[j].name, r->outputs[i].name) == 0)
          return errfmt("inference request for model '%s' has duplicate output name '%s'",
                        c->model, r->outputs[i].name);
    }
  }
  if (c->binary_used != c->binary_size)
    return errfmt("unexpected additional input data for model '%s': %llu binary bytes "
                  "were not claimed by any input's binary_data_size",
                  c->model, (unsigned long long)(c->binary_size - c->binary_used));
  return NULL;
}

char *infer_request_parse(const char *model_name, const char *body, size_t body_size,
                          int64_t header_length, const infer_request_limits *limits,
                          infer_request *out) {
  memset(out, 0, sizeof(*out));
  arena_init(&out->arena);
  out->id = "";
  if (header_length > (int64_t)body_size || header_length < -1)
    return errfmt("Inference-Header-Content-Length %lld is not within the request body of "
                  "%zu bytes",
                  (long long)header_length, body_size);
  if (header_length == 0) {
    out->raw_binary = true;
    return NULL;
  }
  parse_context c = {out, model_name, limits, NULL, 0, 0, false, body, {0}};
  size_t json_size = body_size;
  if (header_length > 0) {
    json_size = (size_t)header_length;
    c.has_binary_section = true;
    c.binary = body + json_size;
    c.binary_size = body_size - json_size;
  }
  if (json_size > INT32_MAX)
    return errfmt("request JSON of %zu bytes is too large to parse", json_size);
  const char *json = body;
  if (json_size >= limits->fast_data_min_bytes) {
    if (!fastdata_plan_build(body, json_size, limits->fast_data_min_bytes, &c.plan))
      return errfmt("out of memory");
    if (c.plan.text != NULL) {
      json = c.plan.text;
      json_size = c.plan.text_len;
    }
  }
  json_tokener *tok = json_tokener_new_ex(limits->max_json_depth);
  if (tok == NULL) {
    fastdata_plan_free(&c.plan);
    return errfmt("out of memory");
  }
  json_object *root = json_tokener_parse_ex(tok, json, (int)json_size);
  enum json_tokener_error jerr = json_tokener_get_error(tok);
  size_t end = json_tokener_get_parse_end(tok);
  char *err = NULL;
  if (root == NULL || jerr != json_tokener_success) {
    err = errfmt("failed to parse the request JSON buffer: %s at offset %zu",
                 jerr == json_tokener_continue ? "unexpected end of JSON"
                                               : json_tokener_error_desc(jerr),
                 end);
  } else {
    for (size_t i = end; i < json_size && err == NULL; ++i)
      if (json[i] != ' ' && json[i] != '\t' && json[i] != '\r' && json[i] != '\n')
        err = errfmt("failed to parse the request JSON buffer: unexpected data after the "
                     "JSON object at offset %zu",
                     i);
    if (err == NULL) err = parse_document(&c, root);
  }
  json_object_put(root);
  json_tokener_free(tok);
  fastdata_plan_free(&c.plan);
  return err;
}

char *infer_request_set_raw_input(infer_request *r, const char *model_name, const char *name,
                                  int datatype, const int64_t *dims, size_t dim_count,
                                  bool batching, const char *body, size_t body_size) {
  size_t total_dims = dim_count + (batching ? 1 : 0);
  infer_input *in = arena_alloc(&r->arena, sizeof(infer_input));
  int64_t *shape = arena_alloc(&r->arena, (total_dims ? total_dims : 1) * sizeof(int64_t));
  if (in == NULL || shape == NULL) return errfmt("out of memory");
  in->name = arena_strndup(&r->arena, name, strlen(name));
  in->datatype = datatype;
  in->shape = shape;
  in->dim_count = total_dims;
  in->source = INPUT_FROM_BINARY;
  size_t offset = 0;
  if (batching) shape[offset++] = 1;
  if (datatype == DTYPE_BYTES) {
    if (dim_count != 1 || (dims[0] != 1 && dims[0] != -1))
      return errfmt("raw binary request for model '%s': BYTES input '%s' must have dims "
                    "[1]",
                    model_name, name);
    if (body_size > UINT32_MAX)
      return errfmt("raw binary request for model '%s' is too large for one string",
                    model_name);
    shape[offset] = 1;
    unsigned char *framed = arena_alloc(&r->arena, body_size + 4);
    if (framed == NULL) return errfmt("out of memory");
    write_le(framed, body_size, 4);
    if (body_size) memcpy(framed + 4, body, body_size);
    in->data = framed;
    in->byte_size = body_size + 4;
  } else {
    size_t element_size = dtype_size(datatype);
    int variable = -1;
    uint64_t known = 1;
    for (size_t d = 0; d < dim_count; ++d) {
      if (dims[d] < 0) {
        if (variable >= 0)
          return errfmt("The shape of the raw input '%s' can not be deduced because there "
                        "are more than one variable-sized dimension",
                        name);
        variable = (int)d;
      } else {
        known *= (uint64_t)dims[d];
      }
      shape[offset + d] = dims[d];
    }
    uint64_t unit = known * element_size;
    if (unit == 0 || body_size % unit != 0 ||
        (variable < 0 && body_size != unit))
      return errfmt("raw binary request for model '%s': %zu bytes do not form a whole "
                    "tensor for input '%s' of %s (multiples of %llu bytes expected)",
                    model_name, body_size, name, dtype_name(datatype),
                    (unsigned long long)unit);
    if (variable >= 0) shape[offset + (size_t)variable] = (int64_t)(body_size / unit);
    in->data = body;
    in->byte_size = body_size;
  }
  r->inputs = in;
  r->input_count = 1;
  r->binary_data_output = true;
  return NULL;
}
