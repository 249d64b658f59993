#!/bin/bash
# 095_scan.sh - a bounded port sweep and a host sweep (nmap-style, from Python): one scan alert (sid 6) per source.
#
# Policy: policies/alerts.conf (monitor.scan: ports 20, hosts 8, window
# 10 s), enforce mode.  lgwan:lg-a sends UDP to 30 ports of internet:in-a
# 2 ms apart; internet:in-b sends TCP SYNs to port 445 of 12 lgwan
# addresses.  Each source gets exactly one scan alert, within a second
# of its sweep's end, next to the per-flow zone violations; the log
# verifies.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/alerts_lib.sh"
need_root
need_prog bunrid bunrictl
lab_init
lab_build "$ALERT_POL"
lab_policy "$ALERT_POL" "$LAB_DIR/bunri.conf"
mon_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"

# wait_scan SRC: the scan alert of SRC, polled for 1 s at most.
wait_scan() {
	i=0
	until [ "$(apy count "$EVE" event_type=alert alert.signature_id=6 src_ip="$1")" -ge 1 ]; do
		[ $i -lt 20 ] || return 1
		sleep 0.05; i=$((i + 1))
	done
}

src=$(host_addr lgwan:lg-a 4) dst=$(host_addr internet:in-a 4)
apy sweep "$(host_ns lgwan:lg-a)" "$src" "$dst" udp 40000 30 || fail "port sweep"
wait_scan "$src" || fail "no scan alert for the port sweep from $src within 1 s:
$(apy count "$EVE" alert.signature_id=1 src_ip="$src") zone violations seen"

src2=$(host_addr internet:in-b 4)
# A host sweep needs many targets: lgwan addresses nobody owns.
python3 - "$(host_ns internet:in-b)" "$src2" <<'P' || fail "host sweep"
import ctypes, os, socket, sys, time
fd = os.open("/run/netns/" + sys.argv[1], os.O_RDONLY)
ctypes.CDLL(None).setns(fd, 0x40000000)
socks = []
for i in range(20, 32):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((sys.argv[2], 0))
    s.setblocking(False)
    try:
        s.connect(("198.51.100.%d" % i, 445))
    except OSError:
        pass
    socks.append(s)
    time.sleep(0.002)
time.sleep(0.2)
P
wait_scan "$src2" || fail "no scan alert for the host sweep from $src2 within 1 s"
sleep 1
for s in "$src" "$src2"; do
	c=$(apy count "$EVE" event_type=alert alert.signature_id=6 src_ip="$s")
	[ "$c" = 1 ] || fail "$c scan alerts for $s, want 1:
$(apy lines "$EVE" alert.signature_id=6)"
done
apy lines "$EVE" alert.signature_id=6 src_ip="$src" | grep -q 'alert":{"action":"[a-z]*","gid":1,"signature_id":6,"rev":1,"signature":"scan from' ||
    fail "the scan alert does not say who scanned"
v=$(apy count "$EVE" event_type=alert alert.signature_id=1 src_ip="$src")
[ "$v" -ge 20 ] || fail "only $v zone-violation alerts for the 30 swept ports"
bunrid_stop TERM
verify_eve
say "ok: port sweep ($src, 30 ports) and host sweep ($src2, 12 hosts): one scan alert each; $v violations alerted"
