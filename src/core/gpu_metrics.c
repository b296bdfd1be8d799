/* gpu_metrics.c — see gpu_metrics.h. NVML's C API (nvml.h) is used through the handful of
 * entry points below; their signatures and structs are stable across driver releases. */
#include "gpu_metrics.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cuda_devices.h"
#include "log.h"

#define NVML_SUCCESS 0
#define MAX_GPUS 64
#define UUID_LENGTH 96

typedef void *nvml_device;
typedef struct {
  unsigned int gpu, memory; /* percent of the last sample period */
} nvml_utilization;
typedef struct {
  unsigned long long total, free, used; /* bytes */
} nvml_memory;

typedef int (*nvml_init_fn)(void);
typedef int (*nvml_by_pci_fn)(const char *pci_bus_id, nvml_device *device);
typedef int (*nvml_uuid_fn)(nvml_device device, char *uuid, unsigned int length);
typedef int (*nvml_utilization_fn)(nvml_device device, nvml_utilization *rates);
typedef int (*nvml_memory_fn)(nvml_device device, nvml_memory *memory);
typedef int (*nvml_milliwatts_fn)(nvml_device device, unsigned int *milliwatts);
typedef int (*nvml_energy_fn)(nvml_device device, unsigned long long *millijoules);

typedef struct gpu {
  nvml_device handle;
  char uuid[UUID_LENGTH];
  bool has_energy_zero;
  unsigned long long energy_zero_mj;
} gpu;

static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static nvml_utilization_fn get_utilization;
static nvml_memory_fn get_memory;
static nvml_milliwatts_fn get_power, get_power_limit;
static nvml_energy_fn get_energy;
static gpu gpus[MAX_GPUS];
static int gpu_count;

static void start(void)
{
  int cuda_count = cuda_device_count();
  if (cuda_count == 0)
    return;
  /* Kept open for the life of the process. */
  void *nvml = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!nvml) {
    CORE_LOG_WARN("GPU metrics unavailable: cannot load libnvidia-ml.so.1: %s", dlerror());
    return;
  }
  nvml_init_fn init = (nvml_init_fn)dlsym(nvml, "nvmlInit_v2");
  nvml_by_pci_fn by_pci = (nvml_by_pci_fn)dlsym(nvml, "nvmlDeviceGetHandleByPciBusId_v2");
  nvml_uuid_fn get_uuid = (nvml_uuid_fn)dlsym(nvml, "nvmlDeviceGetUUID");
  get_utilization = (nvml_utilization_fn)dlsym(nvml, "nvmlDeviceGetUtilizationRates");
  get_memory = (nvml_memory_fn)dlsym(nvml, "nvmlDeviceGetMemoryInfo");
  get_power = (nvml_milliwatts_fn)dlsym(nvml, "nvmlDeviceGetPowerUsage");
  get_power_limit = (nvml_milliwatts_fn)dlsym(nvml, "nvmlDeviceGetPowerManagementLimit");
  get_energy = (nvml_energy_fn)dlsym(nvml, "nvmlDeviceGetTotalEnergyConsumption");
  int rc = init ? init() : -1;
  if (rc != NVML_SUCCESS || !by_pci || !get_uuid) {
    CORE_LOG_WARN("GPU metrics unavailable: NVML did not initialise (error %d)", rc);
    return;
  }
  for (int d = 0; d < cuda_count && gpu_count < MAX_GPUS; d++) {
    char bus_id[32];
    gpu *g = &gpus[gpu_count];
    if (!cuda_device_pci_bus_id(d, bus_id, sizeof(bus_id)) ||
        by_pci(bus_id, &g->handle) != NVML_SUCCESS ||
        get_uuid(g->handle, g->uuid, sizeof(g->uuid)) != NVML_SUCCESS) {
      CORE_LOG_WARN("GPU metrics: CUDA device %d has no NVML device; it is left out", d);
      continue;
    }
    g->has_energy_zero = get_energy && get_energy(g->handle, &g->energy_zero_mj) == NVML_SUCCESS;
    gpu_count++;
  }
}

void gpu_metrics_start(void) { pthread_once(&start_once, start); }

/* One family: HELP/TYPE lines, then a line per device that has a value. */
typedef bool (*read_value_fn)(gpu *g, double *value);

static bool read_utilization(gpu *g, double *value)
{
  nvml_utilization rates;
  if (!get_utilization || get_utilization(g->handle, &rates) != NVML_SUCCESS)
    return false;
  *value = rates.gpu / 100.0;
  return true;
}

static bool read_memory(gpu *g, nvml_memory *memory)
{
  return get_memory && get_memory(g->handle, memory) == NVML_SUCCESS;
}

static bool read_memory_total(gpu *g, double *value)
{
  nvml_memory memory;
  if (!read_memory(g, &memory))
    return false;
  *value = (double)memory.total;
  return true;
}

static bool read_memory_used(gpu *g, double *value)
{
  nvml_memory memory;
  if (!read_memory(g, &memory))
    return false;
  *value = (double)memory.used;
  return true;
}

static bool read_watts(nvml_milliwatts_fn fn, gpu *g, double *value)
{
  unsigned int milliwatts;
  if (!fn || fn(g->handle, &milliwatts) != NVML_SUCCESS)
    return false;
  *value = milliwatts / 1000.0;
  return true;
}

static bool read_power(gpu *g, double *value) { return read_watts(get_power, g, value); }
static bool read_power_limit(gpu *g, double *value)
{
  return read_watts(get_power_limit, g, value);
}

static bool read_energy(gpu *g, double *value)
{
  unsigned long long millijoules;
  if (!g->has_energy_zero || get_energy(g->handle, &millijoules) != NVML_SUCCESS)
    return false;
  *value = millijoules >= g->energy_zero_mj ? (millijoules - g->energy_zero_mj) / 1000.0 : 0;
  return true;
}

typedef struct family {
  const char *name, *type, *help;
  read_value_fn read;
} family;

static const family FAMILIES[] = {
    {"nv_gpu_utilization", "gauge", "GPU utilization rate [0.0 - 1.0)", read_utilization},
    {"nv_gpu_memory_total_bytes", "gauge", "GPU total memory, in bytes", read_memory_total},
    {"nv_gpu_memory_used_bytes", "gauge", "GPU used memory, in bytes", read_memory_used},
    {"nv_gpu_power_usage", "gauge", "GPU power usage in watts", read_power},
    {"nv_gpu_power_limit", "gauge", "GPU power management limit in watts", read_power_limit},
    {"nv_energy_consumption", "counter",
     "GPU energy consumption in joules since the Triton Server started", read_energy},
};

int gpu_metrics_render(FILE *out)
{
  gpu_metrics_start();
  if (gpu_count == 0)
    return 0;
  for (size_t f = 0; f < sizeof(FAMILIES) / sizeof(FAMILIES[0]); f++) {
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", FAMILIES[f].name, FAMILIES[f].help,
            FAMILIES[f].name, FAMILIES[f].type);
    for (int i = 0; i < gpu_count; i++) {
      double value;
      if (FAMILIES[f].read(&gpus[i], &value))
        fprintf(out, "%s{gpu_uuid=\"%s\"} %.17g\n", FAMILIES[f].name, gpus[i].uuid, value);
    }
  }
  return gpu_count;
}
