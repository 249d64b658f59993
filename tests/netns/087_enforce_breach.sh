#!/bin/bash
# 087_enforce_breach.sh - enforce mode: a dropped attempt is a zone-violation only; a datagram that leaves by the far zone's interface anyway is one zone-breach.
#
# Policy: policies/alerts.conf in enforce mode (table inet bunri in force).
# Control, before bunrid starts: with no table, the path forwards.
# Part 1: mynumber:mn-a sends a forbidden UDP flow (fixed source port) to
# lgwan:lg-a.  The firewall drops it: one zone-violation (sid 1, blocked)
# alert, no zone-breach, and a listener on lg-a's interface (bounded in
# time) sees none of it arrive.
# Part 2, the firewall bypassed: from inside the gateway, frames are
# written with an AF_PACKET socket straight onto lg0's egress, carrying
# zone mynumber's source and lgwan's destination on a forbidden port, so
# they leave into lgwan without crossing the forward hook.  Two flows:
# the exact flow of part 1 (the firewall "failed" for a flow it blocked
# before), and a fresh IPv6 flow seen only on the far side (a bypass).
# Each gets exactly one zone-breach alert (sid 2, action allowed) within
# a second although three frames went out, with the fields alerts.md
# requires (community_id recomputed here); the listener on the far host
# sees the frames arrive (so it could have seen part 1's, had they
# crossed).  The whole log verifies with the chain key and every line
# validates against the EVE schema.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/alerts_lib.sh"
need_root
need_prog bunrid bunrictl
lab_init
lab_build "$ALERT_POL"
lab_policy "$ALERT_POL" "$LAB_DIR/bunri.conf"
grep -q 'mode *= *"enforce"' "$LAB_DIR/bunri.conf" || fail "the policy is not in enforce mode"

INJ() { timeout 30 python3 "$NETNS_DIR/inject.py" "$@"; }

# listen_start NAME HOST DST PORT SRC SECONDS [EXPECT]: the bounded listener of
# inject.py in HOST's namespace, in the background, output in
# $LAB_DIR/NAME.listen; returns once it is ready (5 s at most).
listen_start() {
	: >"$LAB_DIR/$1.listen"
	INJ listen "$(host_ns "$2")" eth0 "$3" "$4" "$5" "$6" ${7:+"$7"} >"$LAB_DIR/$1.listen" 2>&1 &
	LISTENER=$!
	LAB_PIDS="$LAB_PIDS $LISTENER"
	i=0
	until grep -q '^ready$' "$LAB_DIR/$1.listen"; do
		kill -0 "$LISTENER" 2>/dev/null || fail "listener $1 died: $(cat "$LAB_DIR/$1.listen")"
		[ $i -lt 50 ] || fail "listener $1 not ready within 5 s"
		sleep 0.1; i=$((i + 1))
	done
}

# listen_end NAME: wait for the listener to end by itself; its counts in
# FR (frames seen on the interface) and DG (datagrams received).
listen_end() {
	wait "$LISTENER" || fail "listener $1 failed: $(cat "$LAB_DIR/$1.listen")"
	LAB_PIDS=$(echo "$LAB_PIDS" | tr ' ' '\n' | grep -vx "$LISTENER" | tr '\n' ' ')
	read -r FR DG <<<"$(sed -n 's/^frames \([0-9]*\) datagrams \([0-9]*\)$/\1 \2/p' "$LAB_DIR/$1.listen")"
}

# wait_count N KEY=VALUE...: until N alert lines match (2 s at most).
wait_count() {
	want=$1; shift
	i=0
	until [ "$(apy count "$EVE" "$@")" -ge "$want" ]; do
		[ $i -lt 20 ] || return 1
		sleep 0.1; i=$((i + 1))
	done
}

