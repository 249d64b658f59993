#!/bin/bash
# 080_alerts.sh - forbidden attempts from every zone: exactly one zone-violation alert per flow, on disk within a second; the log verifies.
#
# Policy: policies/alerts.conf in enforce mode.  From each zone, v4 and
# v6, TCP and UDP, one flow the policy forbids; UDP flows send three
# datagrams and TCP SYNs are retried by the kernel, so "one alert per
# flow" is tested, not assumed.  The time from the first send to the
# alert line being in the file is measured for each (limit 1 s).  An
# allowed flow gets no alert.  At SIGTERM the flows end with flow events
# and a stats checkpoint; the whole log verifies with the chain key, and
# the evidence pcap named by an alert holds the flow's packets.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/alerts_lib.sh"
need_root
need_prog bunrid bunrictl
lab_init
lab_build "$ALERT_POL"
lab_policy "$ALERT_POL" "$LAB_DIR/bunri.conf"
mon_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"
in_ns "$GW" nft list table inet bunri >/dev/null 2>&1 || fail "enforce mode: no table inet bunri"

# FROM TO PROTO PORT FAMILY
cat >"$LAB_DIR/forbidden" <<'L'
mynumber:mn-a internet:in-a udp 53 4
mynumber:mn-b lgwan:lg-a tcp 443 6
lgwan:lg-a mynumber:mn-a tcp 22 4
lgwan:lg-a internet:in-b udp 3389 6
internet:in-a lgwan:lg-a tcp 25 4
internet:in-b mynumber:mn-b udp 53 6
L
probe_flows "$LAB_DIR/forbidden" 1 zone-violation

# An allowed flow: no alert of any kind about it.
src=$(host_addr lgwan:lg-b 4) dst=$(host_addr internet:in-a 4)
apy probe "$EVE" "$(host_ns lgwan:lg-b)" "$src" "$dst" tcp 3389 1 >/dev/null &&
    fail "the allowed flow LG-IN got a zone-violation alert"
[ "$(apy count "$EVE" event_type=alert src_ip="$src" dest_ip="$dst")" = 0 ] ||
    fail "the allowed flow LG-IN got an alert"

sleep 1.2	# the TCP SYNs were retried; UDP datagrams repeated
while read -r from to proto port fam; do
	src=$(host_addr "$from" "$fam") dst=$(host_addr "$to" "$fam")
	c=$(apy count "$EVE" event_type=alert alert.signature_id=1 src_ip="$src" dest_ip="$dst" dest_port="$port")
	[ "$c" = 1 ] || fail "$from -> $to $proto/$port (v$fam): $c zone-violation alerts, want exactly 1"
	c=$(apy count "$EVE" event_type=alert alert.signature_id=1 src_ip="$src" dest_ip="$dst" \
	    dest_port="$port" alert.action=blocked bunri.src_zone="${from%%:*}" bunri.dest_zone="${to%%:*}")
	[ "$c" = 1 ] || fail "$from -> $to: the alert does not say blocked ${from%%:*} -> ${to%%:*}:
$(apy lines "$EVE" alert.signature_id=1 src_ip="$src" dest_ip="$dst")"
done <"$LAB_DIR/forbidden"
[ "$(apy count "$EVE" event_type=alert alert.signature_id=1)" = "$n" ] ||
    fail "more zone-violation alerts than forbidden flows:
$(apy lines "$EVE" alert.signature_id=1)"

# More samples for the latency figure: 40 forbidden UDP flows lgwan -> mynumber.
src=$(host_addr lgwan:lg-a 4) dst=$(host_addr mynumber:mn-b 4)
for p in $(seq 30000 30039); do
	ms=$(apy probe "$EVE" "$(host_ns lgwan:lg-a)" "$src" "$dst" udp "$p" 1) ||
	    fail "lgwan -> mynumber udp/$p: no zone-violation alert within 2 s"
	awk -v m="$ms" 'BEGIN { exit !(m <= 1000) }' || fail "udp/$p: alert after $ms ms (limit 1000)"
	echo "$ms" >>"$LAB_DIR/lat"
done

bunrid_stop TERM
[ "$(apy count "$EVE" event_type=flow)" -ge "$n" ] || fail "fewer flow events than alerted flows at stop"
tail -n 1 "$EVE" | grep -q '"event_type":"stats"' || fail "the last line at stop is not a stats checkpoint"
verify_eve

# The evidence of the first alert: a pcap with at least one packet.
ev=$(apy lines "$EVE" alert.signature_id=1 | head -n 1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["bunri"].get("evidence",""))')
[ -n "$ev" ] && [ -s "$ev" ] || fail "no evidence file named by the first alert (${ev:-none})"
[ "$(stat -c %a "$ev")" = 640 ] || fail "evidence $ev has mode $(stat -c %a "$ev"), want 640"
python3 - "$ev" <<'P' || fail "evidence $ev is not a pcap with packets"
import struct, sys
d = open(sys.argv[1], "rb").read()
assert struct.unpack("<I", d[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) and len(d) > 24 + 16
P
say "ok: $n forbidden flows, one alert each; first packet -> alert line in the file, $(wc -l <"$LAB_DIR/lat") flows:" \
    "median $(sort -n "$LAB_DIR/lat" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }') ms," \
    "p99 $(p99 "$LAB_DIR/lat") ms, max $(sort -n "$LAB_DIR/lat" | tail -n 1) ms"
