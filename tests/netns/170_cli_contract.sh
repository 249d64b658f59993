#!/bin/bash
# 170_cli_contract.sh - cli.md against a running bunrid: a policy path with spaces, what status shows, explain's "zone isolated", lost output, exit 2 when bunrid is gone.
#
# Policy: policies/pairs.conf, kept at a path with spaces.
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid bunrictl
lab_init

POL=$NETNS_DIR/policies/pairs.conf
mkdir -p "$LAB_DIR/city policy" || fail "mkdir"
CONF="$LAB_DIR/city policy/bunri gw.conf"
SOCK=$LAB_DIR/ctl.sock
lab_build "$POL"
lab_policy "$POL" "$CONF"

# ctl_expect RC CMD...: run bunrictl; stdout in $LAB_DIR/out, stderr in $LAB_DIR/err.
ctl_expect() {
	want=$1; shift
	"$B/bunrictl" "$@" >"$LAB_DIR/out" 2>"$LAB_DIR/err"
	got=$?
	[ "$got" = "$want" ] || { cat "$LAB_DIR/out" "$LAB_DIR/err" >&2; fail "bunrictl $*: exit $got, expected $want"; }
}
has() { grep -Eq -- "$1" "$LAB_DIR/${3:-out}" || { cat "$LAB_DIR/out" "$LAB_DIR/err" >&2; fail "$2: no /$1/ in the ${3:-out}put"; }; }

bunrid_start "$CONF" || fail "bunrid did not start with a policy path holding spaces"
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$SOCK" ] || fail "no control socket at $SOCK"

# ---- status: each thing cli.md says it shows; -c before and after ----
ctl_expect 0 -c "$CONF" status
ctl_expect 0 status -c "$CONF"
has "^mode: enforce$" "status: mode"
has "^policy sha256: $(sha256sum "$CONF" | cut -d' ' -f1)$" "status: policy hash"
has "^policy loaded: 20[0-9-]+T[0-9:]+Z" "status: load time"
has "^zones: 4$" "status: zones"
has "^isolated: none$" "status: isolated zones"
has "^  FLOW +PACKETS +BYTES +LAST HIT$" "status: flows with hit counters"
has "^  MN-LG-T +[0-9]+ +[0-9]+ +(never|20)" "status: a flow's counters"
has "^monitoring: .* [0-9]+ packets, [0-9]+ dropped" "status: sniffer packets and drops"
has "^alert log: .*: [0-9]+ lines written" "status: alerts written"
# a reader that stops after one line: no hang
first=$(timeout 20 "$B/bunrictl" -S "$SOCK" status | head -n 1)
case $first in "bunrid: pid "*) ;; *) fail "status | head -1: \"$first\"" ;; esac
ctl_expect 0 -S "$SOCK" reload
has "^reloaded $CONF" "reload of a policy path with spaces"

# ---- explain asks the running bunrid which zones are isolated ----
MN=$(host_addr mynumber:mn-a 4) LG=$(host_addr lgwan:lg-a 4)
X="--from $MN --to $LG --proto tcp --port 1201"
ctl_expect 0 -c "$CONF" explain $X
has "^allowed by MN-LG-T " "explain before isolate"
ctl_expect 0 -S "$SOCK" isolate lgwan
ctl_expect 5 -c "$CONF" explain $X
has "^blocked: zone isolated: destination zone lgwan is isolated" "explain (policy's socket) while lgwan is isolated"
ctl_expect 5 explain $X -c "$CONF" -S "$SOCK"
has "^blocked: zone isolated: " "explain -S while lgwan is isolated"
ctl_expect 0 -c "$CONF" explain $X --offline
has "^allowed by MN-LG-T " "explain --offline while lgwan is isolated"
ctl_expect 0 -S "$SOCK" restore lgwan
ctl_expect 0 -c "$CONF" explain $X
has "^allowed by MN-LG-T " "explain after restore"

# ---- lost output: said, exit 1, and the request was still carried out ----
"$B/bunrictl" -S "$SOCK" status >&- 2>"$LAB_DIR/err"; rc=$?
[ $rc = 1 ] || fail "status >&-: exit $rc, expected 1"
has "writing the (reply|output)" "status to a closed stdout" err
"$B/bunrictl" -S "$SOCK" isolate mgmt >&- 2>"$LAB_DIR/err"; rc=$?
[ $rc = 1 ] || fail "isolate >&-: exit $rc, expected 1"
has "the request was carried out" "isolate to a closed stdout" err
ctl_expect 0 -S "$SOCK" status
has "^isolated: mgmt$" "isolate with a closed stdout"
ctl_expect 0 -S "$SOCK" restore mgmt
kill -0 "$BUNRID_PID" || fail "bunrid died"

# ---- bunrid gone: exit 2 for every online command, -S or -c ----
KPID=$BUNRID_PID
kill -KILL "$KPID"; wait "$KPID" 2>/dev/null
LAB_PIDS=$(echo "$LAB_PIDS" | tr ' ' '\n' | grep -vx "$KPID" | tr '\n' ' ')
BUNRID_PID=
[ -S "$SOCK" ] || fail "expected the killed bunrid's socket to stay behind"
for c in status flows reload "isolate lgwan" "restore lgwan"; do
	ctl_expect 2 -S "$SOCK" $c
	has "cannot reach bunrid" "$c with a dead bunrid" err
	ctl_expect 2 $c -c "$CONF"
done
# explain goes on without it
ctl_expect 0 -c "$CONF" explain $X
rm -f "$SOCK"
ctl_expect 2 -c "$CONF" status
say "ok: status contents, path with spaces, explain and isolation, lost output, unreachable"
