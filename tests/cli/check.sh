#!/bin/sh
# check.sh - bunrictl check: exit codes, -c before/after the command, messages, bad usage.
B=${B:-build}
CONF=${CONF:-conf/bunri.conf}
CTL="$B/bunrictl"
fail=0 n=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

[ -x "$CTL" ] || { echo "no $CTL"; exit 1; }

# r WANT_EXIT OUT_PATTERN ERR_PATTERN ARGS...: patterns are grep -E, "" = empty
r() {
	want=$1 opat=$2 epat=$3; shift 3
	n=$((n + 1))
	"$CTL" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	bad=""
	[ $rc -eq "$want" ] || bad="exit $rc, want $want"
	if [ -z "$opat" ]; then
		[ -s "$tmp/out" ] && bad="$bad; stdout not empty"
	else
		grep -Eq -- "$opat" "$tmp/out" || bad="$bad; stdout lacks /$opat/"
	fi
	if [ -z "$epat" ]; then
		grep -q "error:" "$tmp/err" && bad="$bad; errors on stderr"
	else
		grep -Eq -- "$epat" "$tmp/err" || bad="$bad; stderr lacks /$epat/"
	fi
	if [ -n "$bad" ]; then
		fail=$((fail + 1))
		printf 'FAIL: bunrictl %s: %s\n' "$*" "$bad"
		sed 's/^/  out: /' "$tmp/out"; sed 's/^/  err: /' "$tmp/err"
	fi
}

valid="^$CONF: valid \\([0-9]+ zones, [0-9]+ hosts, [0-9]+ flows, [0-9]+ warnings?\\)\$"
r 0 "$valid" "" check -c "$CONF"
r 0 "$valid" "" -c "$CONF" check
r 0 "$valid" "" check --config "$CONF"
r 0 "$valid" "" check --config="$CONF"
r 0 "$valid" "" -S "$tmp/ctl.sock" check -c "$CONF"
r 0 "$valid" "" check -c "$CONF" -S "$tmp/ctl.sock"
r 0 "\\(5 zones, 20 hosts, 18 flows, " "" check -c "$CONF"

# a typo in a setting name: invalid, with file:line:
sed 's/interfaces = \[ "lg0" \]/interface = [ "lg0" ]/' "$CONF" >"$tmp/typo.conf"
r 1 "" "^$tmp/typo.conf:[0-9]+: error: .*interface" check -c "$tmp/typo.conf"
r 1 "" "^$tmp/typo.conf:[0-9]+: error: " -c "$tmp/typo.conf" check

# a mynumber flow to the internet: a separation rule, invalid
cat >"$tmp/rule1.conf" <<'EOC'
version = 1;
gateway = { name = "g"; };
zones = (
  { name = "mynumber"; kind = "mynumber"; interfaces = [ "mn0" ];
    networks = [ "192.0.2.0/26" ];
    hosts = ( { name = "juki"; mac = "02:00:00:00:10:0a"; addresses = [ "192.0.2.10" ]; } ); },
  { name = "internet"; kind = "internet"; interfaces = [ "in0" ];
    networks = [ "0.0.0.0/0" ];
    hosts = ( { name = "web"; addresses = [ "203.0.113.80" ]; } ); }
);
flows = (
  { id = "F-1"; from = "mynumber:juki"; to = "internet:web"; proto = "tcp";
    ports = [ 443 ]; reason = "no"; approval = "A-1"; }
);
EOC
r 1 "" "^$tmp/rule1.conf:1[0-9]: error: " check -c "$tmp/rule1.conf"

# warnings alone: still valid, exit 0, warnings counted
cat >"$tmp/warn.conf" <<'EOC'
version = 1;
gateway = { name = "g"; };
zones = (
  { name = "lgwan"; kind = "lgwan"; interfaces = [ "lg0" ];
    networks = [ "198.51.100.0/24" ]; unknown_hosts = "allow"; },
  { name = "mgmt"; kind = "mgmt"; interfaces = [ "mg0" ];
    networks = [ "192.0.2.192/26" ]; }
);
flows = (
  { id = "F-1"; from = "mgmt"; to = "lgwan"; proto = "tcp"; ports = [ 22 ]; reason = "ops"; }
);
EOC
r 0 "^$tmp/warn.conf: valid \\(2 zones, 0 hosts, 1 flow, [1-9][0-9]* warnings?\\)\$" \
	"^$tmp/warn.conf:[0-9]+: warning: " check -c "$tmp/warn.conf"

# missing, unreadable, not a policy
r 1 "" "$tmp/nope.conf" check -c "$tmp/nope.conf"
r 1 "" "$tmp/nope.conf" -c "$tmp/nope.conf" check
printf 'this is { not libconfig\n' >"$tmp/garbage.conf"
r 1 "" "^$tmp/garbage.conf:1: error: " check -c "$tmp/garbage.conf"
: >"$tmp/empty.conf"
r 1 "" "$tmp/empty.conf.*error: " check -c "$tmp/empty.conf"

# usage errors
r 1 "" "usage: bunrictl" frobnicate
r 1 "" "usage: bunrictl"
r 1 "" "unknown option" check --bogus -c "$CONF"
r 1 "" "usage: bunrictl" --bogus check
r 1 "" "needs a value" check -c
r 0 "$valid" "" check "$CONF"
r 1 "" "unexpected argument" check "$CONF" "$CONF"
r 0 "usage: bunrictl check" "" check --help

echo "check: $n cases, $fail failed"
[ $fail -eq 0 ]
