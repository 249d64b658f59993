#!/bin/bash
# 100_control.sh - bunrictl online commands: status, flows, reload, isolate/restore under traffic, permissions, hostile clients.
#
# Policy: policies/pairs.conf.  The group "bunri" is created for the run
# when the system has none (and removed again), so that membership can be
# tested; uid 65534 plays the member and the non-member (setpriv).
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid bunrictl
command -v setpriv >/dev/null 2>&1 || skip "needs setpriv (util-linux)"
lab_init
MADE_GROUP=
ctl_cleanup() {
	rc=$?
	[ -n "$MADE_GROUP" ] && groupdel bunri 2>/dev/null
	(exit $rc)
	lab_cleanup
}
trap ctl_cleanup EXIT
if ! getent group bunri >/dev/null; then
	groupadd --system bunri || skip "cannot create group bunri"
	MADE_GROUP=1
fi
BGID=$(getent group bunri | cut -d: -f3)

POL=$NETNS_DIR/policies/pairs.conf
CONF=$LAB_DIR/bunri.conf
SOCK=$LAB_DIR/ctl.sock
lab_build "$POL"
lab_policy "$POL" "$CONF"
sed -e '/^flows = (/a\  { id = "BAD-1"; from = "mynumber:mn-a"; to = "internet:in-a"; proto = "tcp"; ports = [ 443 ]; reason = "lab"; approval = "LAB"; },' \
    "$CONF" >"$LAB_DIR/bad.conf"
cp "$CONF" "$LAB_DIR/good.conf"
chmod 755 "$LAB_DIR"		# uid 65534 must reach the socket

ctl() { "$B/bunrictl" -S "$SOCK" "$@"; }
# ctl_expect RC CMD...: run bunrictl, its output in $LAB_DIR/out.
ctl_expect() {
	want=$1; shift
	"$B/bunrictl" "$@" >"$LAB_DIR/out" 2>&1
	got=$?
	[ "$got" = "$want" ] || { cat "$LAB_DIR/out" >&2; fail "bunrictl $*: exit $got, expected $want"; }
}
has() { grep -q -- "$1" "$LAB_DIR/out" || { cat "$LAB_DIR/out" >&2; fail "$2: no \"$1\" in the output"; }; }

bunrid_start "$CONF" || fail "bunrid did not start"

# ---- the socket itself ----
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$SOCK" ] || { tail "$LAB_DIR/bunrid.log" >&2; fail "no control socket at $SOCK"; }
[ "$(stat -c %a "$SOCK")" = 660 ] || fail "socket mode $(stat -c %a "$SOCK"), expected 660"
[ "$(stat -c %g "$SOCK")" = "$BGID" ] || fail "socket group $(stat -c %G "$SOCK"), expected bunri"

# ---- status ----
ctl_expect 0 -S "$SOCK" status
has "mode: enforce" status
has "policy: $CONF" status
has "policy sha256: $(sha256sum "$CONF" | cut -d' ' -f1)" status
has "policy loaded: 20" status
has "table: inet bunri, flags owner,persist" status
has "isolated: none" status
for z in mynumber:mn0 lgwan:lg0 internet:in0 mgmt:mg0; do
	grep -Eq "^  ${z%%:*} +[a-z]+ +if ${z#*:}  open$" "$LAB_DIR/out" ||
	    { cat "$LAB_DIR/out" >&2; fail "status: zone ${z%%:*} with ${z#*:}, open"; }
done
for f in MN-LG-T LG-IN-I6 LGZ-MG-U; do has "^  $f " status; done
has "^monitoring: " status
has "^alert log: " status
# -c: the socket named by the policy; -S after the command; unreachable: 2.
ctl_expect 0 -c "$CONF" status
ctl_expect 0 status -S "$SOCK"
ctl_expect 2 -S "$LAB_DIR/nothing.sock" status
has "cannot reach bunrid" unreachable
ctl_expect 1 -S "$SOCK" status extra

