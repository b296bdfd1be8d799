/*
 * fuzz_http_route.c — libFuzzer target for the URL router (router.c): any method and
 * path must route without crashing, and a routed model/region/repository name must
 * never be able to escape the model repository.
 *
 * Input layout: byte 0 picks the method; the rest (up to the first NUL) is the path.
 */
#include "router.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_name(const char *name) {
  if (name[0] == '\0') return;
  if (strchr(name, '/') != NULL || strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
    abort(); /* a name that could escape the repository got through */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const char *const methods[] = {"GET", "POST", "HEAD", "PUT", "DELETE"};
  const char *method = methods[data[0] % 5];
  char *path = malloc(size);
  if (path == NULL) return 0;
  memcpy(path, data + 1, size - 1);
  path[size - 1] = '\0';
  route r;
  router_route(method, path, &r);
  if (r.http_status == 0) {
    check_name(r.model);
    check_name(r.region);
    check_name(r.repository);
    if (r.kind == 0) abort(); /* routed without an endpoint */
  } else if (r.error == NULL) {
    abort(); /* every failure carries a message */
  }
  free(path);
  return 0;
}
