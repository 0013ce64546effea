#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check docs/netlink/netswap.yaml against kernel/uapi/netswap.h.

The YAML spec (the kernel's genetlink spec format) and the C header are
two descriptions of one ABI. This derives every C name and value from
the spec the way the kernel's tooling does (attribute sets and operations
counted from 1, enums from 0, names upper-cased with '-' -> '_') and
compares them with the header's enums; it also checks the spec against
the keys and types the genetlink spec format allows.

Prints one PASS/FAIL line per check; exits 1 if any failed.
usage: check_netlink_spec.py [SPEC [HEADER]]
"""
import re
import sys

import yaml

here = sys.path[0]
spec_path = sys.argv[1] if len(sys.argv) > 1 else f"{here}/../../docs/netlink/netswap.yaml"
hdr_path = sys.argv[2] if len(sys.argv) > 2 else f"{here}/../../kernel/uapi/netswap.h"
failed = 0
passed = 0


def result(ok, what):
    global failed, passed
    print(("PASS " if ok else "FAIL ") + what)
    if ok:
        passed += 1
    else:
        failed += 1


def cname(*parts):
    return "_".join(parts).upper().replace("-", "_")


def header_enums(text):
    """{enum tag: [(NAME, value), ...]} with C's implicit numbering."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    enums = {}
    for tag, body in re.findall(r"enum\s+(\w+)\s*\{(.*?)\};", text, re.S):
        val, items = -1, []
        for ent in body.split(","):
            ent = ent.strip()
            if not ent:
                continue
            m = re.fullmatch(r"(\w+)\s*(?:=\s*(.+))?", ent)
            if not m:
                continue
            name, expr = m.groups()
            if expr is None:
                val += 1
            else:
                known = dict(items)
                val = known[expr.split("-")[0].strip()] - 1 if "-" in expr else int(expr, 0)
            items.append((name, val))
        enums[tag] = items
    return enums


def header_defines(text):
    return dict(re.findall(r'#define\s+(\w+)\s+"([^"]*)"', text))


ATTR_TYPES = {"unused", "pad", "flag", "binary", "uint", "sint", "u8", "u16",
              "u32", "u64", "s32", "s64", "string", "nest", "array-nest",
              "nest-type-value"}
TOP_KEYS = {"name", "doc", "protocol", "uapi-header", "definitions",
            "attribute-sets", "operations", "mcast-groups"}
ATTR_KEYS = {"name", "type", "doc", "value", "type-value", "byte-order",
             "multi-attr", "nested-attributes", "enum", "enum-as-flags",
             "checks", "sub-type", "display-hint"}
OP_KEYS = {"name", "doc", "value", "attribute-set", "flags", "dont-validate",
           "config-cond", "do", "dump", "notify", "event", "mcgrp"}


def check_format(spec):
    ok = set(spec) <= TOP_KEYS and {"name", "doc", "attribute-sets", "operations"} <= set(spec)
    result(ok and spec.get("protocol", "genetlink") == "genetlink",
           "format.top-level: keys of the genetlink format")
    defs = {d["name"] for d in spec.get("definitions", [])}
    good = all(set(d) <= {"name", "header", "type", "doc", "value", "value-start",
                          "entries", "render-max"} and d["type"] in ("const", "enum", "flags")
               for d in spec.get("definitions", []))
    result(good, "format.definitions")
    sets = {s["name"]: s for s in spec["attribute-sets"]}
    bad = []
    for s in spec["attribute-sets"]:
        for a in s["attributes"]:
            if not set(a) <= ATTR_KEYS or a.get("type") not in ATTR_TYPES:
                bad.append(f"{s['name']}.{a['name']}")
            if a.get("enum") and a["enum"] not in defs:
                bad.append(f"{s['name']}.{a['name']}: enum {a['enum']}")
            if a.get("type") == "nest" and a.get("nested-attributes") not in sets:
                bad.append(f"{s['name']}.{a['name']}: nest")
    result(not bad, "format.attributes: known keys, types, enums and nests" +
           (f" ({', '.join(bad)})" if bad else ""))
    groups = {g["name"] for g in spec.get("mcast-groups", {}).get("list", [])}
    bad = []
    for op in spec["operations"]["list"]:
        if not set(op) <= OP_KEYS or "doc" not in op:
            bad.append(op["name"])
        aset = sets.get(op.get("attribute-set"))
        names = {a["name"] for a in aset["attributes"]} if aset else set()
        for kind in ("do", "dump"):
            for part in ("request", "reply"):
                for n in op.get(kind, {}).get(part, {}).get("attributes", []):
                    if n not in names:
                        bad.append(f"{op['name']}.{kind}.{part}.{n}")
        for n in op.get("event", {}).get("attributes", []):
            if n not in names:
                bad.append(f"{op['name']}.event.{n}")
        if "mcgrp" in op and op["mcgrp"] not in groups:
            bad.append(f"{op['name']}: mcgrp {op['mcgrp']}")
    result(not bad, "format.operations: name known attributes and groups" +
           (f" ({', '.join(bad)})" if bad else ""))


def expect(spec):
    """Every C name the spec implies, with its value."""
    fam = spec["name"]
    out = {}
    for d in spec.get("definitions", []):
        if d["type"] != "enum":
            continue
        v = d.get("value-start", 0)
        for e in d["entries"]:
            e = e if isinstance(e, dict) else {"name": e}
            v = e.get("value", v)
            out[cname(fam, d["name"], e["name"])] = v
            v += 1
    for s in spec["attribute-sets"]:
        prefix = s.get("name-prefix", f"{fam}-{s['name']}-a-")
        v = 1
        for a in s["attributes"]:
            v = a.get("value", v)
            out[cname(prefix + a["name"])] = v
            v += 1
    prefix = spec["operations"].get("name-prefix", f"{fam}-cmd-")
    v = 1
    for op in spec["operations"]["list"]:
        v = op.get("value", v)
        out[cname(prefix + op["name"])] = v
        v += 1
    return out


def main():
    spec = yaml.safe_load(open(spec_path))
    text = open(hdr_path).read()
    check_format(spec)
    have = {}
    for items in header_enums(text).values():
        for name, val in items:
            if not name.startswith("__") and not name.endswith("_MAX") and \
               not name.endswith("_UNSPEC"):
                have[name] = val
    want = expect(spec)
    for name in sorted(want):
        result(have.get(name) == want[name],
               f"{name} = {want[name]} (header: {have.get(name)})")
    for name in sorted(set(have) - set(want)):
        result(False, f"{name}: in the header but not in the spec")
    defs = header_defines(text)
    result(defs.get("NETSWAP_GENL_NAME") == spec["name"], "family-name")
    groups = [g["name"] for g in spec["mcast-groups"]["list"]]
    result([defs.get("NETSWAP_MCGRP_EVENTS")] == groups, "multicast-groups")
    print(f"netlink spec: {passed} checks passed, {failed} failed")
    return 1 if failed else 0


sys.exit(main())
