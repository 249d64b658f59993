#!/bin/sh
# verify_log.sh - bunrictl verify-log on generated logs: intact, then each kind of tampering found at the right line.
#
# mklog (tests/tools/mklog.c) writes chained EVE lines with lib/eve +
# lib/chain (-k), or through bunrid's own writer daemon/alertlog.c (-w),
# which also covers restarts, a crash mid-line and a lost chain.state.
B=${B:-build}
CTL="$B/bunrictl"
MKLOG="$B/tools/mklog"
fail=0 n=0

[ -x "$CTL" ] || { echo "no $CTL"; exit 1; }
[ -x "$MKLOG" ] || { echo "no $MKLOG (make tools)"; exit 1; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
export TZ=Asia/Tokyo

# v EXIT PATTERN ARGS...: verify-log ARGS must exit EXIT and print a line
# matching the grep -E PATTERN (stdout and stderr together).
v() {
	want=$1 pat=$2; shift 2
	n=$((n + 1))
	out=$("$CTL" verify-log "$@" 2>&1); rc=$?
	if [ $rc -ne "$want" ] || ! printf '%s\n' "$out" | grep -Eq -- "$pat"; then
		fail=$((fail + 1))
		printf 'FAIL: verify-log %s\n  want exit %s and /%s/\n  got exit %s:\n%s\n' \
		    "$*" "$want" "$pat" $rc "$(printf '%s\n' "$out" | sed 's/^/    /')"
	fi
}

# seqchain FILE LINE: "SEQ:CHAIN" of that line.
seqchain() {
	sed -n "${2}p" "$1" | sed -E 's/.*"bunri":\{"seq":([0-9]+).*"chain":"([0-9a-f]{64})"\}$/\1:\2/'
}

printf '%s\n' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >"$T/key"
L="$T/eve.json"
"$MKLOG" -k "$T/key" -n 24 "$L" || { echo "mklog failed"; exit 1; }
[ "$(wc -l <"$L")" -eq 24 ] || { echo "mklog: not 24 lines"; exit 1; }

v 0 ": 24 lines, seq 1\.\.24: intact$" "$L" --key "$T/key"
# options before the file, and -c after the command name (key given: unused)
v 0 "intact" --key "$T/key" -c /nonexistent "$L"

# One byte edited in line 5 (a counter 7 -> 8).
sed '5s/"packets":7,/"packets":8,/' "$L" >"$T/edit"
cmp -s "$L" "$T/edit" && { echo "edit did not change anything"; fail=$((fail + 1)); }
v 4 "^$T/edit:5: chain broken at seq 5: this line was edited" "$T/edit" --key "$T/key"
# ... and the edit in the last line is found too
sed '24s/"kernel_drops":23/"kernel_drops":0/' "$L" >"$T/edit24"
v 4 "^$T/edit24:24: chain broken at seq 24" "$T/edit24" --key "$T/key"
# the chain value itself altered
sed -E '3s/"chain":"[0-9a-e]/"chain":"f/; t; 3s/"chain":"f/"chain":"0/' "$L" >"$T/chainedit"
v 4 "^$T/chainedit:3: chain broken at seq 3" "$T/chainedit" --key "$T/key"

# Line 5 deleted.
sed '5d' "$L" >"$T/del"
v 4 "^$T/del:5: seq gap: expected seq 5, found 6" "$T/del" --key "$T/key"
# Lines 5 and 6 swapped.
awk 'NR == 5 { h = $0; next } { print } NR == 6 { print h }' "$L" >"$T/swap"
v 4 "^$T/swap:5: seq gap: expected seq 5, found 6" "$T/swap" --key "$T/key"
# Line 3 repeated.
sed '3p' "$L" >"$T/dup"
v 4 "^$T/dup:4: seq gap: expected seq 4, found 3 again" "$T/dup" --key "$T/key"
# Line 6 deleted and line 7 renumbered to 6 by hand: the chain catches it.
sed -e '6d' -e '7s/"seq":7,/"seq":6,/' "$L" >"$T/renum"
v 4 "^$T/renum:6: chain broken at seq 6" "$T/renum" --key "$T/key"
# A made-up line inserted.
sed '8a{"timestamp":"2026-11-23T23:41:30.000000+0900","event_type":"alert"}' "$L" >"$T/ins"
v 4 "^$T/ins:9: not a log line" "$T/ins" --key "$T/key"

# The last line cut in the middle (no newline, invalid JSON).
size=$(wc -c <"$L")
head -c $((size - 40)) "$L" >"$T/cut"
v 4 "^$T/cut:24: truncated last line \(no newline at the end\): the log was cut after seq 23" \
    "$T/cut" --key "$T/key"
# Only the newline missing.
head -c $((size - 1)) "$L" >"$T/nonl"
v 4 "^$T/nonl:24: truncated last line" "$T/nonl" --key "$T/key"

# Whole lines cut off: intact by itself, but not against a later checkpoint.
head -n 18 "$L" >"$T/short"
v 0 "18 lines, seq 1\.\.18: intact" "$T/short" --key "$T/key"
cp24=$(seqchain "$L" 24) cp12=$(seqchain "$L" 12)
case $cp24 in 24:????????????????????????????????????????????????????????????????) ;;
*) echo "cannot read the checkpoint of line 24: $cp24"; exit 1 ;; esac
v 4 "^cut off: the log ends at seq 18, before checkpoint seq 24$" \
    "$T/short" --key "$T/key" --until "$cp24"
