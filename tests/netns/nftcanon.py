#!/usr/bin/env python3
# nftcanon.py - canonical form of `nft -j list table` output, for comparing two tables.
#
# Drops what differs between two loads of the same ruleset without
# meaning anything: object handles, counter values, the countdown of
# element timeouts (with --no-timeout also their initial value), the
# table's owner/persist flags (--no-flags), and the
# order of set elements and of objects (rules keep their order in their
# chain).  Prints one JSON line per object.
import json
import re
import sys

DROP = {"handle", "packets", "bytes", "expires"}


EXPIRES = re.compile(r', "expires": [0-9]+|"expires": [0-9]+, ')


def clean(x, path=""):
    if path == "elem" and isinstance(x, list):
        # The bulk of a big table: one C-speed dump per element instead
        # of a walk through it; only "expires" can need dropping here.
        return [json.loads(e) for e in sorted(
            EXPIRES.sub("", json.dumps(v, sort_keys=True)) for v in x)]
    if isinstance(x, dict):
        return {k: clean(v, k) for k, v in x.items() if k not in DROP}
    if isinstance(x, list):
        items = [clean(v, path) for v in x]
        if path == "elem":
            items.sort(key=lambda v: json.dumps(v, sort_keys=True))
        return items
    return x


def strip_timeouts(x, on):
    """--no-timeout: an element's timeout is expires - now at the instant
    of loading, so two loads a second apart differ; keep only its presence."""
    if not on:
        return
    if isinstance(x, dict):
        for k, v in x.items():
            if k == "timeout" and isinstance(v, int):
                x[k] = "T"
            else:
                strip_timeouts(v, on)
    elif isinstance(x, list):
        for v in x:
            strip_timeouts(v, on)


def explain_diff(old_f, new_f, now_f):
    """--diff OLD NEW NOW: say briefly how NOW differs from both."""
    def load(f):
        return [json.loads(l) for l in open(f) if l.strip()]
    def key(o):
        kind = next(iter(o))
        return kind, o[kind].get("name", o[kind].get("chain", ""))
    def elems(o):
        kind = next(iter(o))
        return {json.dumps(e, sort_keys=True) for e in o[kind].get("elem", [])}
    old, new, now = load(old_f), load(new_f), load(now_f)
    for label, ref in (("old", old), ("new", new)):
        a = {key(o): o for o in ref if "rule" not in o}
        b = {key(o): o for o in now if "rule" not in o}
        print("vs %s: %d objects, now %d; rules %d, now %d" % (
            label, len(a), len(b), sum("rule" in o for o in ref), sum("rule" in o for o in now)))
        for k in sorted(set(a) | set(b)):
            if k not in b:
                print("  missing now: %s %s" % k)
            elif k not in a:
                print("  extra now: %s %s" % k)
            elif a[k] != b[k]:
                ea, eb = elems(a[k]), elems(b[k])
                print("  differs: %s %s: %d elements only in %s, %d only now; e.g. %s / %s" % (
                    k[0], k[1], len(ea - eb), label, len(eb - ea),
                    next(iter(ea - eb), "-")[:120], next(iter(eb - ea), "-")[:120]))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--diff":
        explain_diff(*sys.argv[2:5])
        return
    no_flags = "--no-flags" in sys.argv
    no_timeout = "--no-timeout" in sys.argv
    doc = json.load(sys.stdin)
    out = []
    rules = {}		# chain -> its rules, in order: rule order matters
    for obj in doc.get("nftables", []):
        if "metainfo" in obj:
            continue
        obj = clean(obj)
        if "set" in obj or "map" in obj:
            strip_timeouts(obj, no_timeout)
        if no_flags and "table" in obj:
            obj["table"].pop("flags", None)
        line = json.dumps(obj, sort_keys=True, ensure_ascii=False)
        if "rule" in obj:
            rules.setdefault(obj["rule"]["chain"], []).append(line)
        else:
            out.append(line)
    out.sort()
    for chain in sorted(rules):
        out += rules[chain]
    print("\n".join(out))


if __name__ == "__main__":
    main()
