#!/usr/bin/env python3
"""Generates viz/font5x7.c from viz/font5x7.txt (CHAR:ROW,...,ROW, five
bits per row, seven rows), the viewer's built-in fallback font."""
import sys

lines = open(sys.argv[1] if len(sys.argv) > 1 else "viz/font5x7.txt").read().split("\n")
glyphs = {}
for line in lines:
    if not line:
        continue
    rows = line[2:].split(",")
    assert len(rows) == 7 and all(len(r) == 5 for r in rows), line
    glyphs[ord(line[0])] = [int(r, 2) for r in rows]
assert sorted(glyphs) == list(range(32, 127))
out = ["/* The built-in 5 x 7 font: printable ASCII, one byte per row, the low",
       " * five bits from left (bit 4) to right (bit 0). Generated from",
       " * viz/font5x7.txt by tests/tools/gen_font.py; used when no TrueType font",
       " * can be loaded. */", '#include "font.h"', "",
       "const uint8_t viz_font5x7[95][7] = {"]
for c in range(32, 127):
    name = repr(chr(c)) if chr(c) not in "*/\\" else "code %d" % c
    out.append("    {%s}, /* %s */" % (", ".join("0x%02x" % r for r in glyphs[c]), name))
out.append("};")
print("\n".join(out))
