#!/bin/sh
# run.sh - builds the libFuzzer harnesses if needed and runs each for a bounded time.
#
# FUZZ_TIME seconds per harness (default 15).  Seeds: for fuzz_decode the
# first packets of the tcpdump corpus (when it is there) plus a few made
# here; for fuzz_verify_log chained logs from mklog (the harness's key)
# and their damaged variants; for fuzz_policy_cache the caches bunrictl
# audit writes for the shipped policies.  Exit non-zero
# when a harness finds a crash, a leak or a sanitizer report; the input
# that did it is left in $B/fuzz/crash-* and named in the output.
B=${B:-build}
FUZZ_TIME=${FUZZ_TIME:-15}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

if ! command -v clang >/dev/null 2>&1; then
	echo "clang is not installed (make deps installs it)"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
make --no-print-directory -s B="$B" fuzzers || exit 1

corpus=${BUNRI_CORPUS:-$top/../shared/corpus}/tcpdump-pcaps
seeds=$B/fuzz/seeds
if [ ! -d "$seeds" ]; then
	mkdir -p "$seeds"
	# Ethernet/IPv4/TCP and raw IPv6/ICMPv6 so the run starts past the
	# link layer even without the corpus.
	printf '\000\002\000\000\000\000\001\002\000\000\000\000\002\010\000\105\000\000\050\000\001\000\000\100\006\000\000\300\000\002\001\300\000\002\002\000\120\001\273\000\000\000\000\000\000\000\000\120\002\040\000\000\000\000\000' >"$seeds/eth-tcp"
	printf '\007\140\000\000\000\000\040\072\377\040\001\015\270\000\000\000\000\000\000\000\000\000\000\000\001\040\001\015\270\000\000\000\000\000\000\000\000\000\000\000\002\207\000\000\000\000\000\000\000\040\001\015\270\000\000\000\000\000\000\000\000\000\000\000\002\001\001\002\000\000\000\000\001' >"$seeds/raw6-ns"
	if [ -x "$B/tools/pcap_decode" ] && [ -d "$corpus" ]; then
		"$B/tools/pcap_decode" -s "$seeds" -n 2 "$corpus"/*.pcap \
		    "$corpus"/*.pcapng >/dev/null 2>&1
	fi
fi

# Logs for fuzz_verify_log, chained with the key the harness uses.
vseeds=$B/fuzz/seeds-verify_log
if [ ! -d "$vseeds" ]; then
	mkdir -p "$vseeds"
	printf '%s\n' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >"$vseeds/.key"
	if [ -x "$B/tools/mklog" ] && "$B/tools/mklog" -k "$vseeds/.key" -n 6 "$vseeds/log6" 2>/dev/null; then
		head -n 2 "$vseeds/log6" >"$vseeds/log2"
		sed '3d' "$vseeds/log6" >"$vseeds/gap"
		sed '2s/"seq":2/"seq":3/' "$vseeds/log6" >"$vseeds/edit"
		head -c -1 "$vseeds/log2" >"$vseeds/cut"
		tail -n 3 "$vseeds/log6" >"$vseeds/late"
		{ sed -n '3s/.*"seq":\([0-9]*\).*"chain":"\([0-9a-f]*\)"}$/#\1:\2/p' "$vseeds/log6"
		  tail -n 3 "$vseeds/log6"; } >"$vseeds/until"
	fi
	printf '{"a":[1,-2.5e3,true,null,"\\u00e9\\ud83d\\ude00"],"bunri":{"seq":1}}\n' >"$vseeds/json"
	rm -f "$vseeds/.key"
fi

# Caches for fuzz_policy_cache, as bunrictl audit writes them (the
# harness reseals every input, so these get it past the checksum).
pseeds=$B/fuzz/seeds-policy_cache
if [ ! -d "$pseeds" ]; then
	mkdir -p "$pseeds/xdg"
	if [ -x "$B/bunrictl" ] &&
	    python3 tests/tools/mkpcap.py clean "$pseeds/clean.pcap" >/dev/null 2>&1; then
		xdg=$(cd "$pseeds/xdg" && pwd)	# must be absolute
		for c in conf/bunri.conf tests/golden/rich.conf tests/golden/example.conf; do
			XDG_CACHE_HOME="$xdg" "$B/bunrictl" -c "$c" audit \
			    --pcap "$pseeds/clean.pcap" >/dev/null 2>&1
		done
		n=0
		for c in "$pseeds"/xdg/bunri/*; do
			[ -f "$c" ] || continue
			n=$((n + 1))
			cp "$c" "$pseeds/cache$n"
		done
	fi
	rm -rf "$pseeds/xdg" "$pseeds/clean.pcap"
fi

rc=0
for f in "$B"/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	s=$seeds
	[ "$name" = fuzz_verify_log ] && s=$vseeds
	[ "$name" = fuzz_policy_cache ] && s=$pseeds
	work=$B/fuzz/corpus-$name
	mkdir -p "$work"
	log=$B/fuzz/$name.log
	"$f" -max_total_time="$FUZZ_TIME" -rss_limit_mb=1024 -max_len=9216 -timeout=10 \
	    -artifact_prefix="$B/fuzz/crash-$name-" -print_final_stats=1 \
	    "$work" "$s" >"$log" 2>&1
	r=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	if [ $r -ne 0 ]; then
		echo "$name: FAILED (exit $r); see $log"
		grep -E 'ERROR|runtime error|SUMMARY|artifact' "$log" | head -n 20
		rc=1
	else
		echo "$name: ${execs:-?} runs in ${FUZZ_TIME} s (${speed:-?}/s), no crash"
	fi
done
exit $rc
