#!/bin/bash
# 040_revocation_expiry.sh - a reload removing a flow cuts its open TCP connection; a flow stops at its expires instant.
#
# Revocation: a connection of MG-LG-T (mgmt:mg-a -> lgwan:lg-a tcp 4201)
# is open and busy in both directions when a reload removes the flow; from
# then on no segment of it may cross either way.  Expiry: flow EXP-1 gets
# an RFC 3339 `expires` a few seconds ahead; it passes before and is
# blocked after that instant without any reload.  EXP-2 expires likewise
# while bunrid is dead (SIGKILL): the kernel alone must end it.
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid
lab_init
POL=$NETNS_DIR/policies/pairs.conf
CONF=$LAB_DIR/bunri.conf
lab_build "$POL"
lab_policy "$POL" "$LAB_DIR/a.conf"
cp "$LAB_DIR/a.conf" "$CONF"
bunrid_start "$CONF" || fail "bunrid did not start"

# --- revocation of an open connection ---
for f in 4 6; do
	coproc HOLD { timeout 60 python3 "$NETNS_DIR/tcp_hold.py" "$(host_ns mgmt:mg-a)" \
	    "$(host_addr mgmt:mg-a $f)" "$(host_ns lgwan:lg-a)" "$(host_addr lgwan:lg-a $f)" 4201 2; }
	LAB_PIDS="$LAB_PIDS $HOLD_PID"
	read -r -t 10 line <&"${HOLD[0]}"
	[ "$line" = up ] || fail "v$f: could not open the allowed connection MG-LG-T: $line"
	gw_table | table_norm >"$LAB_DIR/table.a"
	sed '/id = "MG-LG-T"/d' "$LAB_DIR/a.conf" >"$CONF"
	kill -HUP "$BUNRID_PID"
	wait_table_change "$LAB_DIR/table.a" || fail "v$f: reload did not change the table"
	sleep 0.3
	echo go >&"${HOLD[1]}"
	read -r -t 10 line <&"${HOLD[0]}"
	wait "$HOLD_PID" 2>/dev/null
	case $line in
	"after: to_dst=0 to_src=0") say "v$f: revoked connection: nothing crossed after the reload" ;;
	*) fail "v$f: after removing MG-LG-T its open connection still crossed: $line" ;;
	esac
	cp "$LAB_DIR/a.conf" "$CONF"
	gw_table | table_norm >"$LAB_DIR/table.b"
	kill -HUP "$BUNRID_PID"
	wait_table_change "$LAB_DIR/table.b" || fail "reload back to the full policy did not change the table"
	sleep 0.3
done

# --- expiry without reload ---
now=$(date +%s)
exp1=$((now + 6)) exp2=$((now + 12))
rfc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
sed -e "/^flows = (/a\\  { id = \"EXP-1\"; from = \"lgwan:lg-b\"; to = \"mgmt:mg-b\"; proto = \"udp\"; ports = [ 2601 ]; reason = \"lab\"; approval = \"LAB\"; expires = \"$(rfc $exp1)\"; }," \
    -e "/^flows = (/a\\  { id = \"EXP-2\"; from = \"lgwan:lg-b\"; to = \"mgmt:mg-b\"; proto = \"udp\"; ports = [ 2602 ]; reason = \"lab\"; approval = \"LAB\"; expires = \"$(rfc $exp2)\"; }," \
    "$LAB_DIR/a.conf" >"$CONF"
gw_table | table_norm >"$LAB_DIR/table.c"
kill -HUP "$BUNRID_PID"
wait_table_change "$LAB_DIR/table.c" || fail "reload with the expiring flows did not change the table"
sleep 0.3
probe_expiry() { # PHASE EXPECT1 EXPECT2
	{
	for f in 4 6; do
		probe_line "$1/EXP-1/v$f/$2" lgwan:lg-b mgmt:mg-b udp 2601 $f
		probe_line "$1/EXP-2/v$f/$3" lgwan:lg-b mgmt:mg-b udp 2602 $f
		probe_line "$1/LG-MG-U/v$f/pass" lgwan:lg-a mgmt:mg-a udp 2402 $f
	done
	} | run_probes --wait 0.5 >"$LAB_DIR/res.$1"
	check_results "$LAB_DIR/res.$1" || fail "$1: wrong verdicts (above)"
}
[ $(date +%s) -lt $((exp1 - 1)) ] || fail "too slow: EXP-1 nearly expired before the first probe"
probe_expiry before pass pass
while [ $(date +%s) -lt $((exp1 + 1)) ]; do sleep 0.2; done
sleep 0.5
probe_expiry after-exp1 block pass
say "EXP-1 stopped at its expires instant ($(rfc $exp1)) without a reload"
bunrid_stop KILL
while [ $(date +%s) -lt $((exp2 + 1)) ]; do sleep 0.2; done
sleep 0.5
probe_expiry after-exp2-daemon-dead block block
say "EXP-2 stopped at its instant while bunrid was dead (kernel timeouts)"
say "ok: revocation and expiry"
