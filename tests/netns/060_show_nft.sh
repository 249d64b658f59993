#!/bin/bash
# 060_show_nft.sh - `bunrictl show --nft` loads with nft -f and equals the table bunrid installs.
#
# For each policy (the lab's pairs.conf and the example conf/bunri.conf),
# bunrid applies it in the gateway namespace and `show --nft` is loaded
# with `nft -f` into a scratch namespace; both tables are compared in
# canonical form (nftcanon.py: counter values, the countdown and initial
# value of element timeouts, and the table's owner/persist flags, which
# nft 1.0.6 text cannot carry, are ignored; everything else must match).
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid bunrictl
lab_init
SCRATCH=$LAB-scratch
ns_add "$SCRATCH"
ns_add "$GW"
n=0
for pol in "$NETNS_DIR/policies/pairs.conf" "$TOP/conf/bunri.conf"; do
	[ -f "$pol" ] || fail "missing $pol"
	name=$(basename "$pol")
	lab_policy "$pol" "$LAB_DIR/$name"
	"$B/bunrictl" show --nft -c "$LAB_DIR/$name" >"$LAB_DIR/$name.nft" 2>"$LAB_DIR/$name.err" ||
	    { cat "$LAB_DIR/$name.err" >&2; fail "$name: bunrictl show --nft failed"; }
	head -n 2 "$LAB_DIR/$name.nft" | tr '\n' '|' | grep -qx 'table inet bunri|delete table inet bunri|' ||
	    fail "$name: show --nft does not start with 'table inet bunri' + 'delete table inet bunri'"
	# Twice: the second load must replace the first atomically.
	for k in 1 2; do
		in_ns "$SCRATCH" nft -f "$LAB_DIR/$name.nft" ||
		    fail "$name: nft -f rejects the output of show --nft (load $k)"
	done
	in_ns "$SCRATCH" nft -j list table inet bunri |
	    python3 "$NETNS_DIR/nftcanon.py" --no-flags --no-timeout >"$LAB_DIR/$name.shown"
	# bunrid may open its zone interfaces (sniffer): give it some (veth
	# pairs, with the far end left in the gateway too; no dummy module needed).
	python3 "$NETNS_DIR/labspec.py" "$pol" | awk '$1 == "zone" { print $5 }' | tr , '\n' |
	while read -r ifc; do
		ip -n "$GW" link show "$ifc" >/dev/null 2>&1 ||
		    ip -n "$GW" link add "$ifc" type veth peer name "x$ifc" || fail "veth $ifc"
		ip -n "$GW" link set "$ifc" up
	done
	bunrid_start "$LAB_DIR/$name" || fail "$name: bunrid did not start"
	sleep 0.5
	gw_canon --no-flags --no-timeout >"$LAB_DIR/$name.installed"
	bunrid_stop
	in_ns "$GW" nft delete table inet bunri 2>/dev/null
	in_ns "$SCRATCH" nft delete table inet bunri
	[ -s "$LAB_DIR/$name.installed" ] || fail "$name: bunrid installed no table"
	if ! diff -u "$LAB_DIR/$name.installed" "$LAB_DIR/$name.shown" >"$LAB_DIR/$name.diff"; then
		head -n 30 "$LAB_DIR/$name.diff" >&2
		fail "$name: the table from show --nft differs from the one bunrid installs (- bunrid, + show --nft)"
	fi
	say "$name: show --nft = bunrid's table ($(wc -l <"$LAB_DIR/$name.installed") objects)"
	n=$((n + 1))
done
say "ok: $n policies"
