#!/usr/bin/env python3
"""Every key summary.json files hold is defined in docs/metrics.md.

usage: metrics-documented.py DOC SUMMARY.json...
Names of services, clients, edges and policies are the scenario's, not keys.
"""
import json
import re
import sys

doc = open(sys.argv[1]).read()
named = {"services", "clients", "edges", "policies", "operations"}
# objects keyed by a count (0, 1, 2, ...), documented as a range "key.0 … .N"
counted = {"attempts_per_call"}
missing = set()


def walk(obj, parent):
    for key, value in obj.items():
        if parent in counted and key.isdigit():
            continue
        if parent not in named and not re.search(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])", doc):
            missing.add(key)
        if isinstance(value, dict):
            walk(value, key if parent not in named else "")


for path in sys.argv[2:]:
    walk(json.load(open(path)), "")
if missing:
    print("not defined in %s: %s" % (sys.argv[1], ", ".join(sorted(missing))))
    sys.exit(1)
