#!/bin/sh
# explain.sh - bunrictl explain against conf/bunri.conf: every flow allowed, and its near misses blocked.
#
# The cases below are derived from conf/bunri.conf by hand; the last check
# makes sure every flow id of the file has an "allowed" case here, so a flow
# added to the example without a case fails this test.
B=${B:-build}
CONF=${CONF:-conf/bunri.conf}
CTL="$B/bunrictl"
fail=0 n=0 covered=""
err=$(mktemp) || exit 1
trap 'rm -f "$err"' EXIT

[ -x "$CTL" ] || { echo "no $CTL"; exit 1; }
[ -r "$CONF" ] || { echo "no $CONF"; exit 1; }

# t EXIT PREFIX ARGS...: explain ARGS must exit EXIT and print one line
# starting with PREFIX.
t() {
	want=$1 pfx=$2; shift 2
	n=$((n + 1))
	out=$("$CTL" -c "$CONF" explain "$@" 2>"$err"); rc=$?
	lines=$(printf '%s\n' "$out" | wc -l)
	case "$out" in
	"$pfx"*) ok=1 ;;
	*) ok=0 ;;
	esac
	if [ $rc -ne "$want" ] || [ $ok -ne 1 ] || [ "$lines" -ne 1 ]; then
		fail=$((fail + 1))
		printf 'FAIL: explain %s\n  want exit %s, "%s..."\n  got exit %s, "%s"\n' \
		    "$*" "$want" "$pfx" $rc "$out"
		sed 's/^/  stderr: /' "$err"
	fi
	case "$pfx" in
	"allowed by "*) id=${pfx#allowed by }; covered="$covered ${id% *} " ;;
	esac
}

# e ARGS...: bad input, exit 1, nothing on stdout, a message on stderr.
e() {
	n=$((n + 1))
	out=$("$CTL" -c "$CONF" explain "$@" 2>"$err"); rc=$?
	if [ $rc -ne 1 ] || [ -n "$out" ] || [ ! -s "$err" ]; then
		fail=$((fail + 1))
		printf 'FAIL: explain %s: want exit 1 and a message, got exit %s, "%s"\n' "$*" $rc "$out"
	fi
}

ALLOW=0 BLOCK=5
WPORT="blocked: wrong port: "
WHOST="blocked: wrong host: "
WPROTO="blocked: wrong protocol: "
NOFLOW="blocked: no flow between these zones: "
NOTBOUND="blocked: MAC not bound to this address: "
MAC_X=02:00:00:00:ff:01		# registered nowhere
MAC_MAILGW=02:00:00:00:20:19
MAC_CHUKAN=02:00:00:00:20:32
MAC_JUKI=02:00:00:00:10:0a
MAC_NTP=02:00:00:00:50:c9

# F-001 internet:mail-sanitizer -> lgwan:mail-gw tcp 25
t $ALLOW "allowed by F-001 (" --from 203.0.113.25 --to 198.51.100.25 --proto tcp --port 25
t $BLOCK "${WPORT}flow F-001 (internet:mail-sanitizer -> lgwan:mail-gw) allows tcp 25, not tcp 587" \
	--from 203.0.113.25 --to 198.51.100.25 --proto tcp --port 587
t $BLOCK "$WHOST" --from 203.0.113.25 --to 198.51.100.40 --proto tcp --port 25
# internet is attached = false: the router's MAC, no MAC checks
t $ALLOW "allowed by F-001 (" --from 203.0.113.25 --to 198.51.100.25 --proto tcp --port 25 --mac $MAC_X
t $BLOCK "$WHOST" --from 198.51.100.25 --to 203.0.113.25 --proto tcp --port 25

# F-002 lgwan:198.51.100.128/25 -> internet:vdi tcp 3389, 1494, 2598
for p in 3389 1494 2598; do
	t $ALLOW "allowed by F-002 (" --from 198.51.100.130 --to 203.0.113.40 --proto tcp --port $p
