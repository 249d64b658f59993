#!/bin/bash
# 050_sigkill_apply.sh - SIGKILL of bunrid at random moments during 100 applies of a large policy.
#
# Two versions of a policy with N (default 3,000; N=20000 for more) generated flows that share
# no generated element.  Each round starts bunrid on the other version and
# SIGKILLs it after a random delay within its apply time; the kernel table
# must then be entirely the old or entirely the new one (canonical JSON,
# nftcanon.py, table flags aside: owner shows only while bunrid lives),
# never a mix and never missing.  Meanwhile a background
# prober keeps sending packets no version allows: none may ever cross.
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid
lab_init
N=${N:-3000}
ROUNDS=${ROUNDS:-100}
SEED=${SEED:-$$}
RANDOM=$SEED
POL=$NETNS_DIR/policies/pairs.conf
lab_build "$POL"
lab_policy "$POL" "$LAB_DIR/base.conf"
python3 "$NETNS_DIR/gen_large.py" "$LAB_DIR/base.conf" "$N" 0 >"$LAB_DIR/v0.conf"
python3 "$NETNS_DIR/gen_large.py" "$LAB_DIR/base.conf" "$N" 1 >"$LAB_DIR/v1.conf"
say "seed $SEED, $N generated flows, $ROUNDS rounds"

# The two reference tables, each applied to completion.
for v in 0 1; do
	t0=$(date +%s%N)
	bunrid_start "$LAB_DIR/v$v.conf" || fail "bunrid did not start on v$v"
	t1=$(date +%s%N)
	sleep 1
	gw_canon --no-flags >"$LAB_DIR/canon.v$v"
	bunrid_stop
	[ -s "$LAB_DIR/canon.v$v" ] || fail "no table after applying v$v"
	in_ns "$GW" nft delete table inet bunri 2>/dev/null
	apply_ms=$(( (t1 - t0) / 1000000 ))
	say "v$v: table in the kernel $apply_ms ms after start"
done
cmp -s "$LAB_DIR/canon.v0" "$LAB_DIR/canon.v1" && fail "the two versions compile to the same table"
window=$(( apply_ms * 3 / 2 + 50 ))

# Forbidden in both versions: no flow names these sources/destinations/ports.
forbidden() {
	for f in 4 6; do
		probe_line "mn-in/v$f/block" mynumber:mn-a internet:in-a udp 1202 $f
		probe_line "lgb-mga/v$f/block" lgwan:lg-b mgmt:mg-a udp 2402 $f
		probe_line "ina-lga/v$f/block" internet:in-a lgwan:lg-a udp 3202 $f
		probe_line "stranger-mn/v$f/block" mynumber:~stranger lgwan:lg-a udp 1202 $f
	done
	probe_line "lga-gen/v4/block" lgwan:lg-a mgmt:mg-a udp 10005 4
	probe_line "lga-gen1/v4/block" lgwan:lg-a mgmt:mg-a udp 40005 4
}
# Start from v0 in the kernel.
bunrid_start "$LAB_DIR/v0.conf" || fail "bunrid did not start"
sleep 0.5
# Probe only from here on: before v0 is in place the namespace has no table
# at all (the reference runs above deleted theirs), and a boot-time base
# table is not part of this lab, so an earlier probe would cross.
forbidden >"$LAB_DIR/forbidden"
touch "$LAB_DIR/probing"
(
	i=0
	while [ -e "$LAB_DIR/probing" ] && [ $i -lt 400 ]; do
		timeout 20 python3 "$NETNS_DIR/probe.py" --wait 0.3 <"$LAB_DIR/forbidden" >>"$LAB_DIR/bg.results"
		sleep 0.3	# leave the CPUs to bunrid and the checks
		i=$((i + 1))
	done
) &
PROBER=$!
LAB_PIDS="$LAB_PIDS $PROBER"

bunrid_stop KILL
old=0 new=0 cur=0
for r in $(seq 1 "$ROUNDS"); do
	next=$((1 - cur))
	delay=$(( RANDOM % window ))
	ip netns exec "$GW" "$B/bunrid" -c "$LAB_DIR/v$next.conf" -f >>"$LAB_DIR/bunrid.log" 2>&1 &
	BUNRID_PID=$!
	LAB_PIDS="$LAB_PIDS $BUNRID_PID"
	sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
	bunrid_stop KILL
	gw_canon --no-flags >"$LAB_DIR/canon.now"
	if cmp -s "$LAB_DIR/canon.now" "$LAB_DIR/canon.v$next"; then
		new=$((new + 1)); cur=$next
	elif cmp -s "$LAB_DIR/canon.now" "$LAB_DIR/canon.v$cur"; then
		old=$((old + 1))
	else
		[ -s "$LAB_DIR/canon.now" ] || fail "round $r (kill after ${delay} ms): no table in the kernel"
		python3 "$NETNS_DIR/nftcanon.py" --diff "$LAB_DIR/canon.v$cur" "$LAB_DIR/canon.v$next" \
		    "$LAB_DIR/canon.now" >&2
		fail "round $r (kill after ${delay} ms): the table is neither v$cur nor v$next"
	fi
done
rm -f "$LAB_DIR/probing"
wait "$PROBER" 2>/dev/null
LAB_PIDS=$(echo "$LAB_PIDS" | tr ' ' '\n' | grep -vx "$PROBER" | tr '\n' ' ')
[ -s "$LAB_DIR/bg.results" ] || fail "the background prober produced no results"
nprobes=$(wc -l <"$LAB_DIR/bg.results")
check_results "$LAB_DIR/bg.results" || fail "forbidden probes crossed while bunrid was being killed"
say "ok: $ROUNDS kills (window ${window} ms): $old left the old table, $new the new one, never a mix; $nprobes forbidden probes, none crossed"
