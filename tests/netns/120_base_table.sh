#!/bin/bash
# 120_base_table.sh - the boot-time table (systemd/base.nft) closes forwarding until bunrid takes over in one batch.
#
# base.nft loaded, no bunrid: nothing forwards, not even flows the
# policy allows; the gateway itself still answers on loopback.  bunrid
# starting in enforce mode removes table inet bunri_base in the batch
# that installs inet bunri: afterwards only bunri's table is there and
# the allowed flows pass.  Killing bunrid does not bring the base table
# back, and loading base.nft twice is harmless.  In monitor mode
# (nothing enforced) bunrid removes the base table itself.
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid
lab_init
BASE=$TOP/systemd/base.nft
[ -r "$BASE" ] || fail "$BASE missing"
POL=$NETNS_DIR/policies/pairs.conf
lab_build "$POL"
lab_policy "$POL" "$LAB_DIR/bunri.conf"

probes() {
	for f in 4 6; do
		probe_line "mn-lg/v$f/$1" mynumber:mn-a lgwan:lg-a udp 1202 $f
		probe_line "lgb-in/v$f/$1" lgwan:lg-b internet:in-a tcp 2301 $f
		probe_line "mn-in/v$f/${2:-block}" mynumber:mn-a internet:in-a udp 1202 $f
		probe_line "ina-lga/v$f/${2:-block}" internet:in-a lgwan:lg-a udp 3202 $f
	done
}
base_present() { in_ns "$GW" nft list table inet bunri_base >/dev/null 2>&1; }

# Without the barrier, the lab forwards everything (the test can fail).
probes pass pass >"$LAB_DIR/open"
run_probes --wait 0.5 <"$LAB_DIR/open" >"$LAB_DIR/r0"
check_results "$LAB_DIR/r0" || fail "the lab does not forward without any table; the test below would prove nothing"

in_ns "$GW" nft -f "$BASE" || fail "nft -f base.nft"
in_ns "$GW" nft -f "$BASE" || fail "loading base.nft a second time"
[ "$(in_ns "$GW" nft list tables | wc -l)" = 1 ] || fail "base.nft made more than one table"
probes block >"$LAB_DIR/closed"
run_probes --wait 0.5 <"$LAB_DIR/closed" >"$LAB_DIR/r1"
check_results "$LAB_DIR/r1" || fail "something crossed the boot-time table"
in_ns "$GW" timeout 5 python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); s.settimeout(1)
s.sendto(b"x", s.getsockname()); s.recv(1)' || fail "loopback is closed by the boot-time table"
say "ok: base table, no bunrid: nothing forwards ($(wc -l <"$LAB_DIR/r1") probes), loopback works"

bunrid_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"
base_present && fail "bunrid left table inet bunri_base in place"
probes pass >"$LAB_DIR/open2"
run_probes --wait 0.5 <"$LAB_DIR/open2" >"$LAB_DIR/r2"
check_results "$LAB_DIR/r2" || fail "with bunrid the policy's flows do not pass (or others do)"
grep -q 'ruleset-tampered' "$LAB_DIR/bunrid.log" && fail "removing the base table was reported as tampering"
bunrid_stop KILL
base_present && fail "the base table came back"
[ "$(in_ns "$GW" nft list tables)" = "table inet bunri" ] || fail "tables after SIGKILL: $(in_ns "$GW" nft list tables | tr '\n' ' ')"
say "ok: bunrid replaced the base table in one batch; allowed flows pass, others not"

# Monitor mode: nothing is enforced, so the barrier goes too.
in_ns "$GW" nft delete table inet bunri
in_ns "$GW" nft -f "$BASE" || fail "nft -f base.nft"
sed 's/mode = "enforce"/mode = "monitor"/' "$LAB_DIR/bunri.conf" >"$LAB_DIR/monitor.conf"
ip netns exec "$GW" "$B/bunrid" -c "$LAB_DIR/monitor.conf" -f >>"$LAB_DIR/bunrid.log" 2>&1 &
BUNRID_PID=$!
LAB_PIDS="$LAB_PIDS $BUNRID_PID"
i=0
while base_present && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
base_present && fail "bunrid in monitor mode left the base table in place"
in_ns "$GW" nft list table inet bunri >/dev/null 2>&1 && fail "monitor mode installed table inet bunri"
bunrid_stop
say "ok: monitor mode removes the base table"
say "ok"
