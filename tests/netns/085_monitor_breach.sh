#!/bin/bash
# 085_monitor_breach.sh - monitor mode, no firewall: crossing forbidden flows are zone-breach alerts (action allowed), nftables untouched.
#
# Policy: policies/alerts.conf with gateway.mode = "monitor".  The
# gateway forwards everything (no table inet bunri; bunrid must not make
# one), so every forbidden flow crosses: one zone-breach (sid 2) alert per
# flow, action "allowed", within a second.  Then a reload narrows
# monitor.interfaces to in0 only: a crossing flow is then seen only
# leaving into the Internet (the outgoing handle) and is still a breach.
# The reload itself is a policy-change alert, and so is a refused one,
# with its reason; the log verifies.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/alerts_lib.sh"
need_root
need_prog bunrid bunrictl
lab_init
lab_build "$ALERT_POL"
lab_policy "$ALERT_POL" "$LAB_DIR/bunri.conf"
sed -i 's|mode *= *"enforce"|mode = "monitor"|' "$LAB_DIR/bunri.conf"
grep -q 'mode = "monitor"' "$LAB_DIR/bunri.conf" || fail "could not set monitor mode"
before=$(in_ns "$GW" nft list ruleset)
mon_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"

# FROM TO PROTO PORT FAMILY
cat >"$LAB_DIR/crossing" <<'L'
lgwan:lg-a internet:in-a tcp 443 4
mynumber:mn-a internet:in-b udp 53 4
internet:in-a mynumber:mn-a tcp 22 6
mynumber:mn-b lgwan:lg-a udp 1202 6
L
probe_flows "$LAB_DIR/crossing" 2 zone-breach
sleep 1.2
while read -r from to proto port fam; do
	src=$(host_addr "$from" "$fam") dst=$(host_addr "$to" "$fam")
	c=$(apy count "$EVE" event_type=alert alert.signature_id=2 alert.action=allowed \
	    src_ip="$src" dest_ip="$dst" dest_port="$port")
	[ "$c" = 1 ] || fail "$from -> $to $proto/$port: $c zone-breach alerts (action allowed), want 1:
$(apy lines "$EVE" src_ip="$src" dest_ip="$dst")"
done <"$LAB_DIR/crossing"
[ "$(apy count "$EVE" alert.signature_id=1)" = 0 ] || fail "zone-violation (blocked) alerts in monitor mode"
[ "$(apy count "$EVE" alert.action=blocked)" = 0 ] || fail "an alert says blocked in monitor mode"
in_ns "$GW" nft list table inet bunri >/dev/null 2>&1 && fail "monitor mode made table inet bunri"
[ "$(in_ns "$GW" nft list ruleset)" = "$before" ] || fail "monitor mode changed the gateway's ruleset"

# Reload: capture only in0.  A crossing flow is now seen only going out.
sed -i 's|^monitor = {|monitor = { interfaces = [ "in0" ];|' "$LAB_DIR/bunri.conf"
kill -HUP "$BUNRID_PID"
i=0
until [ "$(apy count "$EVE" alert.signature_id=9 alert.signature="policy reloaded: $LAB_DIR/bunri.conf")" = 1 ]; do
	[ $i -lt 50 ] || fail "no policy-change alert for the reload within 5 s"
	sleep 0.1; i=$((i + 1))
done
src=$(host_addr lgwan:lg-b 4) dst=$(host_addr internet:in-b 4)
apy probe "$EVE" "$(host_ns lgwan:lg-b)" "$src" "$dst" udp 5353 2 >"$LAB_DIR/lat2" ||
    fail "after the reload: no zone-breach alert for a flow seen only leaving on in0"
[ "$(apy count "$EVE" alert.signature_id=2 src_ip="$src" dest_ip="$dst" in_iface=in0)" = 1 ] ||
    fail "the egress-only breach is not one alert on in0"
# A broken policy is refused, and the refusal is in the log with its reason.
cp "$LAB_DIR/bunri.conf" "$LAB_DIR/good.conf"
sed -i 's|mode = "monitor"|mode = "monitr"|' "$LAB_DIR/bunri.conf"
kill -HUP "$BUNRID_PID"
i=0
until [ "$(apy count "$EVE" alert.signature_id=9 alert.signature="policy refused: $LAB_DIR/bunri.conf")" = 1 ]; do
	[ $i -lt 50 ] || fail "no policy-change alert for the refused reload within 5 s"
	sleep 0.1; i=$((i + 1))
done
apy lines "$EVE" alert.signature_id=9 alert.signature="policy refused: $LAB_DIR/bunri.conf" |
    grep -q '"detail":"invalid policy (1 error), first: [^"]*bunri.conf:[0-9]*: error: gateway.mode' ||
    fail "the refusal does not say why: $(apy lines "$EVE" alert.signature_id=9 | tail -n 1)"
kill -0 "$BUNRID_PID" || fail "bunrid died of a refused reload"
bunrid_stop TERM
verify_eve
say "ok: $n crossing flows, one zone-breach (allowed) alert each, ruleset untouched; egress-only breach after reload;" \
    "latency ms: max $(sort -n "$LAB_DIR/lat" | tail -n 1), egress $(cat "$LAB_DIR/lat2")"