# ---- flows: counters and last hit ----
{
	probe_line MN-LG-T/pass mynumber:mn-a lgwan:lg-a tcp 1201 4
	probe_line MN-LG-T6/pass mynumber:mn-a lgwan:lg-a tcp 1201 6
} | run_probes >"$LAB_DIR/res.flows"
check_results "$LAB_DIR/res.flows" || fail "flows: probes did not pass"
ctl_expect 0 -S "$SOCK" flows
awk '$1 == "MN-LG-T" && $2 > 0 && $3 > 0 && $4 ~ /^20..-..-..T/ { ok = 1 } END { exit !ok }' "$LAB_DIR/out" ||
    { cat "$LAB_DIR/out" >&2; fail "flows: MN-LG-T without packets, bytes and a last hit"; }
awk '$1 == "MG-IN-T" && $2 == 0 && $4 == "never" { ok = 1 } END { exit !ok }' "$LAB_DIR/out" ||
    { cat "$LAB_DIR/out" >&2; fail "flows: MG-IN-T should be 0 packets, never hit"; }

# ---- reload: invalid keeps the running policy, valid replaces it ----
gw_table | table_norm >"$LAB_DIR/table.a"
cp "$LAB_DIR/bad.conf" "$CONF"
ctl_expect 1 -S "$SOCK" reload
grep -Eq "^$CONF:[0-9]+: error: " "$LAB_DIR/out" || { cat "$LAB_DIR/out" >&2; fail "reload: no file:line: error: message"; }
has "the running policy stays" "invalid reload"
gw_table | table_norm | diff -u "$LAB_DIR/table.a" - >&2 || fail "an invalid reload changed the table"
kill -0 "$BUNRID_PID" || fail "bunrid died on an invalid reload"
ctl_expect 0 -S "$SOCK" status
has "last reload refused: " "status after an invalid reload"
cp "$LAB_DIR/good.conf" "$CONF"
ctl_expect 0 -S "$SOCK" reload
has "reloaded $CONF" "valid reload"

