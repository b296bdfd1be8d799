/* test_shm_registry.c — system shared-memory regions: register a POSIX shm window,
 * resolve tensor ranges inside it (bounds), status JSON, duplicates, unregister; and CUDA
 * regions where no driver is present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shm_registry.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char key[64];

static int setup(void **state) {
  (void)state;
  snprintf(key, sizeof(key), "/torchd_unit_shm_%d", (int)getpid());
  int fd = shm_open(key, O_CREAT | O_RDWR, 0600);
  assert_true(fd >= 0);
  assert_int_equal(ftruncate(fd, 128), 0);
  close(fd);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  shm_unlink(key);
  return 0;
}

static void test_register_resolve_unregister(void **state) {
  (void)state;
  shm_registry r;
  shm_registry_init(&r);
  int status = 0;
  assert_null(shm_registry_register(&r, "win", key, 32, 64, &status));
  void *a = NULL, *b = NULL;
  assert_null(shm_registry_resolve(&r, "win", 0, 64, &a, &status));
  assert_null(shm_registry_resolve(&r, "win", 16, 8, &b, &status));
  assert_ptr_equal((char *)b, (char *)a + 16);
  memcpy(a, "hello", 5); /* the window is writable */
  /* Triton's GetMemoryInfo messages */
  char *err = shm_registry_resolve(&r, "win", 60, 8, &b, &status);
  assert_string_equal(err, "Invalid offset + byte size for shared memory region: 'win'");
  assert_int_equal(status, 400);
  free(err);
  err = shm_registry_resolve(&r, "win", 64, 0, &b, &status);
  assert_string_equal(err, "Invalid offset for shared memory region: 'win'");
  free(err);
  err = shm_registry_resolve(&r, "win", 8, UINT64_MAX, &b, &status);
  assert_non_null(strstr(err, "Integer overflow detected: byte_size ("));
  free(err);
  err = shm_registry_resolve(&r, "win", UINT64_MAX, 2, &b, &status);
  assert_non_null(err);
  free(err);
  err = shm_registry_resolve(&r, "nope", 0, 1, &b, &status);
  assert_string_equal(err, "Unable to find shared memory region: 'nope'");
  assert_int_equal(status, 404);
  free(err);

  err = shm_registry_register(&r, "win", key, 0, 8, &status);
  assert_non_null(strstr(err, "already in manager"));
  free(err);
  strbuf s;
  strbuf_init(&s);
  assert_null(shm_registry_status(&r, NULL, &s));
  char expected[160];
  snprintf(expected, sizeof(expected),
           "[{\"name\":\"win\",\"key\":\"%s\",\"offset\":32,\"byte_size\":64}]", key);
  assert_string_equal(s.data, expected);
  strbuf_free(&s);
  err = shm_registry_status(&r, "other", &s);
  assert_non_null(err);
  free(err);
  strbuf_free(&s);

  assert_null(shm_registry_unregister(&r, "win"));
  err = shm_registry_resolve(&r, "win", 0, 1, &b, &status);
  assert_non_null(err);
  free(err);
  shm_registry_destroy(&r);
}

static void test_bad_registrations(void **state) {
  (void)state;
  shm_registry r;
  shm_registry_init(&r);
  int status = 0;
  char *err = shm_registry_register(&r, "x", "/torchd_no_such_key", 0, 8, &status);
  assert_string_equal(err, "Unable to open shared memory region: '/torchd_no_such_key'");
  assert_int_equal(status, 500); /* INTERNAL, as Triton */
  free(err);
  err = shm_registry_register(&r, "x", key, 100, 64, &status); /* past the object's end */
  assert_string_equal(err, "failed to register shared memory region 'x': invalid args");
  assert_int_equal(status, 400);
  free(err);
  err = shm_registry_register(&r, "x", key, 0, 0, &status);
  assert_non_null(strstr(err, "byte_size must be greater than 0"));
  free(err);
  assert_null(shm_registry_register(&r, "a", key, 0, 8, &status));
  assert_null(shm_registry_register(&r, "b", key, 8, 8, &status));
  assert_null(shm_registry_unregister(&r, NULL)); /* all */
  strbuf s;
  strbuf_init(&s);
  assert_null(shm_registry_status(&r, "", &s));
  assert_string_equal(s.data, "[]");
  strbuf_free(&s);
  shm_registry_destroy(&r);
}

/* CUDA regions share the name space with system ones; where there is no NVIDIA driver
 * (CI) registering one fails with 500 and a clear message and leaves nothing behind;
 * status and unregister of one kind never touch the other. On the GPU machine the same
 * calls with a real handle run in tests/e2e/test_http_gpu.py. */
static void test_cuda_regions_without_a_driver(void **state) {
  (void)state;
  shm_registry r;
  shm_registry_init(&r);
  int status = 0;
  assert_null(shm_registry_register(&r, "sys", key, 0, 64, &status));
  unsigned char handle[64] = {0};
  char *err = shm_registry_register_cuda(&r, "sys", handle, 0, 64, &status);
  assert_int_equal(status, 400);
  assert_string_equal(err, "shared memory region 'sys' already in manager");
  free(err);
  err = shm_registry_register_cuda(&r, "gpu", handle, 0, 0, &status);
  assert_int_equal(status, 400);
  free(err);
  if (access("/dev/nvidiactl", F_OK) != 0) {
    err = shm_registry_register_cuda(&r, "gpu", handle, 0, 64, &status);
    assert_non_null(err);
    assert_int_equal(status, 500);
    assert_non_null(strstr(err, "CUDA shared memory is unavailable"));
    free(err);
  }
  strbuf out;
  strbuf_init(&out);
  assert_null(shm_registry_status_cuda(&r, NULL, &out));
  assert_string_equal(out.data, "[]");
  strbuf_free(&out);
  strbuf_init(&out);
  err = shm_registry_status_cuda(&r, "sys", &out);
  assert_string_equal(err, "Unable to find cuda shared memory region: 'sys'");
  free(err);
  strbuf_free(&out);
  assert_null(shm_registry_unregister_cuda(&r, NULL)); /* the system region stays */
  void *address = NULL;
  int device = 7;
  assert_null(shm_registry_locate(&r, "sys", 0, 8, &address, &device, &status));
  assert_int_equal(device, -1);
  shm_registry_destroy(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_register_resolve_unregister),
      cmocka_unit_test(test_bad_registrations),
      cmocka_unit_test(test_cuda_regions_without_a_driver),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
