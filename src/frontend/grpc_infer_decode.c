/*
 * grpc_infer_decode.c — ModelInferRequest → infer_request (see grpc_infer_decode.h).
 * Rules follow Triton's gRPC frontend (spec §5): raw_input_contents and typed contents
 * exclude each other; FP16/BF16 only raw; shared-memory and classification parameters
 * as over HTTP; request parameters sequence_id/start/end, priority, timeout are reserved;
 * other keys starting with "triton_" are refused.
 */
#include "grpc_infer_decode.h"

#include "dtype.h"
#include "errfmt.h"

#include <stdlib.h>
#include <string.h>

static char *copy(arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

/* Convert an InferParameter into a pass-through parameter; false when it has no value. */
static bool to_parameter(arena *a, const char *key, const Inference__InferParameter *v,
                         infer_parameter *p) {
  p->key = copy(a, key);
  switch (v->parameter_choice_case) {
  case INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_BOOL_PARAM:
    p->type = PARAM_BOOL;
    p->bool_value = v->bool_param;
    return true;
  case INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_INT64_PARAM:
    p->type = PARAM_INT;
    p->int_value = v->int64_param;
    return true;
  case INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_UINT64_PARAM:
    p->type = PARAM_INT;
    p->int_value = (int64_t)v->uint64_param;
    return true;
  case INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_STRING_PARAM:
    p->type = PARAM_STRING;
    p->string_value = copy(a, v->string_param);
    return true;
  case INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_DOUBLE_PARAM:
    p->type = PARAM_DOUBLE;
    p->double_value = v->double_param;
    return true;
  default:
    return false;
  }
}

static bool param_u64(const Inference__InferParameter *v, uint64_t *out) {
  if (v->parameter_choice_case == INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_INT64_PARAM &&
      v->int64_param >= 0) {
    *out = (uint64_t)v->int64_param;
    return true;
  }
  if (v->parameter_choice_case == INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_UINT64_PARAM) {
    *out = v->uint64_param;
    return true;
  }
  return false;
}

static bool param_bool(const Inference__InferParameter *v, bool *out) {
  if (v->parameter_choice_case != INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_BOOL_PARAM)
    return false;
  *out = v->bool_param;
  return true;
}

static char *request_parameters(const Inference__ModelInferRequest *m, infer_request *out,
                                grpc_infer_extras *extras) {
  arena *a = &out->arena;
  out->parameters = arena_alloc(a, (m->n_parameters ? m->n_parameters : 1) * sizeof(infer_parameter));
  if (out->parameters == NULL) return errfmt("out of memory");
  for (size_t i = 0; i < m->n_parameters; ++i) {
    const char *key = m->parameters[i]->key;
    const Inference__InferParameter *v = m->parameters[i]->value;
    if (v == NULL) continue;
    if (strcmp(key, "sequence_id") == 0) {
      out->has_sequence_id = true;
      if (v->parameter_choice_case == INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_STRING_PARAM) {
        out->sequence_id_is_string = true;
        out->sequence_id_string = copy(a, v->string_param);
        out->has_sequence_id = v->string_param[0] != '\0';
      } else if (!param_u64(v, &out->sequence_id)) {
        return errfmt("invalid value type for 'sequence_id' parameter, expected "
                      "int64_param, uint64_param or string_param.");
      } else {
        out->has_sequence_id = out->sequence_id != 0;
      }
    } else if (strcmp(key, "sequence_start") == 0 || strcmp(key, "sequence_end") == 0) {
      bool *flag = key[9] == 's' ? &out->sequence_start : &out->sequence_end;
      if (!param_bool(v, flag))
        return errfmt("invalid value type for '%s' parameter, expected bool_param.", key);
    } else if (strcmp(key, "priority") == 0) {
      if (!param_u64(v, &out->priority))
        return errfmt("invalid value type for 'priority' parameter, expected int64_param or "
                      "uint64_param.");
    } else if (strcmp(key, "timeout") == 0) {
      if (!param_u64(v, &out->timeout_us))
        return errfmt("invalid value type for 'timeout' parameter, expected int64_param or "
                      "uint64_param.");
    } else if (strcmp(key, "triton_enable_empty_final_response") == 0) {
      bool on = false;
      if (!param_bool(v, &on))
        return errfmt("invalid value type for 'triton_enable_empty_final_response' "
                      "parameter, expected bool_param.");
      extras->empty_final_response = on;
    } else if (strncmp(key, "triton_", 7) == 0) {
      return errfmt("parameter keys starting with 'triton_' are reserved for Triton usage "
                    "and should not be specified.");
    } else if (strcmp(key, "binary_data_output") == 0 || strcmp(key, "headers") == 0) {
      continue; /* HTTP's; meaningless over gRPC */
    } else if (to_parameter(a, key, v, &out->parameters[out->parameter_count])) {
      ++out->parameter_count;
    }
  }
  return NULL;
}

/* Shared-memory parameters of a tensor: region, offset, byte size. Returns NULL or a
 * message; *region stays NULL when the tensor names none. */
static char *shm_parameters(arena *a, Inference__ModelInferRequest__InferInputTensor__ParametersEntry **params,
                            size_t n, const char *tensor, const char **region,
                            uint64_t *offset, uint64_t *byte_size, bool *has_size) {
  *region = NULL;
  *offset = 0;
  *byte_size = 0;
  *has_size = false;
  for (size_t i = 0; i < n; ++i) {
    const char *key = params[i]->key;
    const Inference__InferParameter *v = params[i]->value;
    if (v == NULL) continue;
    if (strcmp(key, "shared_memory_region") == 0) {
      if (v->parameter_choice_case != INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_STRING_PARAM)
        return errfmt("invalid value type for 'shared_memory_region' parameter of tensor "
                      "'%s', expected string_param.", tensor);
      *region = copy(a, v->string_param);
    } else if (strcmp(key, "shared_memory_offset") == 0) {
      if (!param_u64(v, offset))
        return errfmt("invalid value type for 'shared_memory_offset' parameter of tensor "
                      "'%s', expected int64_param.", tensor);
    } else if (strcmp(key, "shared_memory_byte_size") == 0) {
      if (!param_u64(v, byte_size))
        return errfmt("invalid value type for 'shared_memory_byte_size' parameter of tensor "
                      "'%s', expected int64_param.", tensor);
      *has_size = true;
    }
  }
  if (*region != NULL && !*has_size)
    return errfmt("'shared_memory_byte_size' parameter must be specified with "
                  "'shared_memory_region' for tensor '%s'", tensor);
  return NULL;
}

static void put_le(unsigned char *dst, uint64_t bits, size_t size) {
  for (size_t i = 0; i < size; ++i) dst[i] = (unsigned char)(bits >> (8 * i));
}

/* Typed contents → raw bytes in the arena. */
static char *convert_contents(arena *a, const char *model, infer_input *in,
                              const Inference__InferTensorContents *c) {
  uint64_t elements = 0;
  if (!infer_shape_element_count(in->shape, in->dim_count, &elements))
    return errfmt("unexpected shape for input '%s' for model '%s'", in->name, model);
  size_t have = 0;
  const char *field = "";
  int dtype = in->datatype;
  switch (dtype) {
  case DTYPE_BOOL: have = c->n_bool_contents; field = "bool_contents"; break;
  case DTYPE_UINT8: case DTYPE_UINT16: case DTYPE_UINT32:
    have = c->n_uint_contents; field = "uint_contents"; break;
  case DTYPE_UINT64: have = c->n_uint64_contents; field = "uint64_contents"; break;
  case DTYPE_INT8: case DTYPE_INT16: case DTYPE_INT32:
    have = c->n_int_contents; field = "int_contents"; break;
  case DTYPE_INT64: have = c->n_int64_contents; field = "int64_contents"; break;
  case DTYPE_FP32: have = c->n_fp32_contents; field = "fp32_contents"; break;
  case DTYPE_FP64: have = c->n_fp64_contents; field = "fp64_contents"; break;
  case DTYPE_BYTES: have = c->n_bytes_contents; field = "bytes_contents"; break;
  default:
    return errfmt("unsupported datatype %s for input '%s' for model '%s': send it in "
                  "raw_input_contents", dtype_name(dtype), in->name, model);
  }
  if (have != elements)
    return errfmt("unexpected number of elements in %s for input '%s' for model '%s', "
                  "expecting %llu, got %zu",
                  field, in->name, model, (unsigned long long)elements, have);
  size_t size = dtype_size(dtype);
  uint64_t total = 0;
  if (dtype == DTYPE_BYTES) {
    for (size_t i = 0; i < have; ++i) total += 4 + c->bytes_contents[i].len;
  } else {
    total = (uint64_t)have * size;
  }
  unsigned char *data = arena_alloc(a, total ? total : 1);
  if (data == NULL) return errfmt("out of memory");
  unsigned char *at = data;
  for (size_t i = 0; i < have; ++i) {
    switch (dtype) {
    case DTYPE_BOOL: *at = c->bool_contents[i] ? 1 : 0; break;
    case DTYPE_UINT8: case DTYPE_UINT16: case DTYPE_UINT32:
      put_le(at, c->uint_contents[i], size); break;
    case DTYPE_UINT64: put_le(at, c->uint64_contents[i], 8); break;
    case DTYPE_INT8: case DTYPE_INT16: case DTYPE_INT32:
      put_le(at, (uint64_t)(int64_t)c->int_contents[i], size); break;
    case DTYPE_INT64: put_le(at, (uint64_t)c->int64_contents[i], 8); break;
    case DTYPE_FP32: memcpy(at, &c->fp32_contents[i], 4); break;
    case DTYPE_FP64: memcpy(at, &c->fp64_contents[i], 8); break;
    case DTYPE_BYTES:
      put_le(at, c->bytes_contents[i].len, 4);
      if (c->bytes_contents[i].len) memcpy(at + 4, c->bytes_contents[i].data, c->bytes_contents[i].len);
      at += 4 + c->bytes_contents[i].len;
      continue;
    }
    at += size;
  }
  in->data = data;
  in->byte_size = total;
  return NULL;
}

static bool contents_empty(const Inference__InferTensorContents *c) {
  return c == NULL ||
         (c->n_bool_contents | c->n_int_contents | c->n_int64_contents | c->n_uint_contents |
          c->n_uint64_contents | c->n_fp32_contents | c->n_fp64_contents |
          c->n_bytes_contents) == 0;
}

static char *decode_inputs(const Inference__ModelInferRequest *m, infer_request *out) {
  arena *a = &out->arena;
  const char *model = m->model_name;
  out->inputs = arena_alloc(a, (m->n_inputs ? m->n_inputs : 1) * sizeof(infer_input));
  if (out->inputs == NULL) return errfmt("out of memory");
  size_t raw_index = 0;
  for (size_t i = 0; i < m->n_inputs; ++i) {
    const Inference__ModelInferRequest__InferInputTensor *t = m->inputs[i];
    infer_input *in = &out->inputs[i];
    in->name = copy(a, t->name);
    in->datatype = dtype_from_name(t->datatype);
    if (in->datatype == DTYPE_INVALID)
      return errfmt("invalid datatype '%s' for input '%s' for model '%s'", t->datatype,
                    t->name, model);
    in->dim_count = t->n_shape;
    in->shape = arena_alloc(a, (t->n_shape ? t->n_shape : 1) * sizeof(int64_t));
    if (in->shape == NULL) return errfmt("out of memory");
    if (t->n_shape) memcpy(in->shape, t->shape, t->n_shape * sizeof(int64_t));
    for (size_t d = 0; d < t->n_shape; ++d)
      if (t->shape[d] < 0) {
        char text[128];
        return errfmt("unexpected shape for input '%s' for model '%s'. Got %s", t->name, model,
                      errfmt_shape(t->shape, t->n_shape, text, sizeof(text)));
      }
    bool has_size = false;
    const char *region = NULL;
    char *message = shm_parameters(a, t->parameters, t->n_parameters, t->name, &region,
                                   &in->shm_offset, &in->byte_size, &has_size);
    if (message != NULL) return message;
    if (region != NULL) {
      in->source = INPUT_FROM_SHM;
      in->shm_region = region;
      continue;
    }
    if (m->n_raw_input_contents > 0) {
      if (!contents_empty(t->contents))
        return errfmt("contents field must not be specified when using raw_input_contents "
                      "for '%s' for model '%s'", t->name, model);
      if (raw_index >= m->n_raw_input_contents)
        return errfmt("expected %zu inputs in raw_input_contents but got %zu for model '%s'",
                      raw_index + 1, m->n_raw_input_contents, model);
      in->source = INPUT_FROM_BINARY;
      in->data = m->raw_input_contents[raw_index].data;
      in->byte_size = m->raw_input_contents[raw_index].len;
      ++raw_index;
      if (in->datatype == DTYPE_BYTES) {
        uint64_t elements = 0;
        if (infer_shape_element_count(in->shape, in->dim_count, &elements)) {
          message = infer_check_bytes_buffer(in->name, in->data, in->byte_size, elements);
          if (message != NULL) return message;
        }
      }
      continue;
    }
    in->source = INPUT_FROM_JSON; /* converted from typed contents */
    static const Inference__InferTensorContents empty = INFERENCE__INFER_TENSOR_CONTENTS__INIT;
    message = convert_contents(a, model, in, t->contents ? t->contents : &empty);
    if (message != NULL) return message;
  }
  out->input_count = m->n_inputs;
  if (m->n_raw_input_contents > 0 && raw_index != m->n_raw_input_contents)
    return errfmt("expected %zu inputs in raw_input_contents but got %zu for model '%s'",
                  raw_index, m->n_raw_input_contents, model);
  return NULL;
}

static char *decode_outputs(const Inference__ModelInferRequest *m, infer_request *out) {
  arena *a = &out->arena;
  out->outputs = arena_alloc(a, (m->n_outputs ? m->n_outputs : 1) * sizeof(infer_output));
  if (out->outputs == NULL) return errfmt("out of memory");
  for (size_t i = 0; i < m->n_outputs; ++i) {
    const Inference__ModelInferRequest__InferRequestedOutputTensor *t = m->outputs[i];
    infer_output *o = &out->outputs[i];
    o->name = copy(a, t->name);
    o->binary_data = 1;
    bool has_size = false;
    char *message = shm_parameters(
        a, (Inference__ModelInferRequest__InferInputTensor__ParametersEntry **)t->parameters,
        t->n_parameters, t->name, &o->shm_region, &o->shm_offset, &o->shm_byte_size,
        &has_size);
    if (message != NULL) return message;
    for (size_t k = 0; k < t->n_parameters; ++k) {
      if (strcmp(t->parameters[k]->key, "classification") != 0 || t->parameters[k]->value == NULL)
        continue;
      if (!param_u64(t->parameters[k]->value, &o->classification))
        return errfmt("invalid value type for 'classification' parameter of output '%s', "
                      "expected int64_param.", t->name);
      if (o->shm_region != NULL)
        return errfmt("output '%s' cannot use both shared memory and classification", t->name);
    }
  }
  out->output_count = m->n_outputs;
  return NULL;
}

char *grpc_infer_decode(const Inference__ModelInferRequest *m, infer_request *out,
                        grpc_infer_extras *extras) {
  arena_init(&out->arena);
  extras->version = -1;
  extras->empty_final_response = false;
  out->binary_data_output = true;
  if (m->model_version != NULL && m->model_version[0] != '\0') {
    char *end = NULL;
    long long v = strtoll(m->model_version, &end, 10);
    if (*end != '\0' || v < 0)
      return errfmt("failed to parse model version '%s' for model '%s'", m->model_version,
                    m->model_name);
    extras->version = v;
  }
  out->id = copy(&out->arena, m->id ? m->id : "");
  if (out->id == NULL) return errfmt("out of memory");
  char *message = request_parameters(m, out, extras);
  if (message == NULL) message = decode_inputs(m, out);
  if (message == NULL) message = decode_outputs(m, out);
  return message;
}
