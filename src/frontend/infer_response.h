/*
 * infer_response.h — write a KServe v2 inference response (spec §4.3, §4.4) from a
 * neutral description of its outputs, and compute classification results.
 *
 * Why pure: the JSON encoder for tensor data is the hot path and the place where dtype
 * mistakes hide, so it is unit tested without a server. infer_handler.c collects the
 * outputs from a TRITONSERVER_InferenceResponse and sends the result.
 */
#ifndef TORCHD_FRONTEND_INFER_RESPONSE_H
#define TORCHD_FRONTEND_INFER_RESPONSE_H

#include "infer_request.h"
#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { OUTPUT_AS_JSON, OUTPUT_AS_BINARY, OUTPUT_IN_SHM } output_mode;

typedef struct response_output {
  const char *name;
  int datatype;            /* dtype.h numbering */
  const int64_t *shape;
  size_t dim_count;
  const void *data;        /* not owned */
  size_t byte_size;
  output_mode mode;        /* OUTPUT_IN_SHM: the response names the output only */
} response_output;

typedef struct response_header {
  const char *id;          /* "" or NULL: omitted */
  const char *model_name;
  int64_t model_version;
  const infer_parameter *parameters; /* response parameters set by the backend */
  size_t parameter_count;
} response_header;

/*
 * Append the response JSON to `out`. Binary outputs get parameters.binary_data_size and
 * their bytes are NOT written (the caller appends them after the JSON, in output order).
 * Returns NULL, or a malloc'd message for an output that cannot be JSON (FP16/BF16,
 * a byte size that does not match the shape, malformed BYTES).
 */
char *infer_response_write_json(const response_header *header, const response_output *outs,
                                size_t count, strbuf *out);

/* Label lookup for classification: label of class `index` or NULL. */
typedef const char *(*classification_label_fn)(void *context, size_t index);

/*
 * Top-k classification of one output (spec §4.3): per batch row (the first dim when
 * `batching`), the k largest values as strings "<value>:<index>[:<label>]", sorted by
 * value descending (ties: lower index first). Writes a BYTES buffer (4-byte length
 * prefixes) into `out_bytes` (allocated in `a`) and the result shape ([batch, k'] or
 * [k']) into `out_shape` (allocated in `a`). Returns NULL or a malloc'd message
 * (non-numeric dtype, bad byte size).
 */
char *infer_classify(arena *a, int datatype, const void *data, size_t byte_size,
                     const int64_t *shape, size_t dim_count, bool batching, uint64_t k,
                     classification_label_fn label, void *label_context, void **out_bytes,
                     size_t *out_size, int64_t **out_shape, size_t *out_dims);

#endif
