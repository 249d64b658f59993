#!/bin/bash
# 130_csirt_relp.sh - bunrid's alerts reach a CSIRT collector over RELP through conf/rsyslog's recipes: every seq exactly once across a 30 s collector outage and a forwarder restart; the copy verifies.
#
# A csirt namespace runs rsyslog with csirt-collector-relp.conf; the
# gateway runs bunrid (policies/alerts.conf, a checkpoint every 5 s) and
# rsyslog with bunri-forward-relp.conf.  Forbidden flows make alerts
# before, during and after the collector is stopped for 30 s; the
# gateway's rsyslog is restarted once (collector up).  At the end the
# collector's file holds every bunri.seq from 1 to N (the appliance's
# last) exactly once, is the appliance's log byte for byte, passes
# verify-log with the chain key and holds the final checkpoint.  A line
# longer than rsyslog's default 8k arrives whole.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/alerts_lib.sh"
. "$(dirname "$0")/csirt_lib.sh"
MODE=${CSIRT_TEST_MODE:-relp}
need_root
need_prog bunrid bunrictl
need_rsyslog
lab_init
lab_build "$ALERT_POL"
lab_policy "$ALERT_POL" "$LAB_DIR/bunri.conf"
mon_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"
csirt_setup "$MODE"
collector_start
fwd_start
COPY=$CSIRT_OUT/$CSIRT_HOST.json

# Before the outage, and across a restart of the gateway's rsyslog.
for i in 1 2 3 4 5; do forbid $i; done
csirt_wait "$EVE" "$COPY" 20 || fail "before the outage: the collector has $(wc -l <"$COPY" 2>/dev/null || echo 0) of $(wc -l <"$EVE") lines"
fwd_stop
for i in 6 7; do forbid $i; done
fwd_start
for i in 8 9; do forbid $i; done
csirt_wait "$EVE" "$COPY" 20 || fail "after the forwarder restart: the collector has $(wc -l <"$COPY") of $(wc -l <"$EVE") lines"
csirt_exactly_once "$COPY" "$(last_seq "$EVE")" atleast || fail "after the forwarder restart: the copy is not seq 1..N once each"

# The collector is down for 30 s; alerts and checkpoints go on.
collector_stop
t0=$(date +%s)
n0=$(wc -l <"$EVE")
for i in $(seq 10 19); do forbid "$i"; done
sleep 14
for i in $(seq 20 29); do forbid "$i"; done
while [ $(($(date +%s) - t0)) -lt 30 ]; do sleep 0.5; done
[ "$(wc -l <"$COPY")" -le "$n0" ] || fail "the collector was stopped but its file grew"
collector_start
for i in $(seq 30 34); do forbid "$i"; done

bunrid_stop TERM	# flow events and the last checkpoint
tail -n 1 "$EVE" | grep -q '"event_type":"stats"' || fail "bunrid's last line is not a stats checkpoint"
N=$(last_seq "$EVE")
[ "$(apy count "$EVE" event_type=alert alert.signature_id=1)" -ge 34 ] || fail "fewer than 34 zone-violation alerts on the appliance"
csirt_wait "$EVE" "$COPY" 60 || fail "60 s after the outage the collector has $(wc -l <"$COPY") of $N lines"
sleep 1	# nothing more (a repeat) may come
csirt_exactly_once "$COPY" "$N" || fail "the collector's file is not seq 1..$N exactly once"
cmp -s "$EVE" "$COPY" || fail "the collector's file is not the appliance's log byte for byte"

out=$("$B/bunrictl" verify-log "$COPY" --key "$LAB_DIR/state/chain.key" --until "$(last_checkpoint "$COPY")" 2>&1) ||
    fail "verify-log on the collector's file: $out"
echo "$out" | grep -q "seq 1\.\.$N: intact" || fail "verify-log: $out"
echo "$out" | grep -q "checkpoint seq $N: present" || fail "verify-log: the last checkpoint: $out"

csirt_long
fwd_stop
collector_stop
say "ok ($MODE): $N lines, seq 1..$N once each at the collector across a 30 s outage and a forwarder restart; verify-log intact up to checkpoint $N; a 20 kB line whole"
