#!/bin/bash
# 090_wrong_zone_mac.sh - a MAC registered in mynumber plugged into lgwan: host-in-wrong-zone (sid 4), blocked, once.
#
# Policy: policies/alerts.conf, enforce mode.  A new namespace on lgwan's
# switch takes the MAC of mynumber:mn-b (a registered My Number terminal
# moved to another network: 許可外ネットワーク接続) and an lgwan address
# no host owns.  Its flows are blocked by the gateway and alerted as sid 4
# with that MAC, within a second, once for the MAC (a second flow adds no
# second alert).  The registered owner in mynumber is
# not accused.  The log verifies.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/alerts_lib.sh"
need_root
need_prog bunrid bunrictl
lab_init
lab_build "$ALERT_POL"
mac=$(host_mac mynumber:mn-b)
lab_host lgwan intruder "$mac" "198.51.100.77/24"
# IPv4 only: its IPv6 link-local chatter (ND, MLD) would be the first
# packet with that MAC, and the once-per-MAC alert would be about it.
in_ns "$(host_ns lgwan:intruder)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
    fail "sysctl in the intruder's namespace"
lab_policy "$ALERT_POL" "$LAB_DIR/bunri.conf"
mon_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"

ns=$(host_ns lgwan:intruder)
src=$(host_addr lgwan:intruder 4) dst=$(host_addr internet:in-a 4)
ms=$(apy probe "$EVE" "$ns" "$src" "$dst" udp 3389 4 3) ||
    fail "no host-in-wrong-zone alert for the moved MAC within 2 s:
$(apy lines "$EVE" src_ip="$src")"
awk -v m="$ms" 'BEGIN { exit !(m <= 1000) }' || fail "alert after $ms ms (limit 1000)"
c=$(apy count "$EVE" alert.signature_id=4 src_ip="$src" bunri.src_mac="$mac" bunri.src_zone=lgwan alert.action=blocked)
[ "$c" = 1 ] || fail "the sid-4 alert does not name MAC $mac in lgwan, blocked:
$(apy lines "$EVE" alert.signature_id=4)"
# A second flow of the same intruder: no second alert.
src6=$src dst6=$(host_addr internet:in-b 4)
apy probe "$EVE" "$ns" "$src6" "$dst6" tcp 443 4 >/dev/null
sleep 1.2
c=$(apy count "$EVE" event_type=alert alert.signature_id=4 bunri.src_zone=lgwan bunri.src_mac="$mac")
[ "$c" = 1 ] || fail "$c sid-4 alerts about MAC $mac in lgwan, want 1"
c=$(apy count "$EVE" event_type=alert alert.signature_id=4 src_ip="$src6" dest_ip="$dst6")
[ "$c" = 0 ] || fail "the MAC was alerted again for its second flow (once per MAC and zone)"
# Nothing else of this MAC was let through as a plain violation.
[ "$(apy count "$EVE" alert.signature_id=1 bunri.src_mac="$mac")" = 0 ] ||
    fail "the moved MAC's flows were reported as plain zone violations"
# The terminal that owns the MAC in mynumber is not accused.
[ "$(apy count "$EVE" alert.signature_id=4 bunri.src_zone=mynumber)" = 0 ] ||
    fail "a host-in-wrong-zone alert in mynumber, where the MAC belongs"
bunrid_stop TERM
verify_eve
say "ok: MAC $mac of mynumber:mn-b seen in lgwan: one host-in-wrong-zone alert, blocked, ${ms} ms"
