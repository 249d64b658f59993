#!/bin/bash
# 115_orphan_restart.sh - the table outlives bunrid; changes made while it was orphaned are reported and undone at the next start.
#
# bunrid killed with SIGKILL or stopped: the table stays and still
# enforces (an allowed probe passes, forbidden ones do not).  While it is
# orphaned, an accept rule is inserted (or the table deleted): the next
# bunrid reports ruleset-tampered (sid 7) naming the change and the table
# equals the policy again within 1 s of its start.  A changed policy file
# between runs is not tampering (no sid 7).  A restart with an invalid
# policy is refused and the old table stands.
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid
lab_init
POL=$NETNS_DIR/policies/pairs.conf
lab_build "$POL"
lab_policy "$POL" "$LAB_DIR/bunri.conf"

# The table as nft prints it, without what changes by itself or with the owner.
gw_text() { gw_table | table_norm | grep -v '^[[:space:]]*flags owner'; }
tampered() { grep -c '"signature_id":7[,}]' "$LAB_DIR/eve.json" 2>/dev/null || true; }
last7() { grep '"signature_id":7[,}]' "$LAB_DIR/eve.json" | tail -1; }

probes() {
	for f in 4 6; do
		probe_line "mn-lg/v$f/pass" mynumber:mn-a lgwan:lg-a udp 1202 $f
		probe_line "mn-in/v$f/block" mynumber:mn-a internet:in-a udp 1202 $f
		probe_line "ina-lga/v$f/block" internet:in-a lgwan:lg-a udp 3202 $f
	done
}
probes >"$LAB_DIR/probes"
enforcing() {
	run_probes --wait 0.5 <"$LAB_DIR/probes" >"$LAB_DIR/results"
	check_results "$LAB_DIR/results" || fail "$1: the table does not enforce the policy"
}

# restart_check WHAT PATTERN: start bunrid; within 1 s of its start the
# table equals the reference, and one more sid 7 alert says PATTERN.
restart_check() {
	n0=$(tampered)
	t0=$(date +%s%N)
	ip netns exec "$GW" "$B/bunrid" -c "$LAB_DIR/bunri.conf" -f >>"$LAB_DIR/bunrid.log" 2>&1 &
	BUNRID_PID=$!
	LAB_PIDS="$LAB_PIDS $BUNRID_PID"
	# nft's text (cheap to poll) first, the canonical JSON once it matches.
	while ! gw_text | cmp -s - "$LAB_DIR/ref.txt"; do
		if [ $(( $(date +%s%N) - t0 )) -gt 1000000000 ]; then
			gw_text | diff "$LAB_DIR/ref.txt" - >&2
			fail "$1: the table is not the policy's 1 s after bunrid started"
		fi
		sleep 0.01
	done
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	gw_canon --no-flags >"$LAB_DIR/canon.now"
	cmp -s "$LAB_DIR/canon.now" "$LAB_DIR/ref" || fail "$1: the restored table differs from the policy's"
	i=0
	while [ "$(tampered)" = "$n0" ] && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
	[ "$(tampered)" -gt "$n0" ] || fail "$1: no ruleset-tampered alert after the restart"
	last7 | grep -q "$2" || fail "$1: the alert does not say '$2': $(last7)"
	say "ok: $1: reported and undone, table as the policy says $ms ms after start"
}

bunrid_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"
sleep 0.3
gw_canon --no-flags >"$LAB_DIR/ref"
gw_text >"$LAB_DIR/ref.txt"
[ -s "$LAB_DIR/ref" ] || fail "no table"
[ "$(tampered)" = 0 ] || fail "first start reported tampering: $(last7)"

# SIGKILL: the table stays, orphaned, and still enforces.
bunrid_stop KILL
gw_canon --no-flags >"$LAB_DIR/canon.now"
cmp -s "$LAB_DIR/canon.now" "$LAB_DIR/ref" || fail "the table changed when bunrid was killed"
enforcing "after SIGKILL"
say "ok: SIGKILL: the table stays and enforces"

# Orphaned: anyone may edit it now; the next bunrid sees it.
in_ns "$GW" nft insert rule inet bunri forward accept || fail "could not edit the orphaned table"
restart_check "accept inserted while orphaned" "rule.*chain forward"
enforcing "after the restore"

bunrid_stop KILL
in_ns "$GW" nft delete table inet bunri || fail "could not delete the orphaned table"
restart_check "table deleted while orphaned" "table inet bunri deleted"

bunrid_stop KILL
in_ns "$GW" nft add element inet bunri isolated '{ "mn0" }' || fail "could not add an element"
restart_check "element added while orphaned" "set isolated"

# SIGTERM: the table stays.
bunrid_stop TERM
gw_canon --no-flags >"$LAB_DIR/canon.now"
cmp -s "$LAB_DIR/canon.now" "$LAB_DIR/ref" || fail "the table changed when bunrid stopped"
enforcing "after SIGTERM"
say "ok: SIGTERM: the table stays and enforces"

# A restart without any change: nothing reported.
n0=$(tampered)
bunrid_start "$LAB_DIR/bunri.conf" || fail "bunrid did not restart"
sleep 0.5
[ "$(tampered)" = "$n0" ] || fail "an unchanged table was reported as tampered: $(last7)"
bunrid_stop TERM

# A changed policy file between runs explains the difference: no sid 7.
cp "$LAB_DIR/bunri.conf" "$LAB_DIR/bunri.conf.orig"
sed -i '/id = "MN-LG-T"/d' "$LAB_DIR/bunri.conf"
bunrid_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start on the changed policy"
sleep 0.5
[ "$(tampered)" = "$n0" ] || fail "a policy change between runs was reported as tampering: $(last7)"
gw_canon --no-flags >"$LAB_DIR/ref2"
cmp -s "$LAB_DIR/ref2" "$LAB_DIR/ref" && fail "the changed policy did not change the table"
bunrid_stop KILL
say "ok: a policy changed between runs is not reported as tampering"

# An invalid policy: refused, the old table stands.
printf 'zones = (;\n' >>"$LAB_DIR/bunri.conf"
if ip netns exec "$GW" "$B/bunrid" -c "$LAB_DIR/bunri.conf" -f >>"$LAB_DIR/bunrid.log" 2>&1; then
	fail "bunrid started with an invalid policy"
fi
gw_canon --no-flags >"$LAB_DIR/canon.now"
cmp -s "$LAB_DIR/canon.now" "$LAB_DIR/ref2" || fail "the table changed after an invalid policy was refused"
say "ok: an invalid policy is refused and the old table stands"
say "ok"