done
t $ALLOW "allowed by F-002 (" --from 198.51.100.200 --to 203.0.113.40 --proto tcp --port 3389
t $BLOCK "${WPORT}flow F-002 " --from 198.51.100.130 --to 203.0.113.40 --proto tcp --port 80
t $BLOCK "$WHOST" --from 198.51.100.130 --to 203.0.113.50 --proto tcp --port 3389
t $BLOCK "$NOTBOUND" --from 198.51.100.130 --to 203.0.113.40 --proto tcp --port 3389 --mac $MAC_MAILGW
t $BLOCK "$NOTBOUND" --from 198.51.100.130 --to 203.0.113.40 --proto tcp --port 3389 --mac $MAC_X
t $BLOCK "$WHOST" --from 203.0.113.40 --to 198.51.100.130 --proto tcp --port 3389

# F-003 lgwan:198.51.100.128/25 -> internet:vdi tcp 443 (expires 2027-12-31)
t $ALLOW "allowed by F-003 (" --from 198.51.100.130 --to 203.0.113.40 --proto tcp --port 443
t $BLOCK "${WPORT}flow F-002 " --from 198.51.100.130 --to 203.0.113.40 --proto tcp --port 8443
t $BLOCK "$WHOST" --from 198.51.100.130 --to 203.0.113.25 --proto tcp --port 443
t $BLOCK "$NOTBOUND" --from 198.51.100.130 --to 203.0.113.40 --proto tcp --port 443 --mac $MAC_CHUKAN
t $BLOCK "$WHOST" --from 203.0.113.40 --to 198.51.100.130 --proto tcp --port 443

# F-004 lgwan:file-gw -> internet:file-sanitizer tcp 443
t $ALLOW "allowed by F-004 (" --from 198.51.100.40 --to 203.0.113.50 --proto tcp --port 443
t $BLOCK "${WPORT}flow F-004 " --from 198.51.100.40 --to 203.0.113.50 --proto tcp --port 80
t $BLOCK "$WHOST" --from 198.51.100.40 --to 203.0.113.40 --proto tcp --port 443
t $BLOCK "$NOTBOUND" --from 198.51.100.40 --to 203.0.113.50 --proto tcp --port 443 --mac $MAC_CHUKAN
t $BLOCK "$WHOST" --from 203.0.113.50 --to 198.51.100.40 --proto tcp --port 443

# F-010 lgwan:198.51.100.128/25 -> lgwan-wan:lgwan-asp tcp 443
t $ALLOW "allowed by F-010 (" --from 198.51.100.130 --to 192.0.2.70 --proto tcp --port 443
t $BLOCK "${WPORT}flow F-010 " --from 198.51.100.130 --to 192.0.2.70 --proto tcp --port 80
t $BLOCK "$WHOST" --from 198.51.100.130 --to 192.0.2.100 --proto tcp --port 443
t $BLOCK "$NOTBOUND" --from 198.51.100.130 --to 192.0.2.70 --proto tcp --port 443 --mac $MAC_MAILGW
t $BLOCK "$WHOST" --from 192.0.2.70 --to 198.51.100.130 --proto tcp --port 443

# F-011 lgwan:mail-gw -> lgwan-wan:192.0.2.90 tcp 25; its reverse is F-012
t $ALLOW "allowed by F-011 (" --from 198.51.100.25 --to 192.0.2.90 --proto tcp --port 25
t $BLOCK "${WPORT}flow F-011 " --from 198.51.100.25 --to 192.0.2.90 --proto tcp --port 587
t $BLOCK "$WHOST" --from 198.51.100.25 --to 192.0.2.70 --proto tcp --port 25
t $BLOCK "$NOTBOUND" --from 198.51.100.25 --to 192.0.2.90 --proto tcp --port 25 --mac $MAC_X
t $BLOCK "$WHOST" --from 2001:db8:20::19 --to 2001:db8:30::46 --proto tcp --port 25

