#!/bin/sh
# eve_schema.sh - every line bunri writes validates against Suricata's EVE schema with only "bunri" and "chain" added.
#
# The log comes from mklog (lib/eve + lib/chain): alerts of signatures
# 1-10 over IPv4/IPv6, TCP/UDP/ICMP/ICMPv6 and without a tuple, flow and
# stats events.  The schema is ../shared/corpus/suricata-eve/schema.json
# (BUNRI_SHARED overrides where shared/ is).
B=${B:-build}
MKLOG="$B/tools/mklog"
top=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
SHARED=${BUNRI_SHARED:-$top/../shared}
SCHEMA="$SHARED/corpus/suricata-eve/schema.json"

[ -x "$MKLOG" ] || { echo "no $MKLOG (make tools)"; exit 1; }
[ -r "$SCHEMA" ] || { echo "no $SCHEMA (set BUNRI_SHARED)"; exit 77; }
python3 -c 'import jsonschema' 2>/dev/null ||
    { echo "python3-jsonschema is not installed (make deps)"; exit 77; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
export TZ=Asia/Tokyo

printf '%s\n' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >"$T/key"
"$MKLOG" -k "$T/key" -n 48 "$T/eve.json" || { echo "mklog failed"; exit 1; }

python3 - "$SCHEMA" "$T/eve.json" <<'EOF'
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
# bunri's only additions, at the top level; EVE's objects stay closed.
schema["properties"]["bunri"] = {
    "type": "object",
    "required": ["seq"],
    "properties": {"seq": {"type": "integer", "minimum": 1}},
}
schema["properties"]["chain"] = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
cls.check_schema(schema)
val = cls(schema)

bad = 0
sids, types, protos = set(), set(), set()
for n, line in enumerate(open(sys.argv[2], encoding="utf-8"), 1):
    ev = json.loads(line)
    errs = sorted(val.iter_errors(ev), key=lambda e: list(e.path))
    for e in errs:
        bad += 1
        print("line %d: %s: %s" % (n, "/".join(map(str, e.path)) or "(top)", e.message))
    if list(ev)[-1] != "chain" or ev["bunri"]["seq"] != n:
        bad += 1
        print("line %d: chain not last or seq not %d" % (n, n))
    if ev.get("timestamp", "")[-5:] != "+0900":
        bad += 1
        print("line %d: timestamp not in the local offset: %s" % (n, ev.get("timestamp")))
    types.add(ev["event_type"])
    if "alert" in ev:
        sids.add(ev["alert"]["signature_id"])
    if "proto" in ev:
        protos.add(ev["proto"])

# The generated log must cover what the test claims.
want_sids = set(range(1, 11))
if sids != want_sids:
    bad += 1
    print("signatures seen %s, want 1-10" % sorted(sids))
if types != {"alert", "flow", "stats"}:
    bad += 1
    print("event types seen %s" % sorted(types))
if protos != {"TCP", "UDP", "ICMP", "IPv6-ICMP"}:
    bad += 1
    print("protocols seen %s" % sorted(protos))

# The check must be able to fail: a member EVE does not have inside
# "alert", and a string flow_id, are rejected.
ev = json.loads(open(sys.argv[2]).readline())
ev["alert"]["zone"] = "lgwan"
if val.is_valid(ev):
    bad += 1
    print("schema accepted an unknown member of alert")
ev = json.loads(open(sys.argv[2]).readline())
ev["flow_id"] = str(ev["flow_id"])
if val.is_valid(ev):
    bad += 1
    print("schema accepted a string flow_id")

print("eve_schema: %d lines checked, %d problems" % (n, bad))
sys.exit(1 if bad else 0)
EOF
