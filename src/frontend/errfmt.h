/*
 * errfmt.h — small helpers for building the frontend's error messages.
 * Why: every parser and handler reports "what was expected and what came"; these keep
 * that formatting (printf into a new string, shapes as "[2,3]") in one place.
 */
#ifndef TORCHD_FRONTEND_ERRFMT_H
#define TORCHD_FRONTEND_ERRFMT_H

#include <stddef.h>
#include <stdint.h>

/* printf into a new string (malloc'd, owned by the caller). Never NULL: on allocation
 * failure a static-free fallback copy of "out of memory" is returned (still malloc'd
 * when possible; otherwise NULL, which callers treat as out of memory). */
char *errfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write `shape` as "[2,3]" into `out` (capacity `cap`, truncated with "...]").
 * Returns `out`. */
char *errfmt_shape(const int64_t *shape, size_t dim_count, char *out, size_t cap);

#endif
