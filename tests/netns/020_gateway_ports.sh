#!/bin/bash
# 020_gateway_ports.sh - the gateway's own ports: only admin.from hosts reach admin.ports.
#
# Policy: policies/pairs.conf, admin = { from = [ "mgmt:mg-a" ]; ports = [ 22 ]; }.
# A listener of the probe tool stands in for sshd inside the gateway
# namespace; "passed" means the TCP handshake (or UDP echo) completed.
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid
lab_init
POL=$NETNS_DIR/policies/pairs.conf
lab_build "$POL"
lab_policy "$POL" "$LAB_DIR/bunri.conf"
bunrid_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"

probes=$LAB_DIR/probes
: >"$probes"
add() { exp=$1; shift; probe_line "$1/$exp" "${@:2}" >>"$probes"; }
for f in 4 6; do
	add pass  "admin/v$f"               mgmt:mg-a gw:mgmt tcp 22 $f
	add block "admin-other-port/v$f"    mgmt:mg-a gw:mgmt tcp 23 $f
	add block "admin-udp/v$f"           mgmt:mg-a gw:mgmt udp 22 $f
	add block "other-mgmt-host/v$f"     mgmt:mg-b gw:mgmt tcp 22 $f
	add block "unknown-mac/v$f"         mgmt:~stranger gw:mgmt tcp 22 $f
	add block "wrong-mac/v$f"           mgmt:~stranger gw:mgmt tcp 22 $f t "$(host_addr mgmt:mg-a $f)"
	add block "spoofed-from-lgwan/v$f"  lgwan:lg-a gw:lgwan tcp 22 $f t "$(host_addr mgmt:mg-a $f)"
	for z in mynumber lgwan internet; do
		h=${z:0:2}; [ $z = mynumber ] && h=mn
		add block "$z-host/v$f"     $z:$h-a gw:$z tcp 22 $f
		add block "$z-to-mgmt-addr/v$f" $z:$h-a gw:mgmt tcp 22 $f
		add block "$z-stranger/v$f" $z:~stranger gw:$z tcp 22 $f
	done
done
n=$(wc -l <"$probes")
run_probes --wait 1.5 <"$probes" >"$LAB_DIR/results"
bad=0
while read -r id got reply; do
	if [ "$got" != "${id##*/}" ]; then
		say "wrong verdict: ${id%/*}: expected ${id##*/}, got $got" >&2
		bad=$((bad + 1))
	fi
done <"$LAB_DIR/results"
[ "$(wc -l <"$LAB_DIR/results")" = "$n" ] || fail "expected $n results"
[ $bad = 0 ] || fail "$bad of $n probes to the gateway got the wrong verdict"
say "ok: $n probes to the gateway's own addresses; only mgmt:mg-a reached port 22"
