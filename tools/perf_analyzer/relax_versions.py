#!/usr/bin/env python3
"""Drop an ELF executable's requirement of some symbol versions, so that the symbols
bound to those versions can come from another library (tools/perf_analyzer/README.md).

For each version named with --version (e.g. GLIBC_2.38):
  - every undefined dynamic symbol bound to it gets version index 1 (global) in
    .gnu.version: the dynamic linker binds it by name alone, to the first library in the
    search order that defines it;
  - its entry leaves the executable's .gnu.version_r (the versions it needs, per library),
    so the linker no longer refuses to start when the library (libc.so.6 here) lacks it.
    (Marking the entry VER_FLG_WEAK instead also starts, but then glibc prints "weak version
    `GLIBC_2.38' not found" on every start.) The entry is unlinked from its library's list
    and zeroed; the list's count and links are rewritten.
Nothing else changes: no section moves, the file keeps its size.

With --provider LIB, the script checks that LIB defines every symbol it unbound, and fails
(writing nothing) when one is missing: a new perf_analyzer needing more than the shim has
is caught here, not when perf_analyzer starts.

Usage: relax_versions.py (--wheel WHEEL --member PATH | --input ELF) --output OUT
                         --version NAME [--version NAME ...] [--provider LIB]
"""
import argparse
import os
import struct
import sys
import zipfile

SHT_DYNSYM = 11
SHT_GNU_VERNEED = 0x6FFFFFFE
SHT_GNU_VERSYM = 0x6FFFFFFF
SHN_UNDEF = 0
VER_NDX_GLOBAL = 1
VERSYM_HIDDEN = 0x8000
STB_GLOBAL, STB_WEAK = 1, 2


class Elf:
    """The few parts of a little-endian ELF64 file this script reads and edits in place."""

    def __init__(self, data, name):
        self.data = data
        self.name = name
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit(f"{name}: not a little-endian ELF64 file")
        (self.shoff,) = struct.unpack_from("<Q", data, 0x28)
        self.shentsize, self.shnum = struct.unpack_from("<HH", data, 0x3A)
        self.sections = []
        for i in range(self.shnum):
            # sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link, sh_info, ...
            fields = struct.unpack_from("<IIQQQQII", data, self.shoff + i * self.shentsize)
            self.sections.append({"type": fields[1], "offset": fields[4], "size": fields[5],
                                  "link": fields[6]})

    def section(self, section_type):
        found = [s for s in self.sections if s["type"] == section_type]
        if len(found) != 1:
            raise SystemExit(f"{self.name}: expected one section of type {section_type:#x}, "
                             f"found {len(found)}")
        return found[0]

    def string(self, strtab, offset):
        start = strtab["offset"] + offset
        return self.data[start:self.data.index(b"\0", start)].decode()

    def dynamic_symbols(self):
        """[(name, st_info, st_shndx)] in .dynsym order."""
        dynsym = self.section(SHT_DYNSYM)
        strtab = self.sections[dynsym["link"]]
        symbols = []
        for offset in range(dynsym["offset"], dynsym["offset"] + dynsym["size"], 24):
            st_name, st_info, _other, st_shndx = struct.unpack_from("<IBBH", self.data, offset)
            symbols.append((self.string(strtab, st_name), st_info, st_shndx))
        return symbols

    def version_needs(self):
        """[(offset of a Verneed, library, [(offset of a Vernaux, version name)])] from
        .gnu.version_r."""
        verneed = self.section(SHT_GNU_VERNEED)
        strtab = self.sections[verneed["link"]]
        needs = []
        offset = verneed["offset"]
        while True:
            _version, count, file_name, aux, next_need = struct.unpack_from(
                "<HHIII", self.data, offset)
            versions = []
            aux_offset = offset + aux
            for _ in range(count):
                _hash, _flags, _other, name, next_aux = struct.unpack_from(
                    "<IHHII", self.data, aux_offset)
                versions.append((aux_offset, self.string(strtab, name)))
                aux_offset += next_aux
            needs.append((offset, self.string(strtab, file_name), versions))
            if next_need == 0:
                return needs
            offset += next_need


