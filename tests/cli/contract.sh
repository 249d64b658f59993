#!/bin/sh
# contract.sh - bunrictl's usage against cli.md and plain expectations: help, bad words, paths, option forms, lost output.
B=${B:-build}
CONF=${CONF:-conf/bunri.conf}
CTL="$B/bunrictl"
fail=0 n=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

[ -x "$CTL" ] || { echo "no $CTL"; exit 1; }

# r WANT_EXIT OUT_PATTERN ERR_PATTERN ARGS...: patterns are grep -E;
# "" = that stream must be empty, "*" = anything.
r() {
	want=$1 opat=$2 epat=$3; shift 3
	n=$((n + 1))
	"$CTL" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	chk "$*"
}
chk() {
	bad=""
	[ $rc -eq "$want" ] || bad="exit $rc, want $want"
	case $opat in
	"")	[ -s "$tmp/out" ] && bad="$bad; stdout not empty" ;;
	"*")	;;
	*)	grep -Eq -- "$opat" "$tmp/out" || bad="$bad; stdout lacks /$opat/" ;;
	esac
	case $epat in
	"")	[ -s "$tmp/err" ] && bad="$bad; stderr not empty" ;;
	"*")	;;
	*)	grep -Eq -- "$epat" "$tmp/err" || bad="$bad; stderr lacks /$epat/" ;;
	esac
	if [ -n "$bad" ]; then
		fail=$((fail + 1))
		printf 'FAIL: bunrictl %s: %s\n' "$1" "$bad"
		sed 's/^/  out: /' "$tmp/out"; sed 's/^/  err: /' "$tmp/err"
	fi
}

sp="$tmp/a policy dir/my policy.conf"
mkdir -p "$tmp/a policy dir" "$tmp/dir"
cp "$CONF" "$sp"
sed 's/interfaces = \[ "lg0" \]/interface = [ "lg0" ]/' "$CONF" >"$tmp/typo.conf"

# ---- help and bad words: usage, exit 0 on request, 1 otherwise ----
r 1 "" "^usage: bunrictl " 
r 0 "^usage: bunrictl .*COMMAND" "" --help
r 0 "^usage: bunrictl .*COMMAND" "" -h
r 0 "^usage: bunrictl .*COMMAND" "" help
r 0 "^usage: bunrictl explain --from ADDR" "" help explain
r 1 "" "unknown command \"nosuch\"" help nosuch
r 1 "" "unknown command \"nosuch\"" nosuch
r 1 "" "unknown option --frob" --frob check
r 1 "" "unknown option --frob" check --frob -c "$CONF"
r 1 "" "unknown option -x" check -x -c "$CONF"
r 0 "^usage: bunrictl show " "" show --help
# a value for an option that takes none is named as such (was "-N")
r 1 "" "--nft takes no value" show --nft=yes -c "$CONF"
r 1 "" "--json takes no value" audit --json=1 --pcap x -c "$CONF"
# --p is the start of --proto and --port
r 1 "" "ambiguous option --p\\b" explain --from 192.0.2.10 --to 192.0.2.80 --p tcp -c "$CONF"
r 1 "" "-c needs a value" check -c

# ---- policy paths: missing, a directory, spaces; -c before or after ----
r 1 "" "nonexistent\\.conf: No such file" check -c "$tmp/nonexistent.conf"
r 1 "" "nonexistent\\.conf: No such file" show --nft -c "$tmp/nonexistent.conf"
r 1 "" "dir: error: is a directory" check -c "$tmp/dir"
r 1 "" "dir: error: is a directory" show --nft -c "$tmp/dir"
r 0 "my policy\\.conf: valid" "" check -c "$sp"
r 0 "my policy\\.conf: valid" "" -c "$sp" check
r 0 "my policy\\.conf: valid" "" check "$sp"
r 0 "^table inet bunri" "" show --nft -c "$sp"
r 0 "^table inet bunri" "" -c "$sp" show --nft
r 0 "^allowed by F-001 " "" -c "$sp" explain --from 203.0.113.25 --to 198.51.100.25 --proto tcp --port 25
r 5 "^blocked: " "" explain --from 192.0.2.30 --to 203.0.113.5 --proto tcp --port 80 -c "$sp"
# -c A and a FILE B: refused, not B silently (B valid, A not: was exit 0)
r 1 "" "two policy files" check -c "$tmp/typo.conf" "$CONF"
r 1 "" "two policy files" -c "$tmp/typo.conf" check "$CONF"
r 0 "valid" "" -c "$CONF" check "$CONF"

