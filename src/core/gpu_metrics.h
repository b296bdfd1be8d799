/* gpu_metrics.h — Triton's per-GPU gauges (nv_gpu_utilization, nv_gpu_memory_total_bytes,
 * nv_gpu_memory_used_bytes, nv_gpu_power_usage, nv_gpu_power_limit) and the
 * nv_energy_consumption counter, one series per visible CUDA device labelled gpu_uuid.
 *
 * Why it exists: users of Triton watch these on the metrics port. They come from NVML,
 * loaded at run time (dlopen of libnvidia-ml.so.1), never linked, so the core still starts
 * where there is no NVIDIA driver: there the text is simply empty. Devices are matched
 * CUDA ordinal → PCI bus id → NVML handle, so CUDA_VISIBLE_DEVICES applies as it does to
 * instance placement. */
#ifndef TORCHD_CORE_GPU_METRICS_H
#define TORCHD_CORE_GPU_METRICS_H

#include <stdio.h>

/* Loads NVML and finds the visible devices, once per process; records each device's
 * energy counter as the zero of nv_energy_consumption. Safe to call more than once and
 * from any thread. Logs one WARN line when CUDA devices exist but NVML cannot be used. */
void gpu_metrics_start(void);

/* Appends the GPU families, in Prometheus text format, to `out` (nothing when NVML or
 * devices are missing). Values are read now; a value NVML cannot give for a device is
 * left out for that device. Returns the number of devices written. */
int gpu_metrics_render(FILE *out);

#endif
