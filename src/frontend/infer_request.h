/*
 * infer_request.h — a KServe v2 inference request, parsed and checked, independent of
 * the core API.
 *
 * Why: parsing JSON and the binary tensor extension (spec §4.2, §4.4) is where bad input
 * arrives, so it is a pure module with exhaustive unit tests and a fuzz target. The HTTP
 * handler turns the result into a TRITONSERVER_InferenceRequest (infer_handler.c).
 *
 * Ownership: everything reachable from an infer_request lives in its arena, except
 * binary tensor data, which points into the HTTP body the caller keeps alive (zero copy).
 */
#ifndef TORCHD_FRONTEND_INFER_REQUEST_H
#define TORCHD_FRONTEND_INFER_REQUEST_H

#include "arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits applied while parsing (defaults in infer_request_limits_default). */
typedef struct infer_request_limits {
  int max_json_depth;          /* nesting depth of the JSON header (Triton: 100) */
  uint64_t max_tensor_bytes;   /* largest decoded/declared tensor (the body limit) */
  size_t fast_data_min_bytes;  /* numeric 'data' arrays this long skip the JSON DOM */
} infer_request_limits;

typedef enum { INPUT_FROM_JSON, INPUT_FROM_BINARY, INPUT_FROM_SHM } input_source;

typedef struct infer_input {
  const char *name;
  int datatype;          /* dtype.h / TRITONSERVER_DataType numbering */
  int64_t *shape;
  size_t dim_count;
  input_source source;
  const void *data;      /* JSON: decoded in the arena; BINARY: inside the body; SHM: NULL */
  uint64_t byte_size;    /* bytes at `data` (SHM: shared_memory_byte_size) */
  const char *shm_region; /* SHM only */
  uint64_t shm_offset;
} infer_input;

typedef struct infer_output {
  const char *name;
  int binary_data;        /* -1 unset, 0 JSON, 1 binary */
  uint64_t classification; /* 0 = none, else top-k */
  const char *shm_region; /* NULL unless the output goes to shared memory */
  uint64_t shm_offset;
  uint64_t shm_byte_size;
} infer_output;

typedef enum { PARAM_STRING, PARAM_INT, PARAM_BOOL, PARAM_DOUBLE } param_type;

/* A request parameter passed through to the backend (reserved names are not here). */
typedef struct infer_parameter {
  const char *key;
  param_type type;
  const char *string_value;
  int64_t int_value;
  bool bool_value;
  double double_value;
} infer_parameter;

typedef struct infer_request {
  arena arena;
  const char *id;              /* "" when absent */
  bool has_sequence_id;
  bool sequence_id_is_string;
  uint64_t sequence_id;
  const char *sequence_id_string;
  bool sequence_start, sequence_end;
  uint64_t priority;           /* 0 = default */
  uint64_t timeout_us;         /* 0 = none */
  bool binary_data_output;     /* default format for outputs without binary_data */
  infer_input *inputs;
  size_t input_count;
  infer_output *outputs;       /* empty = all model outputs */
  size_t output_count;
  infer_parameter *parameters;
  size_t parameter_count;
  bool raw_binary;             /* header length 0: body is one raw input (see below) */
} infer_request;

void infer_request_limits_default(infer_request_limits *limits);

/*
 * Parse a request body. `header_length` is the Inference-Header-Content-Length value, or
 * -1 when the header is absent (the whole body is JSON). With header_length 0 the body
 * is a raw single input: `out->raw_binary` is set and the caller completes the request
 * with infer_request_set_raw_input() once it knows the model's only input.
 *
 * `model_name` is used in messages only. Returns NULL on success, or a message (malloc'd,
 * owned by the caller) naming what was expected and what came; every such error is an
 * INVALID_ARG (HTTP 400). `body` must outlive `out` (binary inputs point into it).
 * On success or failure, release `out` with infer_request_free.
 */
char *infer_request_parse(const char *model_name, const char *body, size_t body_size,
                          int64_t header_length, const infer_request_limits *limits,
                          infer_request *out);

/*
 * Complete a raw-binary request (header length 0): the whole body becomes input `name`
 * of `datatype` with the model's `dims` (`dim_count` entries, -1 = variable; at most one
 * variable dim, deduced from the byte size). With `batching` a batch dimension of 1 is
 * prepended. A BYTES input must have dims [1]; the body is the one element's bytes and
 * the 4-byte length prefix is added here. Returns NULL or a malloc'd message.
 */
char *infer_request_set_raw_input(infer_request *request, const char *model_name,
                                  const char *name, int datatype, const int64_t *dims,
                                  size_t dim_count, bool batching, const char *body,
                                  size_t body_size);

/* Free the arena; `request` is zeroed. Safe on a zeroed or partially parsed request. */
void infer_request_free(infer_request *request);

/* Element count of a shape; false on a negative dim or uint64 overflow. */
bool infer_shape_element_count(const int64_t *shape, size_t dim_count, uint64_t *count);

/*
 * Check a BYTES tensor buffer: `byte_size` bytes of 4-byte little-endian length + data
 * elements must hold exactly `expected_elements` elements, with nothing left over.
 * Returns NULL or a malloc'd message naming input `name`.
 */
char *infer_check_bytes_buffer(const char *name, const void *data, uint64_t byte_size,
                               uint64_t expected_elements);

#endif
