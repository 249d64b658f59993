#!/bin/sh
# run-audit.sh - bunrictl audit over every capture of the tcpdump corpus: no crash, no sanitizer report, clear refusals.
#
# Run with B=build/san (make check SAN=1) for the sanitizer proof.  Exit 0
# or 3 is a classified capture; exit 1 must come with exactly one line on
# stderr (an unsupported link type, or a file libpcap cannot read); any
# other exit, a sanitizer report, or a capture taking more than 30 s fails.
B=${B:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
corpus=${BUNRI_CORPUS:-$top/../shared/corpus}/tcpdump-pcaps
CTL=$B/bunrictl
CONF=${CONF:-conf/bunri.conf}

if [ ! -d "$corpus" ]; then
	echo "no capture corpus at $corpus (set BUNRI_CORPUS)"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
[ -x "$CTL" ] || { echo "no $CTL"; exit 1; }

ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=99}
export ASAN_OPTIONS UBSAN_OPTIONS

out=$(mktemp) && err=$(mktemp) || exit 1
trap 'rm -f "$out" "$err"' EXIT
nfiles=0 nclean=0 ndis=0 nunsup=0 nunread=0 nfail=0
for f in "$corpus"/*.pcap "$corpus"/*.pcapng; do
	[ -f "$f" ] || continue
	nfiles=$((nfiles + 1))
	timeout 30 "$CTL" -c "$CONF" audit --json --pcap "$f" >"$out" 2>"$err"
	rc=$?
	grep -qE 'Sanitizer|runtime error:' "$err" && rc=99
	why=
	case $rc in
	0) nclean=$((nclean + 1)) ;;
	3) ndis=$((ndis + 1)) ;;
	1)
		lines=$(grep -cv '^bunrictl audit: .*: [0-9]* of [0-9]* packets truncated or malformed, skipped$' "$err")
		if grep -q 'is not supported; ' "$err" && [ "$lines" -eq 1 ]; then
			nunsup=$((nunsup + 1))
		elif [ "$lines" -eq 1 ] && grep -q '^bunrictl audit: ' "$err"; then
			nunread=$((nunread + 1))
		else
			why="exit 1 without one clear line"
		fi ;;
	124) why="took more than 30 s" ;;
	*) why="exit $rc" ;;
	esac
	# Whatever it printed on stdout must be JSON lines.
	if [ -z "$why" ] && [ -s "$out" ] &&
	    ! python3 -c 'import json, sys
for l in open(sys.argv[1]): json.loads(l)' "$out" 2>/dev/null; then
		why="stdout is not JSON lines"
	fi
	if [ -n "$why" ]; then
		nfail=$((nfail + 1))
		echo "FAIL $(basename "$f"): $why"
		head -n 30 "$err" | sed 's/^/    /'
	fi
done
[ $nfiles -gt 0 ] || { echo "no captures in $corpus"; exit 1; }
echo "$nfiles captures: $nclean clean, $ndis with disallowed flows, $nunsup unsupported link type, $nunread unreadable, $nfail failed"
[ $nfail -eq 0 ]
