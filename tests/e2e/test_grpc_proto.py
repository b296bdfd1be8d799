"""Our .proto files (src/frontend/proto) against the descriptors NVIDIA's tritonclient ships
(tritonclient.grpc.service_pb2 / model_config_pb2): every message, nested message, enum,
field (name, number, type, label, message/enum type, oneof) and RPC must match, so a drift
on either side fails CI. protoc compiles ours into a FileDescriptorSet here."""
import os
import subprocess

import pytest
from google.protobuf import descriptor_pb2

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "src", "frontend", "proto")


def ours(tmp_path):
    out = tmp_path / "ours.pb"
    subprocess.run(["protoc", f"-I{PROTO_DIR}", f"--descriptor_set_out={out}", "--include_imports",
                    "grpc_service.proto"], check=True)
    fds = descriptor_pb2.FileDescriptorSet()
    fds.ParseFromString(out.read_bytes())
    return {f.name: f for f in fds.file}


def theirs():
    from tritonclient.grpc import model_config_pb2, service_pb2
    files = {}
    for module in (service_pb2, model_config_pb2):
        proto = descriptor_pb2.FileDescriptorProto()
        module.DESCRIPTOR.CopyToProto(proto)
        files[proto.name] = proto
    return files


def enum_shape(e):
    return {v.name: v.number for v in e.value}


def message_shape(m):
    """A comparable description of a message: fields, nested types, enums."""
    fields = {}
    for f in m.field:
        oneof = m.oneof_decl[f.oneof_index].name if f.HasField("oneof_index") else None
        if f.proto3_optional:
            oneof = None  # synthetic oneof of a proto3 'optional'
        fields[f.name] = (f.number, f.type, f.label, f.type_name, oneof, f.proto3_optional)
    return {
        "fields": fields,
        "nested": {n.name: message_shape(n) for n in m.nested_type},
        "enums": {e.name: enum_shape(e) for e in m.enum_type},
        "map_entry": m.options.map_entry,
    }


def file_shape(f):
    return {
        "package": f.package,
        "messages": {m.name: message_shape(m) for m in f.message_type},
        "enums": {e.name: enum_shape(e) for e in f.enum_type},
        "services": {s.name: {meth.name: (meth.input_type, meth.output_type,
                                          meth.client_streaming, meth.server_streaming)
                              for meth in s.method} for s in f.service},
    }


def diff(a, b, path=""):
    """Every difference between two nested dicts, as readable lines."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a:
                out.append(f"{path}/{k}: missing in ours")
            elif k not in b:
                out.append(f"{path}/{k}: not in tritonclient's")
            else:
                out += diff(a[k], b[k], f"{path}/{k}")
    elif a != b:
        out.append(f"{path}: ours {a!r}, tritonclient's {b!r}")
    return out


@pytest.mark.parametrize("name", ["grpc_service.proto", "model_config.proto"])
def test_proto_matches_tritonclient(tmp_path, name):
    mine, reference = ours(tmp_path), theirs()
    assert name in mine and name in reference
    problems = diff(file_shape(mine[name]), file_shape(reference[name]))
    assert not problems, "\n".join(problems)


def test_every_rpc_present(tmp_path):
    service = ours(tmp_path)["grpc_service.proto"].service[0]
    assert service.name == "GRPCInferenceService"
    names = {m.name for m in service.method}
    assert {"ServerLive", "ServerReady", "ModelReady", "ServerMetadata", "ModelMetadata",
            "ModelInfer", "ModelStreamInfer", "ModelConfig", "ModelStatistics", "RepositoryIndex",
            "RepositoryModelLoad", "RepositoryModelUnload", "SystemSharedMemoryStatus",
            "SystemSharedMemoryRegister", "SystemSharedMemoryUnregister",
            "CudaSharedMemoryStatus", "CudaSharedMemoryRegister", "CudaSharedMemoryUnregister",
            "TraceSetting", "LogSettings"} <= names
