#!/bin/sh
# run-pcaps.sh - decodes every capture of the tcpdump corpus with lib/decode; any sanitizer report or crash fails.
#
# Run with B=build/san (make check SAN=1) for the sanitizer proof.
# Captures with a link type bunri does not decode, and damaged files
# libpcap cannot read, are reported and are not failures.
B=${B:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
corpus=${BUNRI_CORPUS:-$top/../shared/corpus}/tcpdump-pcaps
tool=$B/tools/pcap_decode

if [ ! -d "$corpus" ]; then
	echo "no capture corpus at $corpus (set BUNRI_CORPUS)"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
if [ ! -x "$tool" ]; then
	make --no-print-directory -s B="$B" "$tool" >/dev/null || exit 1
fi

# A sanitizer report must fail the run whatever the tool's exit code.
ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=99}
export ASAN_OPTIONS UBSAN_OPTIONS

log=$B/corpus-decode.log
mkdir -p "$B" && : >"$log" || exit 1
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
nfiles=0 ndec=0 nunsup=0 nunread=0 nfail=0
for f in "$corpus"/*.pcap "$corpus"/*.pcapng; do
	[ -f "$f" ] || continue
	nfiles=$((nfiles + 1))
	"$tool" "$f" >"$out" 2>&1
	rc=$?
	if grep -qE 'Sanitizer|runtime error:' "$out"; then
		rc=99
	fi
	case $rc in
	0) ndec=$((ndec + 1)); cat "$out" >>"$log" ;;
	2) nunsup=$((nunsup + 1)); cat "$out" >>"$log" ;;
	3) nunread=$((nunread + 1)); cat "$out" >>"$log" ;;
	*) nfail=$((nfail + 1))
	   echo "FAIL $(basename "$f") (exit $rc):"
	   head -n 30 "$out" | sed 's/^/    /' ;;
	esac
done
[ $nfiles -gt 0 ] || { echo "no captures in $corpus"; exit 1; }
# Packet totals over the decoded captures, from the tool's lines.
awk '/ packets: / { for (i = 1; i <= NF; i++) {
	if ($i == "packets:") p += $(i - 1); if ($i == "ok,") o += $(i - 1)
	if ($i == "IP,") n += $(i - 2); if ($i == "truncated,") t += $(i - 1)
	if ($i == "malformed") m += $(i - 1) } }
	END { printf "%d packets: %d ok, %d not IP, %d truncated, %d malformed\n", p, o, n, t, m }' "$log"
echo "$nfiles captures: $ndec decoded, $nunsup unsupported link type, $nunread unreadable, $nfail failed"
[ $nfail -eq 0 ]
