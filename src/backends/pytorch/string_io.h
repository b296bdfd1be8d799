/*
 * string_io.h: BYTES tensors <-> lists of strings.
 *
 * Why it exists: TorchScript takes and returns strings as List[str], while Triton carries
 * BYTES tensors as length-prefixed elements (4-byte little-endian length, then the bytes, no
 * terminator). Parsing checks every length against the bytes that are really there, with
 * the exact messages of Triton's backend_common; serializing works on a slice so that each
 * request of a batch gets only its own strings (Triton sent every request the first ones).
 */
#ifndef TORCHD_PYTORCH_STRING_IO_H
#define TORCHD_PYTORCH_STRING_IO_H

#include <stddef.h>
#include <stdint.h>

#include "pt_error.h"

/* Parses `size` bytes at `buffer` (borrowed) holding `expected` strings of input
 * `input_name`. Writes up to `expected` (pointer, length) pairs into `strings`/`lengths`
 * (caller-provided arrays of `expected` entries); the pointers point into `buffer`. On an
 * error, entries not parsed are set to the empty string, so the caller can keep later
 * requests at their positions, and *parsed_out says how many were parsed. */
pt_error *pt_strings_parse(const char *input_name, const void *buffer, size_t size,
                           size_t expected, const char **strings, size_t *lengths,
                           size_t *parsed_out);

/* Bytes needed to serialize strings[first .. first+count). */
size_t pt_strings_serialized_size(const size_t *lengths, size_t first, size_t count);

/* Writes strings[first .. first+count) length-prefixed into `out`, which must hold
 * pt_strings_serialized_size(...) bytes. */
void pt_strings_serialize(const char *const *strings, const size_t *lengths, size_t first,
                          size_t count, void *out);

#endif
