/*
 * json_fast_data.h — a dedicated decoder for large numeric "data" arrays of KServe v2
 * JSON requests.
 *
 * Why: a DOM parser allocates one object per number; for a 1M-element tensor that is
 * most of the request's cost (DEPENDENCIES.md measured 350 ms against 150 ms for a
 * tokenizer + strtof). Before json-c sees the header, fastdata_plan cuts every large
 * all-numeric "data" array out of it and puts a small marker object in its place; the
 * request parser then decodes each cut array straight into the tensor buffer with
 * fastdata_decode. Arrays holding strings (BYTES) or small arrays stay on json-c.
 */
#ifndef TORCHD_FRONTEND_JSON_FAST_DATA_H
#define TORCHD_FRONTEND_JSON_FAST_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The key of the marker object {"<key>": <span index>} that replaces a cut array. */
#define FASTDATA_MARKER_KEY "__torchd_fast_data__"

typedef struct fastdata_span {
  size_t start; /* offset of '[' in the original text */
  size_t end;   /* offset just past the matching ']' */
  bool used;    /* claimed by an input (each span decodes once) */
} fastdata_span;

typedef struct fastdata_plan {
  char *text;          /* the rewritten JSON (malloc'd); NULL when nothing was cut */
  size_t text_len;
  fastdata_span *spans; /* malloc'd, `count` entries */
  size_t count;
} fastdata_plan;

/*
 * Scan `json` (`len` bytes) for `"data": [ ... ]` arrays of at least `min_bytes` bytes
 * that hold only numbers, true/false, brackets, commas and whitespace. Fills `plan`;
 * when nothing qualifies, plan->text is NULL and the caller parses `json` itself.
 * Returns false only when memory runs out. Release with fastdata_plan_free.
 */
bool fastdata_plan_build(const char *json, size_t len, size_t min_bytes, fastdata_plan *plan);

void fastdata_plan_free(fastdata_plan *plan);

/*
 * Decode the array text [text, text+len) as `declared` elements of `datatype` (dtype.h),
 * flat or nested (row-major), into `out` (declared * element size bytes; NULL only
 * validates and counts, for the element-count message). Returns NULL,
 * or a malloc'd message like the DOM path's: element count mismatch (naming `shape_text`),
 * wrong JSON type, out-of-range integer, malformed array, nesting deeper than `max_depth`.
 */
char *fastdata_decode(const char *text, size_t len, int datatype, uint64_t declared,
                      int max_depth, void *out, const char *input, const char *model,
                      const char *shape_text);

#endif
