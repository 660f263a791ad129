#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# reads the ELF headers of the installed binaries and fails unless each one is a PIE, has full
# RELRO (a GNU_RELRO segment and BIND_NOW), calls the stack protector and, in optimised
# builds, the FORTIFY_SOURCE checking variants of libc functions.
# usage: check-hardening.py optimised|unoptimised BINARY...
import re
import shutil
import subprocess
import sys

SKIP = 77


def readelf(args, path):
    return subprocess.run(["readelf", "-W", *args, path], check=True, capture_output=True,
                          text=True).stdout


def is_pie(path):
    header = readelf(["-h"], path)
    kind = re.search(r"^\s*Type:\s+(\S+)", header, re.M)
    # a shared object with an interpreter is a position-independent executable
    return kind is not None and kind.group(1) == "DYN" and "INTERP" in readelf(["-l"], path)


def has_relro(path):
    return re.search(r"^\s*GNU_RELRO\s", readelf(["-l"], path), re.M) is not None


def binds_now(path):
    dynamic = readelf(["-d"], path)
    flags = re.search(r"\(FLAGS\)\s+(.*)$", dynamic, re.M)
    flags_1 = re.search(r"\(FLAGS_1\)\s+Flags:\s+(.*)$", dynamic, re.M)
    return (flags is not None and "BIND_NOW" in flags.group(1).split()) or (
        flags_1 is not None and "NOW" in flags_1.group(1).split())


def imported(path):
    names = set()
    for line in readelf(["--dyn-syms"], path).splitlines():
        fields = line.split()
        # Num: Value Size Type Bind Vis Ndx Name; undefined = imported
        if len(fields) >= 8 and fields[6] == "UND":
            names.add(fields[7].split("@")[0])
    return names


def check(path, optimised):
    problems = []
    if not is_pie(path):
        problems.append("not a PIE (ELF type is not DYN with an interpreter)")
    if not has_relro(path):
        problems.append("no GNU_RELRO segment (-Wl,-z,relro)")
    if not binds_now(path):
        problems.append("no BIND_NOW (-Wl,-z,now): RELRO is only partial")
    symbols = imported(path)
    if "__stack_chk_fail" not in symbols:
        problems.append("does not call __stack_chk_fail (-fstack-protector-strong)")
    # glibc's checking variants: __memcpy_chk, __snprintf_chk…, and __open64_2 for open(2)
    # calls whose flags the compiler can see
    fortified = sorted(s for s in symbols if s != "__stack_chk_fail" and (
        re.fullmatch(r"__\w+_chk", s) or re.fullmatch(r"__open(at)?(64)?_2", s)))
    if optimised and not fortified:
        problems.append("no __*_chk libc calls (-D_FORTIFY_SOURCE=2)")
    for p in problems:
        print(f"{path}: {p}")
    if not problems:
        print(f"{path}: PIE, full RELRO, stack protector" +
              (f", FORTIFY ({len(fortified)} checked functions)" if optimised else ""))
    return not problems


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("optimised", "unoptimised"):
        print(__doc__ or "usage: check-hardening.py optimised|unoptimised BINARY...")
        return 2
    if shutil.which("readelf") is None:
        print("readelf not found (binutils)")
        return SKIP
    optimised = sys.argv[1] == "optimised"
    ok = all([check(path, optimised) for path in sys.argv[2:]])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
