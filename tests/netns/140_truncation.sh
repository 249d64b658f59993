#!/bin/bash
# 140_truncation.sh - with the latest checkpoint CSIRT received, verify-log finds the appliance's log cut by its last k lines or rolled back, which the chain alone cannot.
#
# bunrid makes alerts and checkpoints, rsyslog forwards them over RELP
# to the collector (conf/rsyslog recipes, as in 130).  CSIRT's latest
# checkpoint is the last stats line of the collector's copy.  Then the
# appliance's log is cut by its last k lines (k = 1, 2, 3, 7), and
# rolled back to a copy taken earlier: each passes verify-log without
# the checkpoint (a shorter chain is still a chain) and is reported as
# cut off, with the seq it ends at, given the checkpoint.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/alerts_lib.sh"
. "$(dirname "$0")/csirt_lib.sh"
need_root
need_prog bunrid bunrictl
need_rsyslog
lab_init
lab_build "$ALERT_POL"
lab_policy "$ALERT_POL" "$LAB_DIR/bunri.conf"
mon_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"
csirt_setup relp
collector_start
fwd_start
COPY=$CSIRT_OUT/$CSIRT_HOST.json
KEY=$LAB_DIR/state/chain.key

for i in 1 2 3 4; do forbid $i; done
sleep 6			# a periodic checkpoint (alerts.checkpoint = 5)
cp "$EVE" "$LAB_DIR/older.json"
for i in 5 6 7 8; do forbid $i; done
bunrid_stop TERM	# the last line is the shutdown checkpoint
N=$(last_seq "$EVE")
csirt_wait "$EVE" "$COPY" 30 || fail "the collector has $(wc -l <"$COPY" 2>/dev/null || echo 0) of $N lines"
fwd_stop
collector_stop
[ "$(grep -c '"event_type":"stats"' "$COPY")" -ge 2 ] || fail "fewer than two checkpoints reached the collector"
CP=$(last_checkpoint "$COPY")
[ "${CP%%:*}" = "$N" ] || fail "CSIRT's latest checkpoint is seq ${CP%%:*}, want the last line's $N"

# vl WANT_EXIT PATTERN FILE [ARGS]: verify-log FILE --key KEY ARGS.
vl() {
	want=$1 pat=$2 f=$3
	shift 3
	out=$("$B/bunrictl" verify-log "$f" --key "$KEY" "$@" 2>&1)
	rc=$?
	[ $rc = "$want" ] && echo "$out" | grep -Eq -- "$pat" ||
	    fail "verify-log ${f##*/} $*: exit $rc, want $want and /$pat/:
$out"
}

vl 0 "checkpoint seq $N: present" "$EVE" --until "$CP"
vl 0 "checkpoint seq $N: present" "$COPY" --until "$CP"
for k in 1 2 3 7; do
	head -n -"$k" "$EVE" >"$LAB_DIR/cut$k.json"
	vl 0 "seq 1\.\.$((N - k)): intact" "$LAB_DIR/cut$k.json"
	vl 4 "^cut off: the log ends at seq $((N - k)), before checkpoint seq $N" \
	    "$LAB_DIR/cut$k.json" --until "$CP"
done

# Rolled back to the copy taken before the last alerts.
old=$(last_seq "$LAB_DIR/older.json")
[ "$old" -lt "$N" ] || fail "the earlier copy is not shorter"
vl 0 "intact" "$LAB_DIR/older.json"
vl 4 "^cut off: the log ends at seq $old, before checkpoint seq $N" "$LAB_DIR/older.json" --until "$CP"

# A checkpoint that does not belong to this log (another chain value).
bad=${CP%%:*}:$(printf '%064d' 0)
vl 4 "checkpoint seq $N does not match" "$EVE" --until "$bad"
say "ok: $N lines; the last 1, 2, 3 and 7 lines cut and a rollback to seq $old all reported against checkpoint $N"
