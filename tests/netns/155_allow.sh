#!/bin/bash
# 155_allow.sh - bunrictl allow: a temporary exception passes, survives a reload, stops at its TTL; one that breaks a separation rule is refused.
#
# Policy: policies/pairs.conf.  lgwan:lg-b -> mgmt:mg-b tcp 2998 has no flow
# (blocked); the exception opens it for 6 s.  lg-a is a peer of mynumber,
# so lg-a -> internet is refused by rule 3, mynumber -> internet by rule 1.
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid bunrictl
lab_init

POL=$NETNS_DIR/policies/pairs.conf
CONF=$LAB_DIR/bunri.conf
SOCK=$LAB_DIR/ctl.sock
EVE=$LAB_DIR/eve.json
lab_build "$POL"
lab_policy "$POL" "$CONF"

ctl_expect() { # RC ARGS...: output in $LAB_DIR/out
	want=$1; shift
	"$B/bunrictl" -S "$SOCK" "$@" >"$LAB_DIR/out" 2>&1
	got=$?
	[ "$got" = "$want" ] || { cat "$LAB_DIR/out" >&2; fail "bunrictl $*: exit $got, expected $want"; }
}
has() { grep -q -- "$1" "$LAB_DIR/out" || { cat "$LAB_DIR/out" >&2; fail "$2: no \"$1\" in the output"; }; }
probe() { # VERDICT WHEN
	{
		probe_line TMP4/$1 lgwan:lg-b mgmt:mg-b tcp 2998 4
		probe_line TMP6/$1 lgwan:lg-b mgmt:mg-b tcp 2998 6
		probe_line other-port/block lgwan:lg-b mgmt:mg-b tcp 2997 4
		probe_line reverse/block mgmt:mg-b lgwan:lg-b tcp 2998 4
	} | run_probes >"$LAB_DIR/res"
	check_results "$LAB_DIR/res" || fail "$2: wrong verdicts"
}

bunrid_start "$CONF" || fail "bunrid did not start"
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
gw_table | table_norm >"$LAB_DIR/table.before"
probe block "before allow"

# ---- refused: separation rules, missing reason, TTL bounds ----
ctl_expect 1 allow --from mynumber:mn-a --to internet:in-a --proto tcp --port 443 --ttl 60 --reason "lab"
has "refused: " "mynumber -> internet"
has "internet" "rule 1 message"
ctl_expect 1 allow --from lgwan:lg-a --to internet:in-a --proto tcp --port 443 --ttl 60 \
    --sanitize screen-transfer --reason "lab"
has "refused: " "a mynumber peer -> internet (rule 3)"
ctl_expect 1 allow --from lgwan:lg-b --to internet:in-a --proto tcp --port 8443 --ttl 60 --reason "lab"
has "sanitize" "lgwan -> internet without sanitize (rule 4)"
ctl_expect 1 allow --from lgwan:lg-b --to mgmt:mg-b --proto tcp --port 2998 --ttl 60
has "reason" "no reason"
ctl_expect 1 allow --from lgwan:lg-b --to mgmt:mg-b --proto tcp --port 2998 --ttl 60 --reason "   "
ctl_expect 1 allow --from lgwan:lg-b --to mgmt:mg-b --proto tcp --port 2998 --ttl 25h --reason "lab"
has "24 h" "TTL over a day"
ctl_expect 1 allow --from lgwan:lg-b --to mgmt:nosuch --proto tcp --port 2998 --ttl 60 --reason "lab"
has "no host \"nosuch\"" "unknown host"
ctl_expect 1 allow --from lgwan:lg-b --to mgmt:mg-b --proto tcp --ttl 60 --reason "lab"
has "port" "tcp without a port"
gw_table | table_norm | cmp -s - "$LAB_DIR/table.before" || fail "a refused allow changed the table"

# ---- allowed for 6 s, across a reload ----
t0=$(date +%s%N)
ctl_expect 0 allow --from lgwan:lg-b --to mgmt:mg-b --proto tcp --port 2998 --ttl 6 \
    --reason "障害対応: 管理サーバ保守 (lab)" --approval "EMG-1"
has "temporary exception added: TMP-1 lgwan:lg-b -> mgmt:mg-b tcp/2998" "allow"
probe pass "while allowed"
ctl_expect 0 status
has "temporary exceptions: 1" "status"
has "TMP-1 lgwan:lg-b -> mgmt:mg-b tcp/2998; [0-9]* s left; by 0(root): 障害対応" "status"
has "^  TMP-1 " "status flows list"
ctl_expect 0 reload
probe pass "after a reload"
# The kernel ends it on its own (element timeouts), bunrid reports it.
i=0
while [ $i -lt 100 ]; do
	grep -q "temporary exception ended: TMP-1" "$LAB_DIR/bunrid.log" && break
	sleep 0.1
	i=$((i + 1))
done
ms=$((($(date +%s%N) - t0) / 1000000))
[ $i -lt 100 ] || fail "the end of TMP-1 was not reported within 10 s"
[ $ms -ge 4900 ] || fail "TMP-1 ended after $ms ms, well before its 6 s (TTLs count in whole seconds)"
sleep 0.5
probe block "after the TTL"
ctl_expect 0 status
has "temporary exceptions: 0" "status after the TTL"
# The expired flow is gone from the table, not only timed out.
gw_table | grep -q TMP-1 && { gw_table >&2; fail "TMP-1 is still in the table"; }

# ---- the kernel's timeouts end it even when bunrid is stopped ----
ctl_expect 0 allow --from lgwan:lg-b --to mgmt:mg-b --proto tcp --port 2998 --ttl 3s --reason "lab: stop"
probe pass "second exception"
bunrid_stop
sleep 3.5
probe block "TTL over while bunrid is stopped"

# ---- history and alerts ----
H=$LAB_DIR/state/history.log
for want in " 0(root) allow [0-9a-f]* refused " " 0(root) allow [0-9a-f]* ok temporary exception added: TMP-1" \
    " bunrid allow-end [0-9a-f]* ok temporary exception ended: TMP-1"; do
	grep -q "$want" "$H" || { cat "$H" >&2; fail "history.log: no \"$want\""; }
done
for sig in "temporary exception added: TMP-1" "temporary exception ended: TMP-1" "temporary exception refused: "; do
	grep '"signature_id":9' "$EVE" | grep -qF "\"signature\":\"$sig" ||
	    { grep '"signature_id":9' "$EVE" >&2; fail "no policy-change alert \"$sig\""; }
done
grep -q 'ERROR: \(Address\|Leak\|Undefined\)Sanitizer\|runtime error:' "$LAB_DIR/bunrid.log" && fail "sanitizer reports in bunrid's log"
say "ok: refused by the separation rules, passed for its TTL (ended after $ms ms), kept across a reload"
exit 0
