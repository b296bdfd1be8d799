/*
 * base64.h — strict standard base64 (RFC 4648) decoding, for the JSON fields of Triton's
 * extensions that carry bytes: `file:` load parameters and CUDA IPC handles.
 */
#ifndef TORCHD_FRONTEND_BASE64_H
#define TORCHD_FRONTEND_BASE64_H

#include <stddef.h>

/* Decodes `len` characters of `text` (padding optional, nothing but '=' after the first
 * '='). Returns a malloc'd buffer the caller frees, with *size the decoded length, or NULL
 * on bad input or out of memory. */
unsigned char *base64_decode(const char *text, size_t len, size_t *size);

#endif