def relax(elf, versions):
    """Unbind the symbols of `versions` and drop the needs of those versions; returns
    [(symbol, library, version)] unbound. Fails when a version is not needed at all."""
    indexes = {}  # version index (vna_other) -> (library, version)
    for need_offset, library, needed in elf.version_needs():
        kept = []
        for aux_offset, version in needed:
            if version in versions:
                (other,) = struct.unpack_from("<H", elf.data, aux_offset + 6)
                indexes[other] = (library, version)
            else:
                kept.append(aux_offset)
        if len(kept) == len(needed):
            continue
        if not kept:
            raise SystemExit(f"{elf.name}: would need nothing from {library} (not supported)")
        for aux_offset, _ in needed:
            if aux_offset not in kept:
                elf.data[aux_offset:aux_offset + 16] = bytes(16)
        struct.pack_into("<H", elf.data, need_offset + 2, len(kept))           # vn_cnt
        struct.pack_into("<I", elf.data, need_offset + 8, kept[0] - need_offset)  # vn_aux
        for this, following in zip(kept, kept[1:] + [None]):                    # vna_next
            struct.pack_into("<I", elf.data, this + 12, following - this if following else 0)
    missing = set(versions) - {version for _, version in indexes.values()}
    if missing:
        raise SystemExit(f"{elf.name}: does not need version(s) {', '.join(sorted(missing))}")
    versym = elf.section(SHT_GNU_VERSYM)
    unbound = []
    for i, (name, _info, shndx) in enumerate(elf.dynamic_symbols()):
        offset = versym["offset"] + 2 * i
        (index,) = struct.unpack_from("<H", elf.data, offset)
        if index & ~VERSYM_HIDDEN in indexes:
            if shndx != SHN_UNDEF:
                raise SystemExit(f"{elf.name}: {name} is defined, not imported")
            struct.pack_into("<H", elf.data, offset, VER_NDX_GLOBAL)
            unbound.append((name,) + indexes[index & ~VERSYM_HIDDEN])
    return unbound


def defined_symbols(path):
    elf = Elf(bytearray(open(path, "rb").read()), path)
    return {name for name, info, shndx in elf.dynamic_symbols()
            if shndx != SHN_UNDEF and info >> 4 in (STB_GLOBAL, STB_WEAK)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", help="read the executable from this wheel (zip)")
    parser.add_argument("--member", help="the executable's path inside the wheel")
    parser.add_argument("--input", help="read the executable from this file")
    parser.add_argument("--output", required=True)
    parser.add_argument("--version", action="append", required=True, dest="versions")
    parser.add_argument("--provider", help="library that must define every unbound symbol")
    args = parser.parse_args()

    if args.wheel:
        with zipfile.ZipFile(args.wheel) as wheel:
            data = bytearray(wheel.read(args.member))
        name = f"{args.wheel}:{args.member}"
    else:
        data = bytearray(open(args.input, "rb").read())
        name = args.input
    elf = Elf(data, name)
    unbound = relax(elf, set(args.versions))
    if args.provider:
        lacking = sorted({symbol for symbol, _, _ in unbound} - defined_symbols(args.provider))
        if lacking:
            raise SystemExit(f"{args.provider} does not define {', '.join(lacking)}, which "
                             f"{name} imports at version(s) {', '.join(args.versions)}")
    temporary = args.output + ".tmp"
    with open(temporary, "wb") as f:
        f.write(elf.data)
    os.chmod(temporary, 0o755)
    os.replace(temporary, args.output)
    for symbol, library, version in unbound:
        print(f"relax_versions: {symbol} ({library} {version}) now binds by name")


if __name__ == "__main__":
    sys.exit(main())