gw_mac() { ip -n "$GW" -o link show "$1" | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p'; }

# The flows: F1 v4 mn-a -> lg-a udp/1202, F2 v6 mn-b -> lg-b udp/2402.
# Neither is allowed by the policy (only mn-a -> lg-a tcp/443 is).
S1=$(host_addr mynumber:mn-a 4) D1=$(host_addr lgwan:lg-a 4) SP1=40001 P1=1202
S2=$(host_addr mynumber:mn-b 6) D2=$(host_addr lgwan:lg-b 6) SP2=40002 P2=2402
LG0_MAC=$(gw_mac lg0)
[ -n "$LG0_MAC" ] || fail "no MAC on the gateway's lg0"

# --- Control: without the firewall, the path forwards ---
# Before bunrid runs there is no table: the same addresses and port (from
# another source port, so no conntrack entry of F1 exists) cross.  So in
# part 1 it is the firewall, not the lab, that stops F1.
in_ns "$GW" nft list table inet bunri >/dev/null 2>&1 && fail "a table inet bunri before bunrid started"
listen_start control lgwan:lg-a "$D1" $P1 "$S1" 8 3
INJ send "$(host_ns mynumber:mn-a)" "$S1" $((SP1 - 1)) "$D1" $P1 3 || fail "could not send the control flow"
listen_end control
[ "$FR" = 3 ] && [ "$DG" = 3 ] ||
    fail "control: without a firewall ${FR:-?} frames, ${DG:-?} datagrams arrived, want 3 3"

mon_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"
in_ns "$GW" nft list table inet bunri >/dev/null 2>&1 || fail "enforce mode: no table inet bunri"

# --- Part 1: the attempt, dropped ---
listen_start f1-attempt lgwan:lg-a "$D1" $P1 "$S1" 2.5
INJ send "$(host_ns mynumber:mn-a)" "$S1" $SP1 "$D1" $P1 3 || fail "could not send F1"
sel1="event_type=alert src_ip=$S1 src_port=$SP1 dest_ip=$D1 dest_port=$P1"
wait_count 1 $sel1 alert.signature_id=1 || fail "F1: no zone-violation alert within 2 s"
listen_end f1-attempt
[ "$FR" = 0 ] && [ "$DG" = 0 ] ||
    fail "F1 reached lgwan:lg-a through the firewall (${FR:-?} frames, ${DG:-?} datagrams)"
sleep 1.2	# all three datagrams long seen by the sniffer
[ "$(apy count "$EVE" $sel1 alert.signature_id=1 alert.action=blocked in_iface=mn0 \
    bunri.src_zone=mynumber bunri.dest_zone=lgwan)" = 1 ] ||
    fail "F1: not exactly one zone-violation (blocked, mn0, mynumber -> lgwan):
$(apy lines "$EVE" src_ip="$S1" dest_ip="$D1")"
[ "$(apy count "$EVE" alert.signature_id=2)" = 0 ] ||
    fail "a zone-breach alert although the firewall dropped the flow:
$(apy lines "$EVE" alert.signature_id=2)"
say "ok: part 1: F1 dropped, one zone-violation, no zone-breach, nothing arrived in lgwan"

# --- Part 2: the bypass ---
: >"$LAB_DIR/lat"
# breach NAME FROM-HOST TO-HOST SRC SPORT DST PORT: inject three frames on
# lg0 (the listener on TO-HOST must see them all) and wait for the alert.
breach() {
	listen_start "$1" "$3" "$6" "$7" "$4" 8 3
	ms=$(INJ inject "$EVE" "$GW" lg0 "$LG0_MAC" "$(host_mac "$3")" "$4" "$5" "$6" "$7" 3) ||
	    fail "$1: no zone-breach alert within 2 s of the frames leaving by lg0"
	awk -v m="$ms" 'BEGIN { exit !(m <= 1000) }' || fail "$1: zone-breach after $ms ms (limit 1000)"
	echo "$ms" >>"$LAB_DIR/lat"
	listen_end "$1"
	[ "$FR" = 3 ] && [ "$DG" = 3 ] ||
	    fail "$1: the injected frames did not all arrive (${FR:-?} frames, ${DG:-?} datagrams, want 3 3)"
}
breach f1-bypass mynumber:mn-a lgwan:lg-a "$S1" $SP1 "$D1" $P1
breach f2-bypass mynumber:mn-b lgwan:lg-b "$S2" $SP2 "$D2" $P2
sleep 1.2	# a second alert for either flow would be on disk by now

sel2="event_type=alert src_ip=$S2 src_port=$SP2 dest_ip=$D2 dest_port=$P2"
for f in 1 2; do
	eval "sel=\$sel$f"
	c=$(apy count "$EVE" $sel alert.signature_id=2)
	[ "$c" = 1 ] || fail "F$f: $c zone-breach alerts, want exactly 1:
$(apy lines "$EVE" $sel)"
done
[ "$(apy count "$EVE" alert.signature_id=2)" = 2 ] ||
    fail "zone-breach alerts about other flows: $(apy lines "$EVE" alert.signature_id=2)"
[ "$(apy count "$EVE" $sel1 alert.signature_id=1)" = 1 ] || fail "F1: its zone-violation alert repeated"
[ "$(apy count "$EVE" $sel2)" = 1 ] || fail "F2: alerts other than its zone-breach:
$(apy lines "$EVE" $sel2)"

# The fields alerts.md requires, line by line; F1's breach is the same
# flow (flow_id, community_id) as its blocked attempt.
{
	apy lines "$EVE" $sel1 alert.signature_id=1
	apy lines "$EVE" $sel1 alert.signature_id=2
	apy lines "$EVE" $sel2 alert.signature_id=2
} >"$LAB_DIR/breaches"
python3 - "$LAB_DIR/breaches" <<'P' || fail "a zone-breach alert lacks what alerts.md requires"
import base64, hashlib, ipaddress, json, re, struct, sys

def community_id(src, dst, proto, sp, dp):
    s, d = ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed
    if (d, dp) < (s, sp):
        s, d, sp, dp = d, s, dp, sp
    h = hashlib.sha1(struct.pack("!H", 0) + s + d + struct.pack("!BBHH", proto, 0, sp, dp))
    return "1:" + base64.b64encode(h.digest()).decode()

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d{4}$")
blocked, *breaches = [json.loads(l) for l in open(sys.argv[1])]
bad = []
def want(ok, what, ev):
    if not ok:
        bad.append("%s -> %s: %s" % (ev.get("src_ip"), ev.get("dest_ip"), what))

for ev in breaches:
    a, b = ev.get("alert", {}), ev.get("bunri", {})
    want(TS.match(ev.get("timestamp", "")), "timestamp %r" % ev.get("timestamp"), ev)
    want(ev.get("host") == "lab-alerts", "host %r" % ev.get("host"), ev)
    want(ev.get("in_iface") == "lg0", "in_iface %r, want lg0" % ev.get("in_iface"), ev)
    want(type(ev.get("flow_id")) is int and ev["flow_id"] > 0, "flow_id %r" % ev.get("flow_id"), ev)
    want(ev.get("proto") == "UDP", "proto %r" % ev.get("proto"), ev)
    cid = community_id(ev["src_ip"], ev["dest_ip"], 17, ev["src_port"], ev["dest_port"])
    want(ev.get("community_id") == cid, "community_id %r, want %s" % (ev.get("community_id"), cid), ev)
    want(a == {"action": "allowed", "gid": 1, "signature_id": 2, "rev": 1,
               "signature": "disallowed flow mynumber -> lgwan crossed the gateway",
               "category": "zone-breach", "severity": 1}, "alert %r" % a, ev)
    want(b.get("src_zone") == "mynumber" and b.get("dest_zone") == "lgwan", "zones %r" % b, ev)
    want(b.get("verdict") == "blocked", "bunri.verdict %r (the policy's), want blocked" % b.get("verdict"), ev)
    want(type(b.get("seq")) is int and b["seq"] >= 1, "bunri.seq %r" % b.get("seq"), ev)
    want(type(b.get("packets")) is int and b["packets"] >= 1 and type(b.get("bytes")) is int and
         b["bytes"] >= b["packets"] * 42, "packets/bytes %r/%r" % (b.get("packets"), b.get("bytes")), ev)
    want(all(TS.match(b.get(k, "")) for k in ("first_seen", "last_seen")), "first/last_seen", ev)
    want(list(ev)[-1] == "chain" and re.fullmatch("[0-9a-f]{64}", ev["chain"]), "chain not last or not hex", ev)
f1 = breaches[0]
want(blocked["alert"]["action"] == "blocked", "the attempt's alert is not blocked", blocked)
want(f1["flow_id"] == blocked["flow_id"] and f1["community_id"] == blocked["community_id"],
     "the breach is not the blocked attempt's flow (flow_id/community_id differ)", f1)
want(f1["bunri"]["seq"] > blocked["bunri"]["seq"], "the breach is not after the attempt", f1)
for m in bad:
    print("087: " + m, file=sys.stderr)
sys.exit(1 if bad else 0)
P

kill -0 "$BUNRID_PID" || fail "bunrid died"
bunrid_stop TERM
verify_eve
say "ok: part 2: frames written onto lg0 egress: one zone-breach (allowed) per flow, fields as alerts.md," \
    "latency ms: $(tr '\n' ' ' <"$LAB_DIR/lat"); the log verifies"
