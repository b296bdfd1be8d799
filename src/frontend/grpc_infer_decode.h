/*
 * grpc_infer_decode.h — a gRPC ModelInferRequest (protobuf-c, already unpacked) as the
 * protocol-neutral infer_request the HTTP parser also produces (infer_request.h), so both
 * frontends build the core request the same way (infer_core.c).
 *
 * Why pure: this is where untrusted bytes become tensors; it has no server dependency,
 * so the unit tests and fuzz_grpc_infer drive it alone.
 */
#ifndef TORCHD_FRONTEND_GRPC_INFER_DECODE_H
#define TORCHD_FRONTEND_GRPC_INFER_DECODE_H

#include "grpc_service.pb-c.h"
#include "infer_request.h"

#include <stdbool.h>

typedef struct grpc_infer_extras {
  int64_t version;             /* model_version parsed; -1 when empty */
  bool empty_final_response;   /* triton_enable_empty_final_response: true */
} grpc_infer_extras;

/*
 * Fill `out` (zeroed) from `m`. Raw inputs point into `m` (zero copy: `m` must outlive
 * `out`); typed `contents` are converted into `out`'s arena in the raw layout (BYTES as
 * 4-byte little-endian length + bytes). Returns NULL, or a malloc'd message (an
 * INVALID_ARG) naming what was wrong. Release `out` with infer_request_free either way.
 */
char *grpc_infer_decode(const Inference__ModelInferRequest *m, infer_request *out,
                        grpc_infer_extras *extras);

#endif
