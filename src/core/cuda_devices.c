/* cuda_devices.c — see cuda_devices.h. A few driver entry points, looked up once. */
#include "cuda_devices.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#include "core_util.h"
#include "torchd/torchd_server.h"

/* The driver API's attribute ids for the compute capability (cuda.h, stable since 2.x). */
#define CU_ATTRIBUTE_CC_MAJOR 75
#define CU_ATTRIBUTE_CC_MINOR 76

typedef int (*cu_init_fn)(unsigned int flags);
typedef int (*cu_count_fn)(int *count);
typedef int (*cu_get_fn)(int *device, int ordinal);
typedef int (*cu_attribute_fn)(int *value, int attribute, int device);
typedef int (*cu_pci_bus_id_fn)(char *bus_id, int length, int device);

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static int device_count;
static cu_get_fn cu_device_get;
static cu_attribute_fn cu_device_attribute;
static cu_pci_bus_id_fn cu_device_pci_bus_id;

static void probe(void)
{
  /* Kept open for the life of the process, like the CUDA runtime does. */
  void *driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!driver)
    return;
  cu_init_fn cu_init = (cu_init_fn)dlsym(driver, "cuInit");
  cu_count_fn cu_count = (cu_count_fn)dlsym(driver, "cuDeviceGetCount");
  cu_device_get = (cu_get_fn)dlsym(driver, "cuDeviceGet");
  cu_device_attribute = (cu_attribute_fn)dlsym(driver, "cuDeviceGetAttribute");
  cu_device_pci_bus_id = (cu_pci_bus_id_fn)dlsym(driver, "cuDeviceGetPCIBusId");
  int count = 0;
  if (!cu_init || !cu_count || cu_init(0) != 0 || cu_count(&count) != 0 || count < 0)
    return;
  device_count = count;
}

int cuda_device_count(void)
{
  pthread_once(&probe_once, probe);
  return device_count;
}

bool cuda_device_capability(int device, int *major, int *minor)
{
  if (device < 0 || device >= cuda_device_count() || !cu_device_get || !cu_device_attribute)
    return false;
  int handle = 0;
  if (cu_device_get(&handle, device) != 0)
    return false;
  return cu_device_attribute(major, CU_ATTRIBUTE_CC_MAJOR, handle) == 0 &&
         cu_device_attribute(minor, CU_ATTRIBUTE_CC_MINOR, handle) == 0;
}

bool cuda_device_pci_bus_id(int device, char *bus_id, int length)
{
  if (device < 0 || device >= cuda_device_count() || !cu_device_get || !cu_device_pci_bus_id)
    return false;
  int handle = 0;
  return cu_device_get(&handle, device) == 0 &&
         cu_device_pci_bus_id(bus_id, length, handle) == 0;
}

uint64_t cuda_devices_below(double min_capability)
{
  uint64_t below = 0;
  for (int d = 0; d < cuda_device_count() && d < 64; d++) {
    int major = 0, minor = 0;
    if (cuda_device_capability(d, &major, &minor) && major + minor / 10.0 < min_capability - 1e-9)
      below |= (uint64_t)1 << d;
  }
  return below;
}

/* ---- the public extension (torchd/torchd_server.h) ---- */

TRITONSERVER_Error *TORCHD_CudaDeviceCount(int *count)
{
  UTIL_CHECK_ARG(count, "non-NULL count");
  *count = cuda_device_count();
  return NULL;
}
