/* test_backend_symbols.c — the symbol contract between the core and a backend, checked
 * the way Triton loads backends: dlopen(RTLD_NOW | RTLD_LOCAL) of the identity backend
 * (built only against the public header) must resolve every TRITONSERVER_* /
 * TRITONBACKEND_* symbol it uses from libtritonserver.so, and dlsym on its handle must
 * find exactly the entry points the backend defines. An optional entry point the
 * backend lacks (ModelInstanceReady, GetBackendAttribute, Finalize, batcher hooks)
 * must NOT be found: dlsym also searches the handle's dependency libtritonserver.so, so
 * a definition there would make the core call a function that does not exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dlfcn.h>

#include "harness.h"

static void identity_backend_resolves_and_exposes_only_its_entry_points(void **state)
{
  (void)state;
  void *handle =
      dlopen(TORCHD_BACKEND_DIR "/identity/libtriton_identity.so", RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    fail_msg("dlopen of the identity backend failed: %s", dlerror());
  static const char *defined[] = {
      "TRITONBACKEND_Initialize",
      "TRITONBACKEND_ModelInitialize",
      "TRITONBACKEND_ModelFinalize",
      "TRITONBACKEND_ModelInstanceInitialize",
      "TRITONBACKEND_ModelInstanceFinalize",
      "TRITONBACKEND_ModelInstanceExecute",
  };
  for (size_t i = 0; i < sizeof(defined) / sizeof(defined[0]); i++)
    if (dlsym(handle, defined[i]) == NULL)
      fail_msg("%s not found in the identity backend", defined[i]);
  static const char *absent[] = {
      "TRITONBACKEND_Finalize",
      "TRITONBACKEND_ModelInstanceReady",
      "TRITONBACKEND_GetBackendAttribute",
      "TRITONBACKEND_ModelBatcherInitialize",
      "TRITONBACKEND_ModelBatcherFinalize",
      "TRITONBACKEND_ModelBatchIncludeRequest",
      "TRITONBACKEND_ModelBatchInitialize",
      "TRITONBACKEND_ModelBatchFinalize",
  };
  for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
    if (dlsym(handle, absent[i]) != NULL)
      fail_msg("%s is found through the backend handle although the backend does not define "
               "it (libtritonserver.so must not export it)",
               absent[i]);
  /* Host functions are reachable through the same handle (from libtritonserver.so). */
  assert_non_null(dlsym(handle, "TRITONBACKEND_ApiVersion"));
  assert_non_null(dlsym(handle, "TRITONSERVER_ErrorNew"));
  dlclose(handle);
}

static void api_versions_are_the_headers(void **state)
{
  (void)state;
  uint32_t major = 0, minor = 0;
  check_ok(TRITONSERVER_ApiVersion(&major, &minor), "TRITONSERVER_ApiVersion");
  assert_int_equal(major, TRITONSERVER_API_VERSION_MAJOR);
  assert_int_equal(minor, TRITONSERVER_API_VERSION_MINOR);
  /* The backend API version is reached through the symbol, as a backend would. */
  TRITONSERVER_Error *(*backend_api_version)(uint32_t *, uint32_t *) = NULL;
  *(void **)&backend_api_version = dlsym(RTLD_DEFAULT, "TRITONBACKEND_ApiVersion");
  assert_non_null(backend_api_version);
  check_ok(backend_api_version(&major, &minor), "TRITONBACKEND_ApiVersion");
  assert_int_equal(major, 1);
  assert_int_equal(minor, 19);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(identity_backend_resolves_and_exposes_only_its_entry_points),
      cmocka_unit_test(api_versions_are_the_headers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
