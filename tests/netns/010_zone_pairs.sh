#!/bin/bash
# 010_zone_pairs.sh - every zone pair x {allowed, wrong port, wrong destination, wrong MAC, unknown MAC, spoofed}: exactly the allowed pass.
#
# Policy: policies/pairs.conf (a TCP, UDP and ICMP flow per allowed zone
# pair, v4 and v6).  The expectations are derived here from the rules of
# config.md, independently of bunri's own decide(): a registered host with
# its own MAC and address passes exactly the flows naming it (or its
# zone); a foreign MAC on a bound address, an unregistered MAC on a
# host-pinned flow and a source from another zone's network never pass.
# An allowed probe must also get its answer back (reply direction).
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid
lab_init
POL=$NETNS_DIR/policies/pairs.conf
lab_build "$POL"
lab_policy "$POL" "$LAB_DIR/bunri.conf"
bunrid_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"

other() { case $1 in *-a) echo "${1%-a}-b" ;; *) echo "${1%-b}-a" ;; esac; }
# A source address from another zone's network (same family): spoofing.
spoof_for() {
	case $1 in
	mynumber) z=lgwan ;; lgwan) z=mgmt ;; internet) z=mynumber ;; *) z=lgwan ;;
	esac
	host_addr "$z:~stranger" "$2"
}

probes=$LAB_DIR/probes
: >"$probes"
add() { # EXPECT ID FROM TO PROTO PORT FAM [FLAGS SRC]
	exp=$1; shift
	probe_line "$1/$exp" "${@:2}" >>"$probes"
}

while read -r kind id from to proto ports; do
	[ "$kind" = flow ] || continue
	case $from in *:*) ;; *) continue ;; esac	# whole-zone source: below
	fz=${from%%:*} tz=${to%%:*} th=${to#*:}
	port=${ports%%,*}
	case $proto in
	icmp)	fams=4 pp=icmp port=- ;;
	icmpv6)	fams=6 pp=icmp port=- ;;
	*)	fams="4 6" pp=$proto ;;
	esac
	for f in $fams; do
		add pass "$id/v$f/allowed" "$from" "$to" $pp $port $f
		[ $port != - ] && add block "$id/v$f/wrong-port" "$from" "$to" $pp $((port + 50)) $f
		add block "$id/v$f/wrong-dst" "$from" "$tz:$(other "$th")" $pp $port $f
		add block "$id/v$f/wrong-mac" "$fz:~stranger" "$to" $pp $port $f t "$(host_addr "$from" $f)"
		add block "$id/v$f/unknown-mac" "$fz:~stranger" "$to" $pp $port $f
		add block "$id/v$f/spoofed" "$from" "$to" $pp $port $f t "$(spoof_for "$fz" $f)"
	done
done <"$LAB_DIR/spec"

# mynumber <-> internet: no flow, whatever the protocol (rule 1).
for f in 4 6; do
	for p in "tcp 1201" "udp 1202" "icmp -"; do
		add block "MN-IN/v$f/${p% *}" mynumber:mn-a internet:in-a $p $f
		add block "IN-MN/v$f/${p% *}" internet:in-a mynumber:mn-a $p $f
		add block "MN-IN-b/v$f/${p% *}" mynumber:mn-b internet:in-b $p $f
	done
	# The whole-zone flow LGZ-MG-U: any lgwan host, also unregistered
	# devices (unknown_hosts = alert); a bound address with a foreign MAC
	# still fails, and so does a source spoofed into lgwan.
	add pass "LGZ-MG-U/v$f/host" lgwan:lg-a mgmt:mg-b udp 2499 $f
	add pass "LGZ-MG-U/v$f/unknown-alert" lgwan:~stranger mgmt:mg-b udp 2499 $f
	add block "LGZ-MG-U/v$f/wrong-mac" lgwan:~stranger mgmt:mg-b udp 2499 $f t "$(host_addr lgwan:lg-b $f)"
	add block "LGZ-MG-U/v$f/spoofed" lgwan:lg-a mgmt:mg-b udp 2499 $f t "$(spoof_for lgwan $f)"
	add block "LGZ-MG-U/v$f/wrong-port" lgwan:~stranger mgmt:mg-b udp 2498 $f
	# mynumber blocks unregistered devices even inside its own rules.
	add block "MN-LG/v$f/unknown-block" mynumber:~stranger lgwan:lg-a udp 1202 $f
done

n=$(wc -l <"$probes")
run_probes --wait 1.5 <"$probes" >"$LAB_DIR/results"
bad=0
while read -r id got reply; do
	base=${id%/*} want=${id##*/}
	case $base in */allowed|*/host|*/unknown-alert) need_reply=1 ;; *) need_reply=0 ;; esac
	if [ "$got" != "$want" ]; then
		say "wrong verdict: $base: expected $want, got $got" >&2
		bad=$((bad + 1))
	elif [ "$want" = pass ] && [ $need_reply = 1 ] && [ "$reply" != reply ]; then
		say "reply lost: $base: the probe passed but its answer did not come back" >&2
		bad=$((bad + 1))
	fi
done <"$LAB_DIR/results"
[ "$(wc -l <"$LAB_DIR/results")" = "$n" ] || fail "expected $n results"
[ $bad = 0 ] || fail "$bad of $n probes got the wrong verdict"
say "ok: $n probes, every allowed one passed (with its reply), every other blocked"
