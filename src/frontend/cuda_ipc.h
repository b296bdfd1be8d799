/*
 * cuda_ipc.h — opening a client's CUDA IPC memory handle (cudaIpcMemHandle_t, 64 bytes),
 * for Triton's CUDA shared-memory extension: a process on the same host allocates GPU
 * memory, sends its handle, and torchd reads inputs from and writes outputs to it.
 *
 * Why it exists: torchd must start where there is no NVIDIA driver, so the CUDA driver
 * API is loaded at run time (dlopen of libcuda.so.1), never linked; without a driver,
 * opening fails with a clear message.
 */
#ifndef TORCHD_FRONTEND_CUDA_IPC_H
#define TORCHD_FRONTEND_CUDA_IPC_H

#include <stddef.h>

#define CUDA_IPC_HANDLE_SIZE 64

/* Maps the memory behind `handle` (CUDA_IPC_HANDLE_SIZE bytes) into this process on GPU
 * `device`. Returns NULL with *pointer the device address (close it with cuda_ipc_close),
 * or a malloc'd message. */
char *cuda_ipc_open(const unsigned char *handle, int device, void **pointer);

/* Unmaps a pointer cuda_ipc_open returned, on `device`. */
void cuda_ipc_close(void *pointer, int device);

#endif
