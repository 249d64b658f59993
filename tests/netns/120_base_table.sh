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

# systemd's protocol: READY=1 only once the table is in the kernel, then
# WATCHDOG=1 at half of WATCHDOG_USEC from the event loop.
in_ns "$GW" nft delete table inet bunri_base 2>/dev/null
in_ns "$GW" nft delete table inet bunri 2>/dev/null
cat >"$LAB_DIR/notify.py" <<'PY'
import os, socket, subprocess, sys, time
path, ns, t_end = sys.argv[1], sys.argv[2], time.time() + 3
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(0.2)
ready = wd = 0
while time.time() < t_end:
    try:
        m = s.recv(4096).decode()
    except socket.timeout:
        continue
    for line in m.split("\n"):
        if line == "READY=1":
            r = subprocess.run(["ip", "netns", "exec", ns, "nft", "list", "table", "inet", "bunri"],
                               capture_output=True)
            print("READY table=%s" % ("yes" if r.returncode == 0 else "no"))
            ready += 1
        elif line == "WATCHDOG=1":
            wd += 1
        elif line.startswith("STATUS="):
            print(line)
print("WATCHDOG %d" % wd)
PY
python3 "$LAB_DIR/notify.py" "$LAB_DIR/notify.sock" "$GW" >"$LAB_DIR/notify.out" &
NPY=$!
i=0
while [ ! -S "$LAB_DIR/notify.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
NOTIFY_SOCKET=$LAB_DIR/notify.sock WATCHDOG_USEC=400000 bunrid_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"
wait $NPY
bunrid_stop
grep -qx 'READY table=yes' "$LAB_DIR/notify.out" || fail "no READY=1 with the table in the kernel: $(cat "$LAB_DIR/notify.out")"
grep -q '^STATUS=enforcing' "$LAB_DIR/notify.out" || fail "no STATUS line"
wd=$(sed -n 's/^WATCHDOG //p' "$LAB_DIR/notify.out")
[ "${wd:-0}" -ge 4 ] || fail "only ${wd:-0} watchdog pings in about 2.5 s (every 0.2 s expected)"
say "ok: READY=1 after the table was in the kernel, $(grep '^STATUS=' "$LAB_DIR/notify.out"), $wd watchdog pings"
say "ok"
