/*
 * dtypes.h: Triton data types as the PyTorch backend sees them.
 *
 * Why it exists: the model config names types "TYPE_FP32", the C API numbers them
 * (TRITONSERVER_DataType), and only some have a LibTorch equivalent. This module is the one
 * place that knows the table of pytorch-backend.md §4.1 (plus BF16, which we support and
 * Triton does not). Numbers are TRITONSERVER_DataType values (same as TS_DTYPE_*).
 */
#ifndef TORCHD_PYTORCH_DTYPES_H
#define TORCHD_PYTORCH_DTYPES_H

#include <stdbool.h>
#include <stddef.h>

/* "TYPE_FP32" -> 11. Unknown names give 0 (TYPE_INVALID). */
int pt_dtype_from_config_name(const char *name);
/* 11 -> "TYPE_FP32"; out-of-range numbers give "TYPE_INVALID". Static storage. */
const char *pt_dtype_config_name(int dtype);
/* True for the types a TorchScript model can take or give: the nine tensor types of the
 * Triton table, TYPE_STRING (as List[str]) and TYPE_BF16. */
bool pt_dtype_supported(int dtype);
/* Bytes per element; 0 for TYPE_STRING and TYPE_INVALID. */
size_t pt_dtype_byte_size(int dtype);

#endif
