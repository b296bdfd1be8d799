/*
 * fuzz_infer_json.c — libFuzzer target for the KServe v2 request parser
 * (infer_request_parse.c): JSON header, binary tensor extension, raw bodies.
 *
 * Input layout: byte 0 picks the framing (header length absent / given / 0 = raw) and,
 * with bit 3, the fast numeric 'data' decoder (json_fast_data.c); the
 * rest is the HTTP body. With a header length, the first two body bytes (little endian)
 * give it, clamped to the body. Every successful parse is walked to touch all memory the
 * parser handed out, so ASan sees any dangling or short buffer.
 */
#include "dtype.h"
#include "infer_request.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static volatile unsigned char sink;

static void touch(const void *data, uint64_t size) {
  const unsigned char *p = data;
  for (uint64_t i = 0; i < size; ++i) sink ^= p[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  int mode = data[0] % 3;
  const char *body = (const char *)data + 1;
  size_t body_size = size - 1;
  int64_t header_length = -1;
  if (mode == 1 && body_size >= 2) {
    header_length = (int64_t)(data[1] | data[2] << 8);
    body += 2;
    body_size -= 2;
    if ((size_t)header_length > body_size) header_length = (int64_t)body_size;
  } else if (mode == 2) {
    header_length = 0;
  }
  /* The parser may keep pointers into the body: give it its own copy, as the server does. */
  char *copy = malloc(body_size ? body_size : 1);
  if (copy == NULL) return 0;
  if (body_size) memcpy(copy, body, body_size);
  infer_request_limits limits;
  infer_request_limits_default(&limits);
  limits.max_tensor_bytes = 1 << 20;
  /* Bit 3 of the first byte sends every numeric 'data' array through the fast decoder. */
  limits.fast_data_min_bytes = (data[0] & 8) ? 1 : SIZE_MAX;
  infer_request request;
  char *error = infer_request_parse("fuzz", copy, body_size, header_length, &limits, &request);
  if (error == NULL && request.raw_binary) {
    int64_t dims[] = {-1};
    error = infer_request_set_raw_input(&request, "fuzz", "INPUT0",
                                        body_size % 2 ? DTYPE_BYTES : DTYPE_UINT8, dims, 1,
                                        body_size % 3 == 0, copy, body_size);
  }
  if (error == NULL) {
    for (size_t i = 0; i < request.input_count; ++i) {
      const infer_input *in = &request.inputs[i];
      touch(in->name, strlen(in->name));
      touch(in->shape, in->dim_count * sizeof(int64_t));
      if (in->source != INPUT_FROM_SHM) touch(in->data, in->byte_size);
    }
    for (size_t i = 0; i < request.output_count; ++i)
      touch(request.outputs[i].name, strlen(request.outputs[i].name));
    for (size_t i = 0; i < request.parameter_count; ++i)
      touch(request.parameters[i].key, strlen(request.parameters[i].key));
  }
  free(error);
  infer_request_free(&request);
  free(copy);
  return 0;
}