v 0 "checkpoint seq 12: present, chain matches" "$T/short" --key "$T/key" --until "$cp12"
v 0 "checkpoint seq 24: present" "$L" --key "$T/key" --until "$cp24"
# A checkpoint whose chain differs: the log was rolled back and regrown.
v 4 ":12: checkpoint seq 12 does not match" "$L" --key "$T/key" \
    --until "12:$(printf '%064d' 0)"
# An empty log is cut off before any checkpoint.
: >"$T/empty"
v 0 "no lines" "$T/empty" --key "$T/key"
v 4 "cut off: the log ends at seq 0, before checkpoint seq 12" "$T/empty" \
    --key "$T/key" --until "$cp12"

# The wrong key fails at the first line.
printf '%s\n' 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100 >"$T/key2"
v 4 ":1: chain broken at seq 1: .*key is not this log's" "$L" --key "$T/key2"

# Rotation: files in order verify as one chain; a later file alone from its
# first line on, or fully from a checkpoint just before it.
head -n 10 "$L" >"$T/eve.json.1"
tail -n +11 "$L" >"$T/eve.json.2"
v 0 "eve.json.2: 14 lines, seq 11\.\.24: intact" "$T/eve.json.1" "$T/eve.json.2" --key "$T/key"
v 0 "starts at seq 11; without the file before it, its first line is taken as given" \
    "$T/eve.json.2" --key "$T/key"
v 0 "starts at seq 11, right after checkpoint seq 10" "$T/eve.json.2" \
    --key "$T/key" --until "$(seqchain "$L" 10)"
sed '2s/"kernel_drops":11/"kernel_drops":1/' "$T/eve.json.2" >"$T/edit2"
v 4 "edit2:2: chain broken at seq 12" "$T/edit2" --key "$T/key"
sed '1s/"pkts_toserver":12,/"pkts_toserver":1,/' "$T/eve.json.2" >"$T/edit1"
cmp -s "$T/edit1" "$T/eve.json.2" && { echo "edit1 did not change anything"; fail=$((fail + 1)); }
v 4 "edit1:1: chain broken at seq 11" "$T/eve.json.1" "$T/edit1" --key "$T/key"
v 4 "edit1:1: chain broken at seq 11" "$T/edit1" --key "$T/key" --until "$(seqchain "$L" 10)"
# rotated files given in the wrong order
v 4 "eve.json.1:1: seq gap: expected seq 25, found 1 again" "$T/eve.json.2" "$T/eve.json.1" --key "$T/key"
v 1 "checkpoint seq 5 is before the first line given \(seq 11\)" "$T/eve.json.2" \
    --key "$T/key" --until "$(seqchain "$L" 5)"