# F-012 lgwan-wan:192.0.2.90 -> lgwan:mail-gw tcp 25 (lgwan-wan: attached = false)
t $ALLOW "allowed by F-012 (" --from 192.0.2.90 --to 198.51.100.25 --proto tcp --port 25
t $BLOCK "${WPORT}flow F-012 " --from 192.0.2.90 --to 198.51.100.25 --proto tcp --port 587
t $BLOCK "$WHOST" --from 192.0.2.90 --to 198.51.100.40 --proto tcp --port 25
t $ALLOW "allowed by F-012 (" --from 192.0.2.90 --to 198.51.100.25 --proto tcp --port 25 --mac $MAC_X
t $BLOCK "$WHOST" --from 192.0.2.91 --to 198.51.100.25 --proto tcp --port 25

# F-013 lgwan:chukan-gw -> lgwan-wan:chukan-sv tcp 443
t $ALLOW "allowed by F-013 (" --from 198.51.100.50 --to 192.0.2.80 --proto tcp --port 443
t $BLOCK "${WPORT}flow F-013 " --from 198.51.100.50 --to 192.0.2.80 --proto tcp --port 80
t $BLOCK "$WHOST" --from 198.51.100.50 --to 192.0.2.70 --proto tcp --port 443
t $BLOCK "$NOTBOUND" --from 198.51.100.50 --to 192.0.2.80 --proto tcp --port 443 --mac $MAC_MAILGW
t $BLOCK "$WHOST" --from 192.0.2.80 --to 198.51.100.50 --proto tcp --port 443

# F-020 mynumber:atena-sv -> lgwan:chukan-gw tcp 443
t $ALLOW "allowed by F-020 (" --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 443
t $BLOCK "${WPORT}flow F-020 (mynumber:atena-sv -> lgwan:chukan-gw) allows tcp 443, not tcp 80" \
	--from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 80
t $BLOCK "$WPROTO" --from 192.0.2.40 --to 198.51.100.50 --proto udp --port 443
t $BLOCK "$WHOST" --from 192.0.2.40 --to 198.51.100.25 --proto tcp --port 443
t $BLOCK "$NOTBOUND" --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 443 --mac $MAC_JUKI
t $BLOCK "$NOTBOUND" --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 443 --mac $MAC_X
t $BLOCK "blocked: unknown host: " --from 192.0.2.45 --to 198.51.100.50 --proto tcp --port 443 --mac $MAC_X
t $BLOCK "blocked: host in wrong zone: " --from 192.0.2.45 --to 198.51.100.50 --proto tcp --port 443 --mac $MAC_CHUKAN
t $BLOCK "$NOFLOW" --from 198.51.100.50 --to 192.0.2.40 --proto tcp --port 443

# F-021 mynumber:juki-cs -> lgwan-wan:jukinet tcp 443
t $ALLOW "allowed by F-021 (" --from 192.0.2.10 --to 192.0.2.100 --proto tcp --port 443
t $BLOCK "${WPORT}flow F-021 " --from 192.0.2.10 --to 192.0.2.100 --proto tcp --port 80
t $BLOCK "$WHOST" --from 192.0.2.10 --to 192.0.2.70 --proto tcp --port 443
t $BLOCK "$NOTBOUND" --from 192.0.2.10 --to 192.0.2.100 --proto tcp --port 443 --mac $MAC_X
t $BLOCK "$NOFLOW" --from 192.0.2.100 --to 192.0.2.10 --proto tcp --port 443

# F-022 mynumber:mn-relay -> mgmt:ntp udp 123
t $ALLOW "allowed by F-022 (" --from 192.0.2.50 --to 192.0.2.201 --proto udp --port 123
t $BLOCK "${WPORT}flow F-022 " --from 192.0.2.50 --to 192.0.2.201 --proto udp --port 124
t $BLOCK "${WPROTO}flow F-022 " --from 192.0.2.50 --to 192.0.2.201 --proto tcp --port 123
t $BLOCK "$WHOST" --from 192.0.2.50 --to 192.0.2.200 --proto udp --port 123
t $BLOCK "$NOTBOUND" --from 192.0.2.50 --to 192.0.2.201 --proto udp --port 123 --mac $MAC_JUKI
t $BLOCK "$NOFLOW" --from 192.0.2.201 --to 192.0.2.50 --proto udp --port 123

