/* cuda_ipc.c — see cuda_ipc.h. The few CUDA driver API entry points it needs, looked up
 * once; every call runs in the device's primary context (the one the CUDA runtime and
 * LibTorch use), pushed for the call and popped after it. */
#include "cuda_ipc.h"

#include "errfmt.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS 0x1

typedef struct {
  unsigned char reserved[CUDA_IPC_HANDLE_SIZE];
} cu_ipc_handle;
typedef unsigned long long cu_pointer;
typedef void *cu_context;

typedef int (*cu_init_fn)(unsigned int flags);
typedef int (*cu_device_get_fn)(int *device, int ordinal);
typedef int (*cu_retain_fn)(cu_context *context, int device);
typedef int (*cu_push_fn)(cu_context context);
typedef int (*cu_pop_fn)(cu_context *context);
typedef int (*cu_ipc_open_fn)(cu_pointer *pointer, cu_ipc_handle handle, unsigned int flags);
typedef int (*cu_ipc_close_fn)(cu_pointer pointer);
typedef int (*cu_error_string_fn)(int error, const char **text);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *load_failure; /* static text; NULL once loaded */
static cu_device_get_fn cu_device_get;
static cu_retain_fn cu_primary_context_retain;
static cu_push_fn cu_context_push;
static cu_pop_fn cu_context_pop;
static cu_ipc_open_fn cu_ipc_open;
static cu_ipc_close_fn cu_ipc_close;
static cu_error_string_fn cu_error_string;

static void *symbol(void *driver, const char *versioned, const char *plain) {
  void *found = dlsym(driver, versioned);
  return found != NULL ? found : dlsym(driver, plain);
}

static void load(void) {
  void *driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL); /* kept for the process */
  if (driver == NULL) {
    load_failure = "no NVIDIA driver on this machine (libcuda.so.1 cannot be loaded)";
    return;
  }
  cu_init_fn cu_init = (cu_init_fn)dlsym(driver, "cuInit");
  cu_device_get = (cu_device_get_fn)dlsym(driver, "cuDeviceGet");
  cu_primary_context_retain = (cu_retain_fn)dlsym(driver, "cuDevicePrimaryCtxRetain");
  cu_context_push = (cu_push_fn)symbol(driver, "cuCtxPushCurrent_v2", "cuCtxPushCurrent");
  cu_context_pop = (cu_pop_fn)symbol(driver, "cuCtxPopCurrent_v2", "cuCtxPopCurrent");
  cu_ipc_open = (cu_ipc_open_fn)symbol(driver, "cuIpcOpenMemHandle_v2", "cuIpcOpenMemHandle");
  cu_ipc_close = (cu_ipc_close_fn)dlsym(driver, "cuIpcCloseMemHandle");
  cu_error_string = (cu_error_string_fn)dlsym(driver, "cuGetErrorString");
  if (!cu_init || !cu_device_get || !cu_primary_context_retain || !cu_context_push ||
      !cu_context_pop || !cu_ipc_open || !cu_ipc_close) {
    load_failure = "the NVIDIA driver lacks the CUDA IPC entry points";
    return;
  }
  if (cu_init(0) != 0) load_failure = "the CUDA driver failed to initialise (no GPU?)";
}

static const char *error_text(int code) {
  const char *text = NULL;
  if (cu_error_string == NULL || cu_error_string(code, &text) != 0 || text == NULL)
    return "unknown CUDA error";
  return text;
}

/* Makes `device`'s primary context current; false with *message on failure. */
static int enter_device(int device, char **message) {
  int handle = 0;
  cu_context context = NULL;
  int rc = cu_device_get(&handle, device);
  if (rc == 0) rc = cu_primary_context_retain(&context, handle);
  if (rc == 0) rc = cu_context_push(context);
  if (rc != 0) *message = errfmt("CUDA device %d: %s", device, error_text(rc));
  return rc == 0;
}

char *cuda_ipc_open(const unsigned char *handle, int device, void **pointer) {
  pthread_once(&load_once, load);
  if (load_failure != NULL) return errfmt("CUDA shared memory is unavailable: %s", load_failure);
  char *message = NULL;
  if (!enter_device(device, &message)) return message;
  cu_ipc_handle ipc;
  memcpy(ipc.reserved, handle, sizeof(ipc.reserved));
  cu_pointer address = 0;
  int rc = cu_ipc_open(&address, ipc, CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS);
  cu_context popped = NULL;
  cu_context_pop(&popped);
  if (rc != 0) return errfmt("failed to open CUDA IPC handle: %s", error_text(rc));
  *pointer = (void *)(uintptr_t)address;
  return NULL;
}

void cuda_ipc_close(void *pointer, int device) {
  pthread_once(&load_once, load);
  char *message = NULL;
  if (load_failure != NULL || pointer == NULL || !enter_device(device, &message)) {
    free(message);
    return;
  }
  cu_ipc_close((cu_pointer)(uintptr_t)pointer);
  cu_context popped = NULL;
  cu_context_pop(&popped);
}
