"""Helpers for the binary tensor data extension (spec §4.4): build request bodies and
split responses, and convert numpy arrays to and from KServe v2 wire form."""
import json
import struct

import numpy as np

NUMPY_TYPES = {
    "BOOL": np.bool_, "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32,
    "UINT64": np.uint64, "INT8": np.int8, "INT16": np.int16, "INT32": np.int32,
    "INT64": np.int64, "FP16": np.float16, "FP32": np.float32, "FP64": np.float64,
    "BF16": np.uint16,  # raw bit patterns: numpy has no bfloat16
}


def serialize_bytes(items):
    """BYTES tensor → 4-byte little-endian length + data per element."""
    return b"".join(struct.pack("<I", len(x)) + x for x in items)


def deserialize_bytes(raw):
    out, offset = [], 0
    while offset < len(raw):
        (n,) = struct.unpack_from("<I", raw, offset)
        out.append(raw[offset + 4:offset + 4 + n])
        offset += 4 + n
    return out


def tensor_bytes(dtype, values):
    if dtype == "BYTES":
        return serialize_bytes(values)
    return np.asarray(values, dtype=NUMPY_TYPES[dtype]).tobytes()


def binary_body(header, blobs):
    """JSON header + concatenated binary blobs → (body, headers)."""
    text = json.dumps(header).encode()
    return text + b"".join(blobs), {"Inference-Header-Content-Length": str(len(text)),
                                    "Content-Type": "application/octet-stream"}


def split_response(response):
    """Return (json_header, {output_name: raw bytes}) of an inference response."""
    length = response.headers.get("Inference-Header-Content-Length")
    if length is None:
        return response.json(), {}
    length = int(length)
    header = json.loads(response.content[:length])
    raw, offset = {}, length
    for out in header["outputs"]:
        size = out.get("parameters", {}).get("binary_data_size")
        if size is not None:
            raw[out["name"]] = response.content[offset:offset + size]
            offset += size
    assert offset == len(response.content), "binary section not fully consumed"
    return header, raw
