#!/bin/bash
# 150_confirm.sh - apply FILE --confirm: without confirm the old policy is back by itself (kernel table and traffic); with confirm it stays; history and diff.
#
# Policy: policies/pairs.conf; the new policy drops flow LG-MG-T (lgwan:lg-a ->
# mgmt:mg-a tcp 2401), standing for the change that locks the operator out.
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid bunrictl
lab_init

POL=$NETNS_DIR/policies/pairs.conf
CONF=$LAB_DIR/bunri.conf
NEW=$LAB_DIR/new.conf
SOCK=$LAB_DIR/ctl.sock
EVE=$LAB_DIR/eve.json
lab_build "$POL"
lab_policy "$POL" "$CONF"
sed '/id = "LG-MG-T"/d' "$CONF" >"$NEW"
cmp -s "$CONF" "$NEW" && fail "the new policy does not differ"

ctl_expect() { # RC ARGS...: output in $LAB_DIR/out
	want=$1; shift
	"$B/bunrictl" -S "$SOCK" "$@" >"$LAB_DIR/out" 2>&1
	got=$?
	[ "$got" = "$want" ] || { cat "$LAB_DIR/out" >&2; fail "bunrictl $*: exit $got, expected $want"; }
}
has() { grep -q -- "$1" "$LAB_DIR/out" || { cat "$LAB_DIR/out" >&2; fail "$2: no \"$1\" in the output"; }; }
probe() { # VERDICT: lgwan:lg-a -> mgmt:mg-a tcp 2401 (IPv4 and IPv6)
	{
		probe_line LG-MG-T4/$1 lgwan:lg-a mgmt:mg-a tcp 2401 4
		probe_line LG-MG-T6/$1 lgwan:lg-a mgmt:mg-a tcp 2401 6
		probe_line MN-LG-T/pass mynumber:mn-a lgwan:lg-a tcp 1201 4
	} | run_probes >"$LAB_DIR/res"
	check_results "$LAB_DIR/res" || fail "$2: wrong verdicts"
}
# wait_table FILE SECONDS: until the kernel's table equals FILE (normalized).
wait_table() {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		gw_table | table_norm | cmp -s - "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

bunrid_start "$CONF" || fail "bunrid did not start"
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
gw_table | table_norm >"$LAB_DIR/table.old"
probe pass "before any apply"
OLDSHA=$(sha256sum "$CONF" | cut -d' ' -f1)
NEWSHA=$(sha256sum "$NEW" | cut -d' ' -f1)

# ---- while an apply awaits confirmation (a long deadline: slow machines) ----
ctl_expect 1 confirm
has "no applied policy awaits confirmation" "confirm with nothing pending"
ctl_expect 0 apply "$NEW" --confirm 60
has "rolls back in 60 s unless confirmed" "apply --confirm 60"
gw_table | table_norm >"$LAB_DIR/table.new"
cmp -s "$LAB_DIR/table.old" "$LAB_DIR/table.new" && fail "apply did not change the table"
gw_table | grep -q 'LG-MG-T' && fail "the applied table still counts LG-MG-T"
ctl_expect 1 apply "$NEW" --confirm 3
has "awaits confirmation" "a second apply while one is pending"
ctl_expect 0 status
has "awaiting confirmation: $NEW" "status while pending"
has "policy sha256: $NEWSHA" "status while pending"
probe block "right after apply"
# Back by hand: confirm, then apply the old file without --confirm.
ctl_expect 0 confirm
ctl_expect 0 apply "$CONF"
grep -q "awaiting confirmation" "$LAB_DIR/out" && fail "apply without --confirm awaits confirmation"
gw_table | table_norm | cmp -s - "$LAB_DIR/table.old" || fail "apply of the old file did not bring its table back"

# ---- no confirm: rolled back by itself ----
t0=$(date +%s%N)
ctl_expect 0 apply "$NEW" --confirm 3
gw_table | table_norm | cmp -s - "$LAB_DIR/table.new" || fail "apply --confirm 3 did not install the new table"
wait_table "$LAB_DIR/table.old" 6 || { gw_table >&2; fail "the old table is not back within 6 s"; }
ms=$((($(date +%s%N) - t0) / 1000000))
[ $ms -ge 2900 ] || fail "rolled back after $ms ms, before the 3 s were up"
say "rolled back after $ms ms"
probe pass "after the rollback"
ctl_expect 0 status
has "policy sha256: $OLDSHA" "status after the rollback"
has "policy: $CONF" "status after the rollback"
grep -q "awaiting confirmation" "$LAB_DIR/out" && fail "still awaiting after the rollback"
grep -q "policy rolled back to $CONF" "$LAB_DIR/bunrid.log" || fail "no rollback in bunrid's log"

# ---- confirmed: stays ----
ctl_expect 0 apply "$NEW" --confirm 3
ctl_expect 0 confirm
has "policy confirmed: $NEW" "confirm"
sleep 4.5
gw_table | table_norm | cmp -s - "$LAB_DIR/table.new" || { gw_table >&2; fail "the confirmed policy did not stay"; }
probe block "after confirm and the deadline"
ctl_expect 1 confirm
# A reload now re-reads the applied file (a SIGHUP from logrotate must not undo it).
ctl_expect 0 reload
has "reloaded $NEW" "reload after apply"

# ---- an invalid file is refused, nothing changes ----
sed -e '/^flows = (/a\  { id = "BAD-1"; from = "mynumber:mn-a"; to = "internet:in-a"; proto = "tcp"; ports = [ 443 ]; reason = "lab"; approval = "LAB"; },' \
    "$CONF" >"$LAB_DIR/bad.conf"
ctl_expect 1 apply "$LAB_DIR/bad.conf" --confirm 3
has "error: " "invalid apply"
has "apply refused" "invalid apply"
gw_table | table_norm | cmp -s - "$LAB_DIR/table.new" || fail "a refused apply changed the table"
ctl_expect 1 apply relative/missing.conf
ctl_expect 1 apply "$NEW" --confirm x

# ---- history, kept policies, diff, alerts ----
H=$LAB_DIR/state/history.log
[ "$(stat -c %a "$H")" = 600 ] || fail "history.log mode $(stat -c %a "$H")"
for want in "start $OLDSHA ok" "apply $NEWSHA ok" "rollback $OLDSHA ok" "confirm $NEWSHA ok" \
    "reload $NEWSHA ok" "apply - refused\|apply [0-9a-f]* refused"; do
	grep -q "^20[0-9-]*T[0-9:]*[-+][0-9][0-9]:[0-9][0-9] [^ ]* $want" "$H" ||
	    { cat "$H" >&2; fail "history.log: no \"$want\" line"; }
done
grep -q " 0(root) apply $NEWSHA ok" "$H" || { cat "$H" >&2; fail "history.log: apply not by 0(root)"; }
grep -q " bunrid rollback " "$H" || fail "history.log: the rollback not by bunrid"
for s in $OLDSHA $NEWSHA; do
	f=$LAB_DIR/state/policies/$s.conf
	[ -f "$f" ] || fail "policies/$s.conf not kept"
	[ "$(sha256sum "$f" | cut -d' ' -f1)" = "$s" ] || fail "policies/$s.conf does not hash to its name"
	[ "$(stat -c %a "$f")" = 600 ] || fail "policies/$s.conf mode $(stat -c %a "$f")"
done
"$B/bunrictl" -c "$CONF" history >"$LAB_DIR/out" 2>&1 || { cat "$LAB_DIR/out" >&2; fail "bunrictl history"; }
cmp -s "$LAB_DIR/out" "$H" || fail "bunrictl history differs from history.log"
"$B/bunrictl" -c "$CONF" history -n 2 >"$LAB_DIR/out" 2>&1
[ "$(wc -l <"$LAB_DIR/out")" = 2 ] || fail "history -n 2"
"$B/bunrictl" -c "$CONF" diff "${OLDSHA:0:8}" running >"$LAB_DIR/out" 2>&1 || { cat "$LAB_DIR/out" >&2; fail "bunrictl diff"; }
grep -q '^-.*id = "LG-MG-T"' "$LAB_DIR/out" || { cat "$LAB_DIR/out" >&2; fail "diff does not show LG-MG-T removed"; }
[ "$(grep -c '^[-+][^-+]' "$LAB_DIR/out")" = 1 ] || { cat "$LAB_DIR/out" >&2; fail "diff shows more than the one line"; }
"$B/bunrictl" -c "$CONF" diff running running >"$LAB_DIR/out" 2>&1 && [ ! -s "$LAB_DIR/out" ] || fail "diff running running"
"$B/bunrictl" -c "$CONF" diff 0 running >/dev/null 2>&1 && fail "diff accepted a 1-digit prefix"
for sig in "policy applied: $NEW; rolls back in 3 s" "policy rolled back to $CONF" "policy confirmed: $NEW" "policy refused: $LAB_DIR/bad.conf"; do
	grep '"signature_id":9' "$EVE" | grep -qF "\"signature\":\"$sig" ||
	    { grep '"signature_id":9' "$EVE" >&2; fail "no policy-change alert \"$sig\""; }
done
bunrid_stop
grep -q 'ERROR: \(Address\|Leak\|Undefined\)Sanitizer\|runtime error:' "$LAB_DIR/bunrid.log" && fail "sanitizer reports in bunrid's log"
say "ok: apply --confirm 3 rolled back in $ms ms, confirmed apply stayed, history and diff"
exit 0
