#!/usr/bin/env python3
"""relocs.py - where a PIE's relocated pointer data lies, by Go package.

  python3 bench/relocs.py BINARY [BINARY...] [--top N]

A position-independent postern is relocated by the dynamic loader at
every start: each word of pointer data (type descriptors, itabs, and
package data holding pointers: strings, slices, maps' static arrays) is
written, so each page that holds one is copied on write: one page fault
a page, every request. For each binary this prints the section sizes,
the number of relocated words (RELR or RELA, from readelf -r) and of
distinct 4 KB pages they fall on; then, for the first binary, which
packages own those words (go tool nm), with each page shared among the
packages that have words on it. Type descriptors and itabs have no
symbol of their own in Go's symbol table: they show as "(types,
itabs: no symbol)". To see what a dependency costs, build without it
and compare the page counts.

Needs readelf (binutils) and go. Python 3 standard library only.
"""
import bisect
import collections
import os
import re
import signal
import subprocess
import sys


def sections(b):
    s = {}
    out = subprocess.run(["readelf", "-SW", b], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = re.search(r"\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m:
            s[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
    return s


def relocated(b):
    out = subprocess.run(["readelf", "-rW", b], capture_output=True, text=True, check=True).stdout
    offs = []
    for line in out.splitlines():
        if re.fullmatch(r"\s*[0-9a-f]{16}\s*", line):  # an expanded RELR entry
            offs.append(int(line, 16))
        else:
            m = re.match(r"([0-9a-f]{16})\s+[0-9a-f]{16}\s+R_X86_64_RELATIVE", line)
            if m:
                offs.append(int(m.group(1), 16))
    return offs


def package(name):
    n = name
    for pre in ("go:itab.", "type:", "go:"):
        if n.startswith(pre):
            n = n[len(pre):]
            break
    n = n.lstrip("*[]0123456789")
    m = re.match(r"((?:[^/\[\]]*/)*)([^/.\[\]]+)\.", n)
    if not m or ("/" not in n and re.search(r"[A-Z]", m.group(2))):
        return "(C: SQLite, libc)"  # aBuiltinFunc, sqlite3Apis, ...
    return m.group(1) + m.group(2)


def owners(b, offs, top):
    syms = []
    out = subprocess.run(["go", "tool", "nm", "-size", "-sort", "address", b], capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split(None, 3)
        if len(f) == 4 and f[2] in "DdBbRr":
            syms.append((int(f[0], 16), int(f[1]), f[3]))
    addrs = [s[0] for s in syms]
    words = collections.Counter()
    per_page = collections.defaultdict(collections.Counter)
    for o in offs:
        i = bisect.bisect_right(addrs, o) - 1
        if i >= 0 and o < syms[i][0] + max(syms[i][1], 8):
            p = package(syms[i][2])
        else:
            p = "(types, itabs: no symbol)"
        words[p] += 1
        per_page[o >> 12][p] += 1
    pages = collections.Counter()
    for c in per_page.values():
        total = sum(c.values())
        for p, n in c.items():
            pages[p] += n / total
    print("\n%-52s %8s %8s" % ("package (" + os.path.basename(b) + ")", "words", "pages"))
    for p, n in sorted(pages.items(), key=lambda x: -x[1])[:top]:
        print("%-52s %8d %8.1f" % (p, words[p], n))


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args, top = [], 30
    it = iter(sys.argv[1:])
    for a in it:
        if a == "--top":
            top = int(next(it))
        else:
            args.append(a)
    if not args:
        sys.exit(__doc__)
    first = None
    for b in args:
        s = sections(b)
        offs = relocated(b)
        k = lambda name: s.get(name, (0, 0))[1] >> 10
        print("%-28s %6.2f MB  .text %5d K  .rodata %5d K  .data.rel.ro %5d K  .data %4d K  relocated words %6d  pages %4d"
              % (os.path.basename(b) if len(args) == 1 else b, os.path.getsize(b) / 1e6, k(".text"), k(".rodata"),
                 k(".data.rel.ro"), k(".data"), len(offs), len({o >> 12 for o in offs})))
        if first is None:
            first = (b, offs)
    owners(first[0], first[1], top)


if __name__ == "__main__":
    main()
