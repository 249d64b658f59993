#!/bin/sh
# audit.sh - bunrictl audit --pcap on generated captures: the expected alerts field by field, exit codes, determinism.
#
# tests/tools/mkpcap.py writes the captures; the alerts each must give are
# stated here (suricata-verify style), one line per alert:
#   sid action verdict src_zone dest_zone src_ip src_port dest_ip dest_port proto packets src_mac
# ("-" for a field the alert does not have), compared as sorted lists.
B=${B:-build}
CONF=${CONF:-conf/bunri.conf}
CTL="$B/bunrictl"
MK="python3 tests/tools/mkpcap.py"
export TZ=Asia/Tokyo
fail=0
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT

[ -x "$CTL" ] || { echo "no $CTL"; exit 1; }

bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

# fields JSONFILE: the compared fields of every line, sorted.
fields() {
	python3 - "$1" <<'EOF' | LC_ALL=C sort
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    b, a = o.get("bunri", {}), o["alert"]
    print(" ".join(str(x) for x in (
        a["signature_id"], a["action"], b.get("verdict", "-"),
        b.get("src_zone", "-"), b.get("dest_zone", "-"),
        o.get("src_ip", "-"), o.get("src_port", "-"),
        o.get("dest_ip", "-"), o.get("dest_port", "-"),
        o.get("proto", "-"), b.get("packets", "-"), b.get("src_mac", "-"))))
EOF
}

# expect NAME EXIT JSON-ARGS...: run audit --json, compare exit and alerts
# with the lines on stdin.
expect() {
	name=$1 want=$2; shift 2
	LC_ALL=C sort >"$T/want"
	"$CTL" -c "$CONF" audit --json "$@" >"$T/got.json" 2>"$T/err"; rc=$?
	[ $rc -eq "$want" ] || { bad "$name: exit $rc, want $want"; sed 's/^/  /' "$T/err"; }
	fields "$T/got.json" >"$T/got" || bad "$name: output is not JSON lines"
	if ! cmp -s "$T/want" "$T/got"; then
		bad "$name: alerts differ (- want, + got)"
		diff "$T/want" "$T/got" | sed -n 's/^[<>]/  &/p'
	fi
}

$MK basic "$T/basic.pcap" && $MK basic "$T/basic.pcapng" --pcapng &&
$MK clean "$T/clean.pcap" && $MK links "$T" && $MK scan "$T/scan.pcap" ||
    { echo "mkpcap.py failed"; exit 1; }

# Flow A and its reply, the ping and its reply, intra-zone, DHCP and the
# ND solicitation with the right MAC give nothing; the rest as below.
expect basic 3 --pcap "$T/basic.pcap" <<'EOF'
2 allowed blocked lgwan internet 198.51.100.130 50001 203.0.113.99 443 TCP 3 02:00:00:00:20:82
2 allowed blocked mynumber internet 192.0.2.30 40000 203.0.113.5 80 TCP 1 02:00:00:00:10:1e
2 allowed blocked lgwan internet 2001:db8:20::19 40003 2001:db8:40::28 80 TCP 1 02:00:00:00:20:19
3 allowed allowed lgwan internet 198.51.100.150 50002 203.0.113.40 3389 TCP 1 02:00:00:00:20:99
3 allowed blocked mynumber mgmt 192.0.2.60 5141 192.0.2.202 514 UDP 1 02:00:00:00:10:99
4 allowed blocked lgwan lgwan 198.51.100.200 40001 198.51.100.25 25 TCP 1 02:00:00:00:10:15
5 allowed blocked lgwan mgmt 198.51.100.40 5140 192.0.2.202 514 UDP 1 02:00:00:00:20:19
5 allowed - lgwan - - - - - - - 02:00:00:00:20:19
5 allowed - lgwan - - - - - - - 02:00:00:00:20:28
EOF
grep -qx '11 flows, 6 disallowed' "$T/err" || bad "basic: summary on stderr: $(cat "$T/err")"

# The same capture as pcapng: the same bytes out.
cp "$T/got.json" "$T/basic.json"
"$CTL" -c "$CONF" audit --json --pcap "$T/basic.pcapng" >"$T/ng.json" 2>/dev/null
cmp -s "$T/basic.json" "$T/ng.json" || bad "pcapng output differs from pcap"

# Deterministic: a second run, text and JSON, gives the same bytes.
"$CTL" -c "$CONF" audit --json --pcap "$T/basic.pcap" >"$T/again.json" 2>/dev/null
cmp -s "$T/basic.json" "$T/again.json" || bad "second --json run differs"
"$CTL" -c "$CONF" audit --pcap "$T/basic.pcap" >"$T/t1" 2>/dev/null
"$CTL" -c "$CONF" audit --pcap "$T/basic.pcap" >"$T/t2" 2>/dev/null
cmp -s "$T/t1" "$T/t2" || bad "second text run differs"

# Every line validates against Suricata's EVE schema (plus bunri, chain).
SCHEMA=${SCHEMA:-../shared/corpus/suricata-eve/schema.json}
[ -r "$SCHEMA" ] || SCHEMA=/work/shared/corpus/suricata-eve/schema.json
if [ -r "$SCHEMA" ] && python3 -c 'import jsonschema' 2>/dev/null; then
	python3 - "$SCHEMA" "$T/basic.json" <<'EOF' || bad "EVE schema"
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
s.setdefault("properties", {}).update(bunri={"type": "object"},
                                      chain={"type": "string"})
