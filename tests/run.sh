#!/bin/sh
# run.sh - runs every test executable (unit, conf corpus, netns) and prints the totals.
#
# Exit 77 from a test means "skipped, and it said why"; in CI (CI=true) a
# skip counts as a failure, because CI must prove the netns scenarios.
B=${B:-build}
export B
# LeakSanitizer: known leaks inside libconfig, not ours (see the file)
LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
pass=0 fail=0 skip=0 failed=""

run_one() {
	name=$1; shift
	out=$("$@" 2>&1); rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); printf 'PASS  %s\n' "$name"
	elif [ $rc -eq 77 ] && [ "${CI:-}" != true ]; then
		skip=$((skip + 1)); printf 'SKIP  %s: %s\n' "$name" "$(printf '%s\n' "$out" | tail -n 1)"
	else
		fail=$((fail + 1)); failed="$failed $name"
		printf 'FAIL  %s (exit %d)\n' "$name" $rc
		printf '%s\n' "$out" | tail -n 40 | sed 's/^/      /'
	fi
	# check's own closing line ("100%: Checks: N, Failures: 0, Errors: 0")
	printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks:' | sed 's/^/      /'
}

for t in "$B"/tests/check_*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done

for t in tests/conf/run-corpus.sh tests/cli/*.sh tests/corpus/*.sh tests/fuzz/run.sh; do
	[ -x "$t" ] || continue
	run_one "$t" "$t"
done

if [ -z "${SKIP_NETNS:-}" ]; then
	for t in tests/netns/[0-9]*.sh; do
		[ -x "$t" ] || continue
		run_one "$t" "$t"
	done
fi

[ -n "$failed" ] && printf 'failed:%s\n' "$failed"
printf '%d passed, %d failed, %d skipped\n' $pass $fail $skip
[ $fail -eq 0 ]
