#!/usr/bin/env python3
"""What an SVG picture from `stampede plot` shows, for the command-line tests.

  svg-legend.py colours FILE NAME...  distinct swatch colours of the legend
                                      entries named NAME (the swatch is the
                                      rect drawn just before its text)
  svg-legend.py xs FILE TEXT...       the x of the first text equal to each
                                      TEXT, in the order given
  svg-legend.py count FILE TEXT       how many texts equal TEXT
"""
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def elements(path):
    return list(ET.parse(path).getroot())


def main():
    what, path, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    items = elements(path)
    if what == "colours":
        fills = set()
        for before, el in zip(items, items[1:]):
            if el.tag == NS + "text" and el.text in names and before.tag == NS + "rect":
                fills.add(before.get("fill"))
        print(len(fills))
    elif what == "xs":
        texts = [(el.text, int(el.get("x"))) for el in items if el.tag == NS + "text"]
        print(" ".join(str(next((x for t, x in texts if t == n), -1)) for n in names))
    elif what == "count":
        print(sum(1 for el in items if el.tag == NS + "text" and el.text == names[0]))
    else:
        sys.exit(__doc__)


main()