for n, line in enumerate(open(sys.argv[2]), 1):
    try:
        jsonschema.validate(json.loads(line), s)
    except jsonschema.ValidationError as e:
        sys.exit("line %d: %s" % (n, e.message))
EOF
else
	bad "no EVE schema or python3-jsonschema to validate against"
fi

# The text report: each disallowed flow with zones, endpoints, proto and
# port, packets, first and last seen, the decision's words; the summary.
t=$T/t1
grep -q '^zone-breach: disallowed flow lgwan -> internet' "$t" || bad "text: no zone-breach line"
grep -q '^  lgwan -> internet: 198.51.100.130:50001 -> 203.0.113.99:443 TCP, 3 packets, 162 bytes, first 2026-11-23T23:41:16.003000+0900, last 2026-11-23T23:41:18.003000+0900$' "$t" ||
    bad "text: flow B line"
grep -q '^  blocked: wrong host: ' "$t" || bad "text: decision words"
grep -q '^  \[2001:db8:20::19\]:40003 -> \[2001:db8:40::28\]:80 TCP' "$t" ||
    grep -q 'lgwan -> internet: \[2001:db8:20::19\]:40003 -> \[2001:db8:40::28\]:80 TCP' "$t" ||
    bad "text: IPv6 flow line"
[ "$(tail -n 1 "$t")" = "11 flows, 6 disallowed" ] || bad "text: last line $(tail -n 1 "$t")"

# Nothing disallowed: exit 0, no alert.
expect clean 0 --pcap "$T/clean.pcap" </dev/null
grep -qx '2 flows, 0 disallowed' "$T/err" || bad "clean: summary $(cat "$T/err")"

# Other link types carry the same flow; raw IP has no MAC.
for lt in sll sll2; do
	expect "$lt" 3 --pcap "$T/$lt.pcap" <<'EOF'
2 allowed blocked lgwan internet 198.51.100.130 50001 203.0.113.99 443 TCP 1 02:00:00:00:20:82
EOF
done
expect raw 3 --pcap "$T/raw.pcap" <<'EOF'
2 allowed blocked lgwan internet 198.51.100.130 50001 203.0.113.99 443 TCP 1 -
EOF

# The capture's interface: on in0 (the destination's zone) the flow has
# crossed; on mn0 its source does not belong there: spoofed.
expect iface-in0 3 --pcap "$T/raw.pcap" --iface in0 <<'EOF'
2 allowed blocked lgwan internet 198.51.100.130 50001 203.0.113.99 443 TCP 1 -
EOF
expect zone-mynumber 3 --pcap "$T/raw.pcap" --zone mynumber <<'EOF'
5 allowed blocked mynumber internet 198.51.100.130 50001 203.0.113.99 443 TCP 1 -
EOF

# One source sweeping 70 ports: 70 disallowed flows and one scan alert.
"$CTL" -c "$CONF" audit --json --pcap "$T/scan.pcap" >"$T/scan.json" 2>"$T/err"; rc=$?
[ $rc -eq 3 ] || bad "scan: exit $rc"
n6=$(grep -c '"signature_id":6,' "$T/scan.json")
n2=$(grep -c '"signature_id":2,' "$T/scan.json")
[ "$n6" -eq 1 ] && [ "$n2" -eq 70 ] || bad "scan: $n6 scan alerts, $n2 breach alerts (want 1, 70)"
grep -qx '70 flows, 70 disallowed' "$T/err" || bad "scan: summary $(cat "$T/err")"

# Errors: exit 1, one clear line, nothing on stdout.
err1() {
	name=$1 pat=$2; shift 2
	out=$("$CTL" -c "$CONF" audit "$@" 2>"$T/err"); rc=$?
	[ $rc -eq 1 ] || bad "$name: exit $rc, want 1"
	[ -z "$out" ] || bad "$name: stdout not empty"
	grep -q "$pat" "$T/err" || bad "$name: stderr lacks \"$pat\": $(cat "$T/err")"
}
err1 wlan 'link type 105 (IEEE802_11) is not supported' --pcap "$T/wlan.pcap"
[ "$(wc -l <"$T/err")" -eq 1 ] || bad "wlan: more than one line"
err1 missing 'No such file' --pcap "$T/nonexistent.pcap"
err1 no-pcap 'pcap FILE is required'
err1 bad-zone 'not a zone of the policy' --pcap "$T/raw.pcap" --zone nowhere
err1 bad-iface 'is not an interface' --pcap "$T/raw.pcap" --iface eth9
printf 'not a capture\n' >"$T/junk.pcap"
err1 junk "$T/junk.pcap" --pcap "$T/junk.pcap"

# A capture cut inside a packet: the packets before it are reported, the
# cut is an error (exit 1) said in one line.
head -c 700 "$T/basic.pcap" >"$T/cut.pcap"
"$CTL" -c "$CONF" audit --pcap "$T/cut.pcap" >"$T/cut.out" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || bad "cut: exit $rc, want 1"
grep -q 'truncated dump file' "$T/err" || bad "cut: stderr $(cat "$T/err")"
grep -q '^zone-breach: disallowed flow lgwan -> internet' "$T/cut.out" || bad "cut: the packets before the cut are not reported"

[ $fail -eq 0 ] && echo "audit: all cases pass"
[ $fail -eq 0 ]
