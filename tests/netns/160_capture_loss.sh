#!/bin/bash
# 160_capture_loss.sh - real ring drops: a burst into a stopped bunrid overflows its capture ring; capture-loss alert (sid 10) and status report them.
#
# Policy: policies/alerts.conf, enforce mode.  bunrid is stopped
# (SIGSTOP) so nothing reads its rings, then lgwan:lg-a sends a bounded
# burst of small UDP datagrams of one forbidden flow to internet:in-a:
# far more than the 8 MiB TPACKET_V3 ring of lg0 holds, so the kernel
# drops the rest.  After SIGCONT, within a bounded time: one capture-loss
# alert with non-zero counts that add up (kernel drops no more than the
# packets lg0 received; captured + dropped no fewer), `bunrictl status`
# shows the drops, the stats checkpoint at stop carries them, and the
# whole log verifies and validates against the EVE schema.  The burst is
# bounded in count and time (bench/udpflood.c, compiled into the lab).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/alerts_lib.sh"
need_root
need_prog bunrid bunrictl
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || skip "needs a C compiler ($CC) for the sender"
# More datagrams than the ring can hold: the 8 MiB ring of lg0's
# incoming handle holds some 25000 60-byte frames (a V3 ring slot is
# more than the frame), so most of the burst must be lost.
BURST=${BURST:-150000}
lab_init
"$CC" -std=c11 -D_GNU_SOURCE -O2 -o "$LAB_DIR/udpflood" "$TOP/bench/udpflood.c" ||
    fail "cannot compile bench/udpflood.c"
lab_build "$ALERT_POL"
lab_policy "$ALERT_POL" "$LAB_DIR/bunri.conf"
mon_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"
ctl() { "$B/bunrictl" -S "$LAB_DIR/ctl.sock" "$@"; }