# ---- online commands without a daemon: 2; a socket path no socket can have: 1 ----
r 2 "" "cannot reach bunrid at $tmp/no\.sock" -S "$tmp/no.sock" status
r 2 "" "cannot reach bunrid" isolate lgwan -S "$tmp/no.sock"
long=$tmp/$(printf '%0120d' 0).sock
r 1 "" "socket path too long" -S "$long" status

# ---- explain: "zone isolated" without a daemon, with --isolated ----
X="--from 203.0.113.25 --to 198.51.100.25 --proto tcp --port 25 -c $CONF -S $tmp/no.sock"
r 0 "^allowed by F-001 " "" explain $X
r 5 "^blocked: zone isolated: destination zone lgwan is isolated" "" explain $X --isolated lgwan
r 5 "^blocked: zone isolated: source zone internet is isolated" "" explain $X --isolated mgmt,internet
r 1 "" "--isolated \"nope\" is not a zone" explain $X --isolated nope
r 0 "^allowed by F-001 " "" explain $X --isolated mgmt --offline

# ---- verify-log: a directory as the key is named as such ----
r 1 "" "$tmp/dir: Is a directory" verify-log --key "$tmp/dir" "$tmp/nonexistent.json"

# ---- lost output is an error, not success ----
n=$((n + 1))
"$CTL" check -c "$CONF" >&- 2>"$tmp/err"; rc=$?
: >"$tmp/out"; want=1 opat="" epat="writing the output"; chk "check >&-"
if [ -w /dev/full ]; then
	n=$((n + 1))
	"$CTL" check -c "$CONF" >/dev/full 2>"$tmp/err"; rc=$?
	want=1 opat="" epat="writing the output: No space left"; chk "check >/dev/full"
fi
# a reader that goes away early: no hang (bounded), first line delivered
n=$((n + 1))
first=$(timeout 20 sh -c '"$1" show --nft -c "$2" | head -n 1' sh "$CTL" "$CONF")
[ "$first" = "table inet bunri" ] || { fail=$((fail + 1)); echo "FAIL: show --nft | head -1: \"$first\""; }

# bunrid's own usage: asked for, on stdout with 0; a bad option, stderr and 1
D="$B/bunrid"
for h in -h --help; do
	n=$((n + 1))
	"$D" $h >"$tmp/out" 2>"$tmp/err"; rc=$?
	want=0 opat="^usage: bunrid " epat=""; chk "(bunrid) $h"
done
n=$((n + 1))
"$D" -x >"$tmp/out" 2>"$tmp/err"; rc=$?
want=1 opat="" epat="^usage: bunrid "; chk "(bunrid) -x"
# -n checks a policy and touches nothing; a monitor-mode one too (it once
# crashed there, closing an nftables watch that was never opened)
sed 's/mode = "enforce"/mode = "monitor"/' "$CONF" >"$tmp/monitor.conf"
for c in "$CONF" "$tmp/monitor.conf"; do
	n=$((n + 1))
	"$D" -n -c "$c" >"$tmp/out" 2>"$tmp/err"; rc=$?
	want=0 opat="" epat=": valid$"; chk "(bunrid) -n -c $(basename "$c")"
done

echo "contract.sh: $n cases, $fail failed"
[ $fail -eq 0 ]
