#!/bin/bash
# 030_reload.sh - reload adds and removes flows; an invalid reload keeps the old ruleset.
#
# Base policy: policies/pairs.conf.  Version B drops LG-MG-U (udp 2402) and
# adds LG-MG-T2 (tcp 2405); the invalid version adds a mynumber -> internet
# flow (rule 1).  Reload by SIGHUP and by `bunrictl reload`.
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid bunrictl
lab_init
POL=$NETNS_DIR/policies/pairs.conf
CONF=$LAB_DIR/bunri.conf
lab_build "$POL"
lab_policy "$POL" "$LAB_DIR/a.conf"
sed -e '/id = "LG-MG-U"/d' \
    -e '/^flows = (/a\  { id = "LG-MG-T2"; from = "lgwan:lg-a"; to = "mgmt:mg-a"; proto = "tcp"; ports = [ 2405 ]; reason = "lab"; approval = "LAB"; },' \
    "$LAB_DIR/a.conf" >"$LAB_DIR/b.conf"
sed -e '/^flows = (/a\  { id = "BAD-1"; from = "mynumber:mn-a"; to = "internet:in-a"; proto = "tcp"; ports = [ 443 ]; reason = "lab"; approval = "LAB"; },' \
    "$LAB_DIR/b.conf" >"$LAB_DIR/bad.conf"
cp "$LAB_DIR/a.conf" "$CONF"

phase() { # NAME EXPECT_U EXPECT_T2
	{
	for f in 4 6; do
		probe_line "$1/LG-MG-U/v$f/$2" lgwan:lg-a mgmt:mg-a udp 2402 $f
		probe_line "$1/LG-MG-T2/v$f/$3" lgwan:lg-a mgmt:mg-a tcp 2405 $f
		probe_line "$1/MN-LG-T/v$f/pass" mynumber:mn-a lgwan:lg-a tcp 1201 $f
		probe_line "$1/MN-IN/v$f/block" mynumber:mn-a internet:in-a tcp 443 $f
	done
	} | run_probes >"$LAB_DIR/res.$1"
	check_results "$LAB_DIR/res.$1" || fail "phase $1: wrong verdicts (above)"
}

bunrid_start "$CONF" || fail "bunrid did not start"
phase a pass block

# Reload by SIGHUP: one flow removed, one added.
gw_table | table_norm >"$LAB_DIR/table.a"
cp "$LAB_DIR/b.conf" "$CONF"
kill -HUP "$BUNRID_PID"
wait_table_change "$LAB_DIR/table.a" || fail "SIGHUP: the table did not change within 10 s"
sleep 0.3
phase b block pass

# An invalid policy: the running ruleset stays, and so does bunrid.
gw_table | table_norm >"$LAB_DIR/table.b"
cp "$LAB_DIR/bad.conf" "$CONF"
kill -HUP "$BUNRID_PID"
sleep 1.5
kill -0 "$BUNRID_PID" 2>/dev/null || fail "bunrid exited on an invalid reload (SIGHUP)"
gw_table | table_norm | diff -u "$LAB_DIR/table.b" - >&2 ||
    fail "an invalid reload (SIGHUP) changed the kernel table"
"$B/bunrictl" -S "$LAB_DIR/ctl.sock" reload >"$LAB_DIR/ctl.out" 2>&1
rc=$?
[ $rc = 1 ] || { cat "$LAB_DIR/ctl.out" >&2; fail "bunrictl reload of an invalid policy: exit $rc, expected 1"; }
grep -q error "$LAB_DIR/ctl.out" || { cat "$LAB_DIR/ctl.out" >&2; fail "bunrictl reload of an invalid policy did not print its errors"; }
gw_table | table_norm | diff -u "$LAB_DIR/table.b" - >&2 ||
    fail "an invalid reload (bunrictl) changed the kernel table"
phase bad block pass

# Back to A through bunrictl reload.
cp "$LAB_DIR/a.conf" "$CONF"
"$B/bunrictl" -S "$LAB_DIR/ctl.sock" reload >"$LAB_DIR/ctl.out" 2>&1 ||
    { cat "$LAB_DIR/ctl.out" >&2; fail "bunrictl reload of a valid policy failed"; }
wait_table_change "$LAB_DIR/table.b" || fail "bunrictl reload: the table did not change within 10 s"
sleep 0.3
phase a2 pass block
bunrid_stop
gw_table >/dev/null || fail "SIGTERM removed the table (it must stay: fail closed)"
say "ok: reload added and removed flows; invalid reloads kept the ruleset"