# status_drops: the "N dropped" of the monitoring line of status.
status_drops() {
	ctl status >"$LAB_DIR/status" 2>&1 || { cat "$LAB_DIR/status" >&2; fail "bunrictl status: exit $?"; }
	sed -n 's/^monitoring: .* packets, \([0-9]*\) dropped (kernel \([0-9]*\), interface \([0-9]*\)).*/\1 \2 \3/p' \
	    "$LAB_DIR/status"
}
set -- $(status_drops)
[ $# = 3 ] || { cat "$LAB_DIR/status" >&2; fail "status has no 'monitoring: ... N dropped (kernel K, interface I)' line"; }
[ "$1" = 0 ] || fail "drops before the burst: $1"
# status names the ring of every handle: immediate delivery, so TPACKET_V2
# (capture.c says why not V3), one per handle of the monitoring line.
nh=$(sed -n 's/^monitoring: \([0-9]*\) capture.*/\1/p' "$LAB_DIR/status")
grep -qx "capture rings: $nh TPACKET_V2 (immediate delivery, merged in time order)" "$LAB_DIR/status" ||
    { cat "$LAB_DIR/status" >&2; fail "status does not say all $nh capture handles are on TPACKET_V2 rings"; }
[ "$(apy count "$EVE" alert.signature_id=10)" = 0 ] || fail "a capture-loss alert before the burst"

rx0=$(in_ns "$GW" cat /sys/class/net/lg0/statistics/rx_packets) || fail "lg0 rx counter"
src=$(host_addr lgwan:lg-a 4) dst=$(host_addr internet:in-a 4)
kill -STOP "$BUNRID_PID" || fail "SIGSTOP bunrid"
out=$(timeout 30 "$LAB_DIR/udpflood" "$(host_ns lgwan:lg-a)" "$src" "$dst" 9 "$BURST" 15 0) || {
	kill -CONT "$BUNRID_PID"; fail "udpflood: $out"; }
rx1=$(in_ns "$GW" cat /sys/class/net/lg0/statistics/rx_packets)
kill -CONT "$BUNRID_PID" || fail "SIGCONT bunrid"
rcvd=$((rx1 - rx0))
say "burst: $out; lg0 received $rcvd"
[ "$rcvd" -ge $((BURST / 2)) ] || fail "lg0 received only $rcvd of the burst: cannot overflow the ring"

# The alert: within 5 s of SIGCONT (it is due at the first tick; the
# first capture-loss alert is never held back).
i=0
until [ "$(apy count "$EVE" event_type=alert alert.signature_id=10)" -ge 1 ]; do
	[ $i -lt 50 ] || fail "no capture-loss alert within 5 s of SIGCONT; bunrid's log:
$(tail -n 5 "$LAB_DIR/bunrid.log")"
	sleep 0.1; i=$((i + 1))
done
sleep 1.5	# a second alert for the same burst would be a wrong one

# One alert, saying what alerts.md says, with counts that add up: the
# kernel dropped at most what lg0 received (a handle that drops packets
# it would not keep anyway overstates the loss).
[ "$(apy count "$EVE" event_type=alert alert.signature_id=10)" = 1 ] ||
    fail "want one capture-loss alert for one burst:
$(apy lines "$EVE" alert.signature_id=10)"
apy lines "$EVE" alert.signature_id=10 >"$LAB_DIR/loss"
python3 - "$LAB_DIR/loss" "$rcvd" <<'P' || fail "the capture-loss alert is wrong: $(cat "$LAB_DIR/loss")"
import json, sys
a = json.loads(open(sys.argv[1]).readline())
rcvd = int(sys.argv[2])
al, b = a["alert"], a["bunri"]
want = {"gid": 1, "signature_id": 10, "rev": 1, "category": "capture-loss", "severity": 2}
for k, v in want.items():
    assert al.get(k) == v, "alert.%s is %r, want %r" % (k, al.get(k), v)
assert a["host"] == "lab-alerts", "host %r" % a.get("host")
for k in ("lost", "kernel_drops", "if_drops", "captured"):
    assert isinstance(b.get(k), int), "bunri.%s missing or not a number" % k
lost, kd, ifd, cap = b["lost"], b["kernel_drops"], b["if_drops"], b["captured"]
assert lost > 0 and kd > 0, "lost %d, kernel_drops %d: want both > 0" % (lost, kd)
assert lost == kd + ifd, "first report: lost %d, want kernel %d + interface %d" % (lost, kd, ifd)
assert str(lost) in al["signature"], "the signature %r does not say %d" % (al["signature"], lost)
assert kd <= rcvd, "kernel_drops %d, but lg0 received only %d packets" % (kd, rcvd)
print("lost %d of %d received, %d captured" % (lost, rcvd, cap))
P

# Status reports the same drops (the monitoring line), and once the
# ring is drained every packet lg0 received was captured or counted lost.
i=0
while :; do
	set -- $(status_drops)
	[ $# = 3 ] || { cat "$LAB_DIR/status" >&2; fail "status has no monitoring line with drops after the burst"; }
	pk=$(sed -n 's/^monitoring: .*, \([0-9]*\) packets, .*/\1/p' "$LAB_DIR/status")
	[ $((pk + $1)) -ge "$rcvd" ] && break
	[ $i -lt 50 ] || fail "status: $pk packets captured + $1 dropped < $rcvd received on lg0: some were neither"
	sleep 0.2; i=$((i + 1))
done
kd=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["bunri"]["kernel_drops"])' "$LAB_DIR/loss")
[ "$2" = "$kd" ] || fail "status says kernel $2 dropped, the alert $kd"
[ "$1" -gt 0 ] || fail "status says 0 dropped after the burst"
grep '^monitoring:' "$LAB_DIR/status"
nh=$(sed -n 's/^monitoring: \([0-9]*\) capture.*/\1/p' "$LAB_DIR/status")

# A reload that replaces the capture handles (a mirror port is added)
# must not reset what status reports: the closed handles' drops stay.
in_ns "$GW" ip link add span0 type veth peer name span0p || fail "span0"
in_ns "$GW" ip link set span0 up
sed -i 's/^  evidence_packets = 4;/  evidence_packets = 4;\n  span = ( { interface = "span0"; zone = "lgwan"; } );/' "$LAB_DIR/bunri.conf"
grep -q 'interface = "span0"' "$LAB_DIR/bunri.conf" || fail "could not add the span port to the lab policy"
ctl reload >"$LAB_DIR/reload" 2>&1 || fail "reload with a span port: $(cat "$LAB_DIR/reload")"
d1=$1 k1=$2 i=0
until grep -q '^monitoring: [0-9]* capture handles' "$LAB_DIR/status" &&
    [ "$(sed -n 's/^monitoring: \([0-9]*\) capture.*/\1/p' "$LAB_DIR/status")" -gt "$nh" ]; do
	[ $i -lt 50 ] || fail "no new capture handle within 5 s of the reload: $(grep '^monitoring:' "$LAB_DIR/status")"
	sleep 0.1; i=$((i + 1))
	set -- $(status_drops)
done
[ "$1" -ge "$d1" ] && [ "$2" -ge "$k1" ] ||
    fail "after a reload that replaced the capture handles status says $1 dropped (kernel $2), before $d1 (kernel $k1)"
grep '^monitoring:' "$LAB_DIR/status"
set -- "$d1" "$k1"

# At stop: the last stats checkpoint carries the same drops and at least
# the packets status saw; the log verifies and every line validates.
bunrid_stop TERM
tail -n 1 "$EVE" >"$LAB_DIR/last"
python3 - "$LAB_DIR/last" "$pk" "$1" <<'P' || fail "the stats checkpoint at stop is wrong: $(cat "$LAB_DIR/last")"
import json, sys
s = json.loads(open(sys.argv[1]).readline())
pk, dropped = int(sys.argv[2]), int(sys.argv[3])
assert s["event_type"] == "stats", "last line is %s" % s["event_type"]
c = s["stats"]["capture"]
assert c["kernel_drops"] == dropped, "kernel_drops %d at stop, status said %d" % (c["kernel_drops"], dropped)
assert c["kernel_packets"] >= pk, "kernel_packets %d at stop, status said %d" % (c["kernel_packets"], pk)
P
verify_eve
say "ok: burst of $rcvd packets into a stopped bunrid: $(head -c 300 "$LAB_DIR/loss" | sed -n 's/.*"signature":"\([^"]*\)".*/\1/p'); status: $1 dropped"
