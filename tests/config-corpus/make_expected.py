#!/usr/bin/python3
"""Oracle for the config corpus: protobuf itself decides what the right answers are.

For every valid/*.pbtxt: protoc's C++ TextFormat parser (the one Triton uses) must accept
it; the message is then printed the way Triton's ModelConfigToJson does (protobuf JSON with
proto field names and all primitive fields, 64-bit integers as numbers), with fields in
.proto declaration order, map entries ordered by key and integral floats without ".0"
(as protobuf's C++ printer writes them). For every invalid/*.pbtxt: protoc must reject it,
unless it is listed in STRICTER_THAN_PROTOC (cases torchd rejects on purpose).

  make_expected.py           rewrite valid/*.json
  make_expected.py --check   compare instead (exit 1 on any difference); used by ctest

Run with Debian's /usr/bin/python3 (needs python3-protobuf) and protoc on PATH.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = os.path.join(HERE, "model_config.proto")

# Inputs torchd rejects although protoc accepts them, each with the reason.
STRICTER_THAN_PROTOC = {
    "singular_twice_default.pbtxt": "a singular field given twice is always an error here; "
                                    "protobuf only notices when the first value was non-default",
    "string_nul.pbtxt": "a config string cannot hold a NUL byte (C strings)",
    "string_invalid_utf8.pbtxt": "proto3 strings must be UTF-8; protoc only warns",
}


def load_module(tmp):
    subprocess.run(["protoc", "-I", HERE, "--python_out", tmp, PROTO], check=True)
    sys.path.insert(0, tmp)
    import model_config_pb2  # noqa: E402
    return model_config_pb2


def encode(path):
    with open(path, "rb") as f:
        return subprocess.run(["protoc", "-I", HERE, "--encode=inference.ModelConfig", PROTO],
                              stdin=f, capture_output=True)


def scalar(field, value):
    from google.protobuf.descriptor import FieldDescriptor as F
    if field.type == F.TYPE_ENUM:
        enum_value = field.enum_type.values_by_number.get(value)
        return enum_value.name if enum_value else value
    if field.type in (F.TYPE_FLOAT, F.TYPE_DOUBLE):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if field.type == F.TYPE_FLOAT:
            # shortest text that reads back as the same float32
            from google.protobuf.internal import type_checkers
            value = type_checkers.ToShortestFloat(value)
        return int(value) if value == int(value) and abs(value) < 1e15 else value
    if field.type == F.TYPE_MESSAGE:
        return to_ordered(value)
    return value


def to_ordered(message):
    """Dict of the message in declaration order, as Triton's JSON prints it."""
    out = {}
    for field in message.DESCRIPTOR.fields:
        value = getattr(message, field.name)
        is_map = (field.message_type is not None and
                  field.message_type.GetOptions().map_entry)
        if is_map:
            value_field = field.message_type.fields_by_name["value"]
            out[field.name] = {str(k): scalar(value_field, value[k]) for k in sorted(value)}
        elif field.label == field.LABEL_REPEATED:
            out[field.name] = [scalar(field, v) for v in value]
        elif field.message_type is not None or field.containing_oneof is not None:
            if message.HasField(field.name):
                out[field.name] = scalar(field, value)
        else:
            out[field.name] = scalar(field, value)
    return out


# Code points protobuf's C++ JSON printer (json_escaping.cc) writes as \u escapes beyond
# what json.dumps escapes; Python's printer does not, Triton's (C++) does.
CPP_ESCAPED = [(0x3C, 0x3C), (0x3E, 0x3E), (0x7F, 0x9F), (0xAD, 0xAD), (0x600, 0x603),
               (0x6DD, 0x6DD), (0x70F, 0x70F), (0x17B4, 0x17B5), (0x200B, 0x200F),
               (0x2028, 0x202E), (0x2060, 0x2064), (0x206A, 0x206F), (0xFEFF, 0xFEFF),
               (0xFFF9, 0xFFFB), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F)]


def cpp_escape(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if any(lo <= cp <= hi for lo, hi in CPP_ESCAPED):
            if cp >= 0x10000:
                v = cp - 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)))
            else:
                out.append("\\u%04x" % cp)
        else:
            out.append(ch)
    return "".join(out)


def render(message):
    if message.ByteSize() == 0:
        return ""
    text = json.dumps(to_ordered(message), separators=(",", ":"), ensure_ascii=False)
    return cpp_escape(text)  # only strings can hold these characters


def main():
    check = "--check" in sys.argv
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        pb = load_module(tmp)
        valid_dir = os.path.join(HERE, "valid")
        for name in sorted(os.listdir(valid_dir)):
            if not name.endswith(".pbtxt"):
                continue
            result = encode(os.path.join(valid_dir, name))
            if result.returncode != 0:
                problems.append(f"valid/{name}: protoc rejects it: {result.stderr.decode()}")
                continue
            message = pb.ModelConfig()
            message.ParseFromString(result.stdout)
            expected = render(message)
            json_path = os.path.join(valid_dir, name[:-len(".pbtxt")] + ".json")
            if check:
                try:
                    with open(json_path, encoding="utf-8") as f:
                        actual = f.read().rstrip("\n")
                except FileNotFoundError:
                    actual = None
                if actual != expected:
                    problems.append(f"valid/{name}: {json_path} differs from the oracle:\n"
                                    f"  oracle: {expected}\n  file:   {actual}")
            else:
                with open(json_path, "w", encoding="utf-8") as f:
                    f.write(expected + "\n")
        invalid_dir = os.path.join(HERE, "invalid")
        for name in sorted(os.listdir(invalid_dir)):
            if not name.endswith(".pbtxt"):
                continue
            result = encode(os.path.join(invalid_dir, name))
            accepted = result.returncode == 0
            if accepted and name not in STRICTER_THAN_PROTOC:
                problems.append(f"invalid/{name}: protoc accepts it")
            if not accepted and name in STRICTER_THAN_PROTOC:
                problems.append(f"invalid/{name}: listed as stricter than protoc, but protoc "
                                f"rejects it too")
    for problem in problems:
        print(problem)
    print(f"{'checked' if check else 'generated'}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
