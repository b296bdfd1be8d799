/* cuda_devices.h — the CUDA devices this process may use, as the core sees them.
 *
 * Why it exists: the core decides where instances go (KIND_GPU on every visible GPU when
 * a group lists none, KIND_AUTO → GPU when one is visible, gpu ids validated) but must
 * start on machines with no NVIDIA driver at all. It asks the CUDA driver API, loaded at
 * run time (dlopen of libcuda.so.1), never linked. */
#ifndef TORCHD_CORE_CUDA_DEVICES_H
#define TORCHD_CORE_CUDA_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

/* Number of devices the driver reports (CUDA_VISIBLE_DEVICES applies); 0 where there is
 * no driver, no device, or the driver fails to initialise. Asked once, then cached. */
int cuda_device_count(void);

/* Compute capability of `device`; false when it is not a visible device. */
bool cuda_device_capability(int device, int *major, int *minor);

/* Bit d set: visible device d's compute capability (major.minor) is below min_capability,
 * so it is not a "supported GPU" (--min-supported-compute-capability). Devices past 63
 * are never marked. */
uint64_t cuda_devices_below(double min_capability);

/* PCI bus id of `device` ("0000:3B:00.0") into bus_id[length], NUL-terminated; false when
 * it is not a visible device or the driver cannot say. */
bool cuda_device_pci_bus_id(int device, char *bus_id, int length);

#endif
