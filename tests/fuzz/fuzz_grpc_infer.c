/*
 * fuzz_grpc_infer.c — libFuzzer target for the gRPC request decoding: protobuf bytes →
 * ModelInferRequest (protobuf-c's unpacker, generated from our grpc_service.proto) →
 * infer_request (grpc_infer_decode.c), exactly what ModelInfer and ModelStreamInfer do with
 * a message before building the core request. Every successful decode is walked to touch
 * all memory handed out (names, shapes, tensor bytes, parameters), so ASan sees any short
 * or dangling buffer. Seeds: tests/fuzz/corpus/grpc_infer/ (serialized requests of every
 * dtype, raw and typed, with parameters and shared-memory settings).
 */
#include "grpc_infer_decode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static volatile unsigned char sink;

static void touch(const void *data, uint64_t size) {
  const unsigned char *p = data;
  for (uint64_t i = 0; i < size; ++i) sink ^= p[i];
}

static void touch_string(const char *s) {
  if (s != NULL) touch(s, strlen(s) + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ProtobufCMessage *m =
      protobuf_c_message_unpack(&inference__model_infer_request__descriptor, NULL, size, data);
  if (m == NULL) return 0;
  infer_request parsed;
  memset(&parsed, 0, sizeof(parsed));
  grpc_infer_extras extras;
  char *error = grpc_infer_decode((const Inference__ModelInferRequest *)m, &parsed, &extras);
  if (error == NULL) {
    touch_string(parsed.id);
    for (size_t i = 0; i < parsed.input_count; ++i) {
      const infer_input *in = &parsed.inputs[i];
      touch_string(in->name);
      touch(in->shape, in->dim_count * sizeof(int64_t));
      if (in->source != INPUT_FROM_SHM && in->data != NULL) touch(in->data, in->byte_size);
      touch_string(in->shm_region);
    }
    for (size_t i = 0; i < parsed.output_count; ++i) {
      touch_string(parsed.outputs[i].name);
      touch_string(parsed.outputs[i].shm_region);
    }
    for (size_t i = 0; i < parsed.parameter_count; ++i) {
      touch_string(parsed.parameters[i].key);
      if (parsed.parameters[i].type == PARAM_STRING)
        touch_string(parsed.parameters[i].string_value);
    }
    if (parsed.has_sequence_id && parsed.sequence_id_is_string)
      touch_string(parsed.sequence_id_string);
  } else {
    touch_string(error);
    free(error);
  }
  infer_request_free(&parsed);
  protobuf_c_message_free_unpacked(m, NULL);
  return 0;
}