# Usage errors: exit 1.
v 1 "which log" --key "$T/key"
v 1 "nonexistent" "$T/nonexistent" --key "$T/key"
v 1 "not a chain key" "$L" --key "$T/edit"
v 1 "nokey" "$L" --key "$T/nokey"
v 1 "expected SEQ:CHAIN" "$L" --key "$T/key" --until 12
v 1 "expected SEQ:CHAIN" "$L" --key "$T/key" --until "x:$(printf '%064d' 0)"
v 1 "expected SEQ:CHAIN" "$L" --key "$T/key" --until "0:$(printf '%064d' 0)"

# KEYFILE defaults to the policy's state_dir/chain.key.
if [ -r conf/bunri.conf ]; then
	mkdir -p "$T/state"
	sed "s|state_dir = \"[^\"]*\"|state_dir = \"$T/state\"|" conf/bunri.conf >"$T/bunri.conf"
	cp "$T/key" "$T/state/chain.key"
	v 0 "intact" -c "$T/bunri.conf" "$L"
	v 0 "intact" "$L" -c "$T/bunri.conf"
	rm "$T/state/chain.key"
	v 1 "chain.key" "$L" -c "$T/bunri.conf"
fi

# bunrid's writer: a new key (0600), the log (0640), a restart continues.
S="$T/wstate" W="$T/log/dir/eve.json"
"$MKLOG" -w "$S" -n 10 "$W" 2>"$T/mklog.err" || { echo "mklog -w failed"; fail=$((fail + 1)); }
"$MKLOG" -w "$S" -n 5 "$W" || { echo "mklog -w (restart) failed"; fail=$((fail + 1)); }
[ "$(stat -c %a "$S/chain.key")" = 600 ] || { echo "chain.key not 0600"; fail=$((fail + 1)); }
[ "$(stat -c %a "$S/chain.state")" = 600 ] || { echo "chain.state not 0600"; fail=$((fail + 1)); }
[ "$(stat -c %a "$W")" = 640 ] || { echo "log not 0640"; fail=$((fail + 1)); }
v 0 "15 lines, seq 1\.\.15: intact" "$W" --key "$S/chain.key"
# A crash in the middle of a line: the unfinished line is dropped at start.
sed -n 3p "$W" | head -c 100 >>"$W"
"$MKLOG" -w "$S" -n 2 "$W" 2>/dev/null
v 0 "17 lines, seq 1\.\.17: intact" "$W" --key "$S/chain.key"
# A crash after the line but before chain.state: caught up from the log.
cp "$S/chain.state" "$T/state.old"
"$MKLOG" -w "$S" -n 1 "$W"
cp "$T/state.old" "$S/chain.state"
"$MKLOG" -w "$S" -n 2 "$W" 2>/dev/null
v 0 "20 lines, seq 1\.\.20: intact" "$W" --key "$S/chain.key"
# chain.state lost, chain.key kept: the chain continues after the last line.
rm "$S/chain.state"
"$MKLOG" -w "$S" -n 2 "$W" 2>/dev/null
v 0 "22 lines, seq 1\.\.22: intact" "$W" --key "$S/chain.key"
# Rotation by logrotate (rename, new file): the chain goes on.
mv "$W" "$W.1"
"$MKLOG" -w "$S" -n 3 "$W"
v 0 "eve.json: 3 lines, seq 23\.\.25: intact" "$W.1" "$W" --key "$S/chain.key"
# ... and a file cut behind bunrid's back shows as a gap at the next line.
head -n 1 "$W" >"$T/w" && cat "$T/w" >"$W"
"$MKLOG" -w "$S" -n 1 "$W"
v 4 "eve.json:2: seq gap: expected seq 24, found 26" "$W.1" "$W" --key "$S/chain.key"

if [ $fail -ne 0 ]; then
	echo "verify_log: $fail of $n checks failed"
	exit 1
fi
echo "verify_log: $n checks passed"
