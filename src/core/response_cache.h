/* response_cache.h — Triton's response cache (its built-in 'local' cache): the server's
 * byte-bounded LRU store of inference results (lru_cache.h), the request key, and the two
 * places a request meets it.
 *
 *   1. TRITONSERVER_ServerInferAsync, after validation, for a model whose config has
 *      response_cache { enable: true } on a server started with a cache:
 *      response_cache_serve() hashes the request. On a hit it builds the response from
 *      the cached result (outputs copied into the frontend allocator's buffers), sends
 *      it and releases the request — the model never runs. On a miss it leaves a
 *      response_cache_pending in the request's response sink and the request is
 *      scheduled as usual.
 *   2. TRITONBACKEND_ResponseSend of that request's FINAL response:
 *      response_cache_store() stores the response, unless it carries an error or an
 *      output outside CPU memory.
 *
 * The key (BLAKE2b-256, digest.h) covers everything that can change the answer: the
 * model name, version and load (a reloaded model never sees its predecessor's results),
 * every input's name, datatype, shape and bytes (BYTES elements with their length
 * prefixes), and the request parameters in order. Triton hashes only names and bytes,
 * so in Triton two requests whose inputs differ only in shape or datatype collide.
 * Requested outputs are not in the key (as in Triton); instead an entry records which
 * outputs its request asked for, and serves a later request only if that request's
 * outputs are among them, with just the outputs it asked for (Triton returns the cached
 * response's outputs whatever the new request asked). Request id, priority, timeout
 * and correlation id are not in the key: they do not change a result.
 *
 * Statistics (triton-api.md §4.6, as Triton's core counts them): a hit counts a success
 * (request duration, a zero queue time, compute counts without time), cache_hit (lookup
 * and copy time) and neither inference_count nor execution_count; a miss counts
 * cache_miss (lookup time, plus the insertion time once the response is stored). */
#ifndef TORCHD_CORE_RESPONSE_CACHE_H
#define TORCHD_CORE_RESPONSE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "request.h"
#include "response.h"
#include "triton/core/tritonserver.h"

typedef struct response_cache response_cache;

/* What a request that missed carries in its response sink until its final response. */
typedef struct response_cache_pending {
  response_cache *cache;
  uint8_t key[DIGEST_SIZE];
  uint64_t owner;      /* the model load's id */
  char **asked;        /* the request's outputs (sorted); one allocation with the names */
  size_t asked_count;
} response_cache_pending;

/* Creates the server's cache from its options: TRITONSERVER_ServerOptionsSetCacheConfig
 * ("local", {"size": <bytes>}, the size a number or a string of digits) or the older
 * SetResponseCacheByteSize (n > 0 means local with n bytes; a later call replaces an
 * earlier one, as in Triton). *out is NULL when no cache is configured. A cache other
 * than 'local', several caches, a missing or zero size, or an unknown setting is an
 * INVALID_ARG error naming it. */
TRITONSERVER_Error *response_cache_new(const TRITONSERVER_ServerOptions *options,
                                       response_cache **out);
void response_cache_free(response_cache *cache);
uint64_t response_cache_capacity(const response_cache *cache);

/* The key of `req` (inputs and parameters as the frontend gave them) for the given model
 * load. False when it cannot be computed: an input buffer outside CPU memory (as in
 * Triton, such requests are neither looked up nor cached). */
bool response_cache_key(const TRITONSERVER_InferenceRequest *req, const char *model_name,
                        uint64_t model_version, uint64_t owner, uint8_t key[DIGEST_SIZE]);

/* Step 1 above, for an accepted request (req->model, req->sink and req->backend_outputs
 * set). Returns true when the request was answered from the cache and released (the
 * caller must not touch it again); false when it must be scheduled. */
bool response_cache_serve(response_cache *cache, TRITONSERVER_InferenceRequest *req);

/* Step 2 above: called with every response a backend sends, before it is delivered.
 * Does nothing unless `resp`'s request missed and `flags` has FINAL. */
void response_cache_store(TRITONSERVER_InferenceResponse *resp, uint32_t flags);

void response_cache_pending_free(response_cache_pending *pending);

/* Drops every result of a model load (its unload). */
void response_cache_purge(response_cache *cache, uint64_t owner);

/* ---- cached result encoding (exposed for unit tests) ---------------------------------
 * A result is one blob: the names of the outputs its request asked for, the response
 * parameters, and every output (name, datatype, client shape, bytes). */

/* Encodes `resp` (its outputs must be in CPU memory) asked with `asked`. False when it
 * cannot be cached (an output outside CPU memory) or on out of memory. *blob is
 * malloc'ed (caller owns). */
bool response_cache_encode(const TRITONSERVER_InferenceResponse *resp, char *const *asked,
                           size_t asked_count, void **blob, size_t *size);

/* True when every name in `needed` (sorted) is among the blob's asked outputs. */
bool response_cache_covers(const void *blob, size_t size, const char *const *needed,
                           size_t needed_count);

/* Fills the empty response `resp` from the blob: its parameters, and each output whose
 * name is in `needed`, in a buffer from the sink's allocator, as a backend would. On
 * error `resp` may hold part of the outputs (free it with response_free). */
TRITONSERVER_Error *response_cache_decode(const void *blob, size_t size,
                                          const char *const *needed, size_t needed_count,
                                          TRITONSERVER_InferenceResponse *resp);

#endif