# F-023 mynumber:mn-relay -> mgmt:syslog tcp 6514
t $ALLOW "allowed by F-023 (" --from 192.0.2.50 --to 192.0.2.202 --proto tcp --port 6514
t $BLOCK "${WPORT}flow F-023 " --from 192.0.2.50 --to 192.0.2.202 --proto tcp --port 514
t $BLOCK "$WHOST" --from 192.0.2.50 --to 192.0.2.210 --proto tcp --port 6514
t $BLOCK "$NOTBOUND" --from 192.0.2.50 --to 192.0.2.202 --proto tcp --port 6514 --mac $MAC_X
t $BLOCK "$NOFLOW" --from 192.0.2.202 --to 192.0.2.50 --proto tcp --port 6514

# F-030 lgwan:198.51.100.0/26 -> mgmt:ntp udp 123
t $ALLOW "allowed by F-030 (" --from 198.51.100.25 --to 192.0.2.201 --proto udp --port 123
t $BLOCK "${WPORT}flow F-030 " --from 198.51.100.25 --to 192.0.2.201 --proto udp --port 124
t $BLOCK "$WHOST" --from 198.51.100.25 --to 192.0.2.200 --proto udp --port 123
t $BLOCK "$WHOST" --from 198.51.100.130 --to 192.0.2.201 --proto udp --port 123
t $BLOCK "$NOTBOUND" --from 198.51.100.25 --to 192.0.2.201 --proto udp --port 123 --mac $MAC_CHUKAN
t $BLOCK "$WHOST" --from 192.0.2.201 --to 198.51.100.25 --proto udp --port 123

# F-031 lgwan:198.51.100.0/26 -> mgmt:syslog udp 514
t $ALLOW "allowed by F-031 (" --from 198.51.100.50 --to 192.0.2.202 --proto udp --port 514
t $BLOCK "${WPORT}flow F-031 " --from 198.51.100.50 --to 192.0.2.202 --proto udp --port 515
t $BLOCK "$WHOST" --from 198.51.100.50 --to 192.0.2.210 --proto udp --port 514
t $BLOCK "$NOTBOUND" --from 198.51.100.50 --to 192.0.2.202 --proto udp --port 514 --mac $MAC_X
t $BLOCK "$WHOST" --from 192.0.2.202 --to 198.51.100.50 --proto udp --port 514

# F-032 internet:203.0.113.0/24 -> mgmt:syslog-inet udp 514
t $ALLOW "allowed by F-032 (" --from 203.0.113.25 --to 192.0.2.210 --proto udp --port 514
t $BLOCK "${WPORT}flow F-032 " --from 203.0.113.25 --to 192.0.2.210 --proto udp --port 515
t $BLOCK "$WHOST" --from 203.0.113.25 --to 192.0.2.202 --proto udp --port 514
t $ALLOW "allowed by F-032 (" --from 203.0.113.99 --to 192.0.2.210 --proto udp --port 514 --mac $MAC_X
t $BLOCK "$NOFLOW" --from 192.0.2.210 --to 203.0.113.25 --proto udp --port 514

# F-033 mgmt:noc -> lgwan tcp 22; F-034 icmp; F-035 icmpv6
t $ALLOW "allowed by F-033 (" --from 192.0.2.200 --to 198.51.100.99 --proto tcp --port 22
t $ALLOW "allowed by F-033 (" --from 2001:db8:50::c8 --to 2001:db8:20::5 --proto tcp --port 22
t $BLOCK "${WPORT}flow F-033 " --from 192.0.2.200 --to 198.51.100.99 --proto tcp --port 23
t $BLOCK "$WHOST" --from 192.0.2.201 --to 198.51.100.99 --proto tcp --port 22
t $BLOCK "$NOTBOUND" --from 192.0.2.200 --to 198.51.100.99 --proto tcp --port 22 --mac $MAC_NTP
t $BLOCK "$WHOST" --from 198.51.100.25 --to 192.0.2.200 --proto tcp --port 22
t $ALLOW "allowed by F-034 (" --from 192.0.2.200 --to 198.51.100.99 --proto icmp
t $BLOCK "$WPROTO" --from 192.0.2.200 --to 198.51.100.99 --proto udp --port 53
t $BLOCK "$WHOST" --from 192.0.2.201 --to 198.51.100.99 --proto icmp
t $BLOCK "$WHOST" --from 198.51.100.99 --to 192.0.2.200 --proto icmp
t $ALLOW "allowed by F-035 (" --from 2001:db8:50::c8 --to 2001:db8:20::19 --proto icmpv6
t $BLOCK "$NOTBOUND" --from 2001:db8:50::c8 --to 2001:db8:20::19 --proto icmpv6 --mac $MAC_X