# ---- isolate / restore each zone under traffic ----
# For zone Z: a stream from Z and one into Z (allowed flows), and one that
# does not touch Z.  From the moment `isolate` returns nothing sent into or
# out of Z arrives; the other stream goes on; after `restore` both pass.
stream() { # FROM TO PORT
	echo "$(host_ns "$1"),$(host_addr "$1" 4),$(host_ns "$2"),$(host_addr "$2" 4),$3"
}
now_ns() { date +%s%N; }
isolate_zone() { # ZONE  OUT_FLOW(from,to,port)  IN_FLOW  OTHER_FLOW
	z=$1
	coproc TR { exec python3 "$NETNS_DIR/udp_stream.py" "$(stream ${2//,/ })" \
	    "$(stream ${3//,/ })" "$(stream ${4//,/ })" 2>&1; }
	LAB_PIDS="$LAB_PIDS $TR_PID"
	read -r -t 10 line <&"${TR[0]}"
	[ "$line" = ready ] || fail "isolate $z: traffic did not start ($line)"
	sleep 0.3
	ctl_expect 0 -S "$SOCK" isolate "$z"
	echo "mark $(now_ns)" >&"${TR[1]}"; read -r -t 5 _ <&"${TR[0]}"
	has "zone $z isolated" "isolate $z"
	sleep 1
	ctl_expect 0 -S "$SOCK" status
	grep -Eq "^  $z .*ISOLATED$" "$LAB_DIR/out" || { cat "$LAB_DIR/out" >&2; fail "status: $z not ISOLATED"; }
	has "isolated: $z" "status while $z is isolated"
	echo "mark $(now_ns)" >&"${TR[1]}"; read -r -t 5 _ <&"${TR[0]}"
	ctl_expect 0 -S "$SOCK" restore "$z"
	echo "mark $(now_ns)" >&"${TR[1]}"; read -r -t 5 _ <&"${TR[0]}"
	has "zone $z restored" "restore $z"
	sleep 1
	eval "exec ${TR[1]}>&-"
	timeout 10 cat <&"${TR[0]}" >"$LAB_DIR/stream.$z"
	wait "$TR_PID" 2>/dev/null
	# S K N: interval 1 = [isolate returned, restore called)
	awk -v z="$z" '
	    { n[$1 " " $2] = $3 }
	    END {
		bad = 0
		for (s = 0; s < 3; s++) {
			if (n[s " 0"] == 0) { printf "isolate %s: stream %d silent before\n", z, s; bad++ }
			if (s < 2 && n[s " 1"] != 0) { printf "isolate %s: stream %d: %d datagrams crossed while isolated\n", z, s, n[s " 1"]; bad++ }
			if (s == 2 && n[s " 1"] == 0) { printf "isolate %s: the stream not touching %s stopped too\n", z, z; bad++ }
			if (n[s " 3"] == 0) { printf "isolate %s: stream %d did not pass after restore\n", z, s; bad++ }
		}
		exit bad }' "$LAB_DIR/stream.$z" >&2 || { cat "$LAB_DIR/stream.$z" >&2; fail "isolate $z under traffic"; }
	LAB_PIDS=$(echo "$LAB_PIDS" | tr ' ' '\n' | grep -vx "$TR_PID" | tr '\n' ' ')
}
isolate_zone mynumber mynumber:mn-a,lgwan:lg-a,1202 lgwan:lg-a,mynumber:mn-a,2102 lgwan:lg-b,internet:in-a,2302
isolate_zone lgwan lgwan:lg-a,mgmt:mg-a,2402 mgmt:mg-a,lgwan:lg-a,4202 mgmt:mg-b,internet:in-a,4302
isolate_zone internet internet:in-a,lgwan:lg-b,3202 lgwan:lg-b,internet:in-a,2302 mynumber:mn-a,mgmt:mg-a,1402
isolate_zone mgmt mgmt:mg-a,mynumber:mn-a,4102 mynumber:mn-a,mgmt:mg-a,1402 lgwan:lg-a,mynumber:mn-a,2102

# Idempotent, unknown zones named, isolation kept across a reload.
ctl_expect 0 -S "$SOCK" isolate lgwan
ctl_expect 0 -S "$SOCK" isolate lgwan
has "already" "isolate twice"
ctl_expect 1 -S "$SOCK" isolate nosuchzone
has "unknown zone \"nosuchzone\"; the zones are: mynumber, lgwan, internet, mgmt" "unknown zone"
ctl_expect 1 -S "$SOCK" isolate
ctl_expect 0 -S "$SOCK" reload
gw_table | grep -A3 'set isolated' | grep -q 'elements = { "lg0" }' ||
    { gw_table >&2; fail "a reload dropped the isolation of lgwan"; }
{
	probe_line iso/MN-LG-T/block mynumber:mn-a lgwan:lg-a tcp 1201 4
	probe_line iso/MG-LG-T/block mgmt:mg-a lgwan:lg-a tcp 4201 6
	probe_line iso/MN-MG-T/pass mynumber:mn-a mgmt:mg-a tcp 1401 4
} | run_probes >"$LAB_DIR/res.iso"
check_results "$LAB_DIR/res.iso" || fail "isolation after a reload: wrong verdicts"
ctl_expect 0 -S "$SOCK" restore lgwan
ctl_expect 0 -S "$SOCK" restore lgwan
has "was not isolated" "restore twice"
gw_table | grep -A3 'set isolated' | grep -q elements && { gw_table >&2; fail "restore left elements in @isolated"; }

