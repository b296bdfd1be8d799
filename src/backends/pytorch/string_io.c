/*
 * string_io.c: length-prefixed BYTES parsing and serializing (see string_io.h). Not named
 * strings.c/.h so it can never shadow the C library's <strings.h>.
 */
#include "string_io.h"

#include <string.h>

static uint32_t read_le32(const unsigned char *bytes) {
  return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
         (uint32_t)bytes[3] << 24;
}

pt_error *pt_strings_parse(const char *input_name, const void *buffer, size_t size,
                           size_t expected, const char **strings, size_t *lengths,
                           size_t *parsed_out) {
  const unsigned char *cursor = buffer;
  size_t remaining = buffer == NULL ? 0 : size;
  size_t parsed = 0;
  pt_error *error = NULL;
  /* Like backend_common: trailing bytes shorter than a length prefix are ignored. */
  while (remaining >= sizeof(uint32_t)) {
    if (parsed >= expected) {
      error = pt_error_new(PT_ERR_INVALID_ARG,
                           "unexpected number of string elements %zu for inference input "
                           "'%s', expecting %zu",
                           parsed + 1, input_name, expected);
      break;
    }
    uint32_t length = read_le32(cursor);
    cursor += sizeof(uint32_t);
    remaining -= sizeof(uint32_t);
    if (remaining < length) {
      error = pt_error_new(PT_ERR_INVALID_ARG,
                           "incomplete string data for inference input '%s', expecting "
                           "string of length %u but only %zu bytes available",
                           input_name, length, remaining);
      break;
    }
    strings[parsed] = (const char *)cursor;
    lengths[parsed] = length;
    ++parsed;
    cursor += length;
    remaining -= length;
  }
  for (size_t i = parsed; i < expected; ++i) {
    strings[i] = "";
    lengths[i] = 0;
  }
  if (error == NULL && parsed != expected)
    error = pt_error_new(PT_ERR_INTERNAL, "expected %zu strings for inference input '%s', got %zu",
                         expected, input_name, parsed);
  *parsed_out = parsed;
  return error;
}

size_t pt_strings_serialized_size(const size_t *lengths, size_t first, size_t count) {
  size_t total = 0;
  for (size_t i = first; i < first + count; ++i) total += sizeof(uint32_t) + lengths[i];
  return total;
}

void pt_strings_serialize(const char *const *strings, const size_t *lengths, size_t first,
                          size_t count, void *out) {
  unsigned char *cursor = out;
  for (size_t i = first; i < first + count; ++i) {
    uint32_t length = (uint32_t)lengths[i];
    cursor[0] = (unsigned char)(length & 0xff);
    cursor[1] = (unsigned char)(length >> 8 & 0xff);
    cursor[2] = (unsigned char)(length >> 16 & 0xff);
    cursor[3] = (unsigned char)(length >> 24 & 0xff);
    cursor += sizeof(uint32_t);
    if (length > 0) memcpy(cursor, strings[i], length);
    cursor += length;
  }
}