# Beyond the flows
t $ALLOW "allowed: inside zone mynumber (not an inter-zone crossing)" \
	--from 192.0.2.10 --to 192.0.2.21 --proto tcp --port 445
t $BLOCK "$NOFLOW" --from 192.0.2.10 --to 203.0.113.25 --proto tcp --port 25
t $BLOCK "$NOFLOW" --from 2001:db8:10::a --to 2001:db8:40::28 --proto tcp --port 443
t $BLOCK "blocked: spoofed source: 198.51.100.25 belongs to zone lgwan but arrived on in0" \
	--from 198.51.100.25 --to 192.0.2.210 --proto udp --port 514 --iface in0
t $BLOCK "blocked: spoofed source: " --from 192.0.2.10 --to 198.51.100.50 --proto tcp --port 443 --iface lg0
t $ALLOW "allowed by F-001 (" --from 203.0.113.25 --to 198.51.100.25 --proto tcp --port 25 --iface in0
t $ALLOW "allowed by F-020 (" --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 443 --mac none
t $ALLOW "allowed by F-020 (" --from 192.0.2.40 --to 198.51.100.50 --proto TCP --port 443

# Bad input: exit 1 with a message
e --from 192.0.2.400 --to 198.51.100.50 --proto tcp --port 443
e --from 192.0.2.40 --to 198.51.100.0/24 --proto tcp --port 443
e --from 192.0.2.40 --to 198.51.100.50 --proto sctp --port 443
e --from 192.0.2.40 --to 198.51.100.50 --proto tcp
e --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 0
e --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 65536
e --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 44x
e --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 443 --mac 02:00:00:00:10:0g
e --from 192.0.2.40 --to 2001:db8:20::19 --proto tcp --port 443
e --from 192.0.2.40 --proto tcp --port 443
e --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 443 --bogus
e --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 443 --iface eth9
if ! grep -q "mn0" "$err"; then
	fail=$((fail + 1)); echo "FAIL: an unknown --iface does not list the interfaces"
fi

# -c before the command, after it, and as --config=
n=$((n + 1))
out=$("$CTL" explain --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 443 -c "$CONF")
[ $? -eq 0 ] && [ "${out#allowed by F-020}" != "$out" ] || { fail=$((fail + 1)); echo "FAIL: -c after the command"; }
out=$("$CTL" explain --config="$CONF" --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 443)
[ $? -eq 0 ] && [ "${out#allowed by F-020}" != "$out" ] || { fail=$((fail + 1)); echo "FAIL: --config="; }

# An invalid policy: its messages, exit 1
bad=$(mktemp) || exit 1
sed 's/interfaces = \[ "lg0" \]/interface = [ "lg0" ]/' "$CONF" >"$bad"
out=$("$CTL" -c "$bad" explain --from 192.0.2.40 --to 198.51.100.50 --proto tcp --port 443 2>"$err"); rc=$?
if [ $rc -ne 1 ] || [ -n "$out" ] || ! grep -q "error:" "$err"; then
	fail=$((fail + 1)); echo "FAIL: invalid policy: exit $rc, \"$out\""; cat "$err"
fi
rm -f "$bad"

# Every flow of the file has an allowed case above.
for id in $(sed -n 's/.*id *= *"\([^"]*\)".*/\1/p' "$CONF"); do
	case "$covered" in
	*" $id "*) ;;
	*) fail=$((fail + 1)); echo "FAIL: flow $id of $CONF has no case in $0" ;;
	esac
done

echo "explain: $n cases, $fail failed"
[ $fail -eq 0 ]