# ---- who may do what ----
as_member() { setpriv --reuid=65534 --regid=65534 --groups="$BGID" "$B/bunrictl" -S "$SOCK" "$@"; }
as_other() { setpriv --reuid=65534 --regid=65534 --clear-groups "$B/bunrictl" -S "$SOCK" "$@"; }
expect_as() { # RC WHO CMD...
	want=$1 who=$2; shift 2
	"$who" "$@" >"$LAB_DIR/out" 2>&1
	got=$?
	[ "$got" = "$want" ] || { cat "$LAB_DIR/out" >&2; fail "$who bunrictl $*: exit $got, expected $want"; }
}
expect_as 0 as_member status
expect_as 0 as_member isolate mgmt
expect_as 0 as_member restore mgmt
expect_as 1 as_other status
has "not permitted" "a non-member connecting to a 0660 socket"
# An operator who opens the socket to everyone for reading:
chmod 0666 "$SOCK"
gw_table | table_norm >"$LAB_DIR/table.p"
expect_as 0 as_other status
has "mode: enforce" "status of a non-member"
expect_as 0 as_other flows
for c in reload "isolate lgwan" "restore lgwan"; do
	expect_as 1 as_other $c
	has "not permitted: uid 65534 is neither root nor a member of group bunri" "$c by a non-member"
done
gw_table | table_norm | diff -u "$LAB_DIR/table.p" - >&2 || fail "a refused request changed the table"

# ---- hostile clients ----
python3 - "$SOCK" >"$LAB_DIR/hostile" 2>&1 <<'EOF' || { cat "$LAB_DIR/hostile" >&2; fail "hostile clients"; }
import os, random, socket, sys, time
path = sys.argv[1]
rnd = random.Random(7)
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(15)
    s.connect(path)
    return s
def reply(s):
    buf = b""
    while not buf.endswith(b"\n.\n"):
        d = s.recv(65536)
        if not d:
            break
        buf += d
    return buf
kinds = {}
for i in range(1000):
    k = i % 8
    s = conn()
    try:
        if k == 0:
            s.sendall(bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 300))) + b"\n")
        elif k == 1:
            s.sendall(b"v1 isolate " + b"A" * 70000)	# oversized, no newline
        elif k == 2:
            s.sendall(b"v1 status\0\n")
        elif k == 3:
            s.sendall(b"v9 status\n")
        elif k == 4:
            s.sendall(b"v1 isolate ../../etc\n")
        elif k == 5:
            s.sendall(b"v1 stat")			# half a request, then EOF
            s.shutdown(socket.SHUT_WR)
        elif k == 6:
            s.close()					# nothing at all
            continue
        else:
            s.sendall(b"v1 restore " + bytes([rnd.randrange(0x80, 0x100)]) * 8 + b"\n")
        r = reply(s)
    except (BrokenPipeError, ConnectionResetError):
        r = b"reset"
    finally:
        s.close()
    first = r.split(b"\n", 1)[0]
    kinds.setdefault(k, set()).add(first)
    if first not in (b"v1 invalid", b"reset"):
        print("request kind %d: reply %r" % (k, r[:200]))
        sys.exit(1)
    if k != 1 and first != b"v1 invalid":
        print("request kind %d: no error reply: %r" % (k, r[:200]))
        sys.exit(1)
# 16 idle clients fill the table; the next one is told busy.
idle = [conn() for _ in range(16)]
time.sleep(0.3)
s = conn()
r = reply(s)
if not r.startswith(b"v1 failed\nbusy"):
    print("17th client: %r" % r[:200]); sys.exit(1)
s.close()
# Idle clients are closed after the timeout (10 s).
t0 = time.monotonic()
idle[0].settimeout(20)
d = idle[0].recv(10)
if d != b"" or time.monotonic() - t0 > 15:
    print("an idle client was not closed within 15 s: %r" % d); sys.exit(1)
for c in idle:
    c.close()
print("ok")
EOF
kill -0 "$BUNRID_PID" || fail "bunrid died under hostile clients"
ctl_expect 0 -S "$SOCK" status
has "mode: enforce" "status after hostile clients"

bunrid_stop
[ -e "$SOCK" ] && fail "bunrid left its socket behind"
gw_table >/dev/null || fail "SIGTERM removed the table"
say "ok: status, flows, reload, isolate/restore under traffic, permissions, hostile clients"
