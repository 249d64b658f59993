#!/bin/bash
# 165_evidence_cap.sh - monitor.evidence_max_mb = 1: evidence of earlier runs and of a flood of forbidden flows stays under 1 MB, oldest removed first, the newest kept.
#
# Policy: policies/alerts.conf, enforce mode, with evidence_packets = 5000
# and evidence_max_mb = 1 (alerts.rate_limit raised so every flow alerts).
# Before the start, state_dir/evidence holds 150 files of an "earlier
# run" (8 KiB each, mtimes an hour apart, 1.2 MB in all) and things that
# are not evidence (another name, a leading zero, a directory, a symlink).
# At start the oldest planted files are removed until the rest fits;
# nothing else is touched.  Then 150 forbidden UDP flows of 40 datagrams
# each (about 10 KiB of evidence per flow, 1.5 MB in all) go from
# lgwan:lg-a to mynumber:mn-b.  Throughout, the evidence files take at
# most 1 MB (sizes rounded up to the filesystem's block, as bunrid counts
# them); the planted files go first; the evidence of the 20 newest alerts
# is there and holds the flow's packets; `bunrictl status` reports the
# removals; the daemon's log says so in a few lines, not one per file.
# After a restart (the files are counted again, none removed since they
# fit), one flow of 4500 full-size datagrams (1.2 MB of evidence) cannot
# fit: its file stops below the cap, the rest is counted as not written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/alerts_lib.sh"
need_root
need_prog bunrid bunrictl
lab_init
lab_build "$ALERT_POL"
lab_policy "$ALERT_POL" "$LAB_DIR/bunri.conf"
sed -i -e 's|evidence_packets = 4;|evidence_packets = 5000; evidence_max_mb = 1;|' \
    -e 's|rate_limit = 100;|rate_limit = 100000;|' "$LAB_DIR/bunri.conf"
grep -q 'evidence_max_mb = 1;' "$LAB_DIR/bunri.conf" || fail "the policy has no evidence_max_mb"
"$B/bunrictl" check -c "$LAB_DIR/bunri.conf" >/dev/null || fail "the test policy is refused"
EVD=$LAB_DIR/state/evidence
CAP=1048576
ctl() { "$B/bunrictl" -S "$LAB_DIR/ctl.sock" "$@"; }

# usage: "CHARGED BYTES FILES" of the evidence files (<digits>.pcap,
# regular, no leading zero), sizes rounded up to the block as bunrid does.
usage() {
	python3 - "$EVD" <<'P'
import os, re, stat, sys
d = sys.argv[1]
blk = os.statvfs(d).f_frsize or 4096
charged = size = n = 0
for name in os.listdir(d):
    if not re.fullmatch(r"(0|[1-9][0-9]*)\.pcap", name):
        continue
    st = os.lstat(os.path.join(d, name))
    if not stat.S_ISREG(st.st_mode):
        continue
    charged += -(-st.st_size // blk) * blk
    size += st.st_size
    n += 1
print(charged, size, n)
P
}
under_cap() {
	set -- $(usage)
	[ "$1" -le $CAP ] || fail "$2: evidence takes $1 bytes on disk ($2 in $3 files), over the 1 MB cap"
}

# An earlier run's evidence: 150 pcaps of 8 KiB, planted ids 1000..1149,
# id 1000 the oldest (an hour apart, all in the past).
mkdir -p "$EVD"
python3 - "$EVD" <<'P' || fail "planting files"
import os, struct, sys, time
d = sys.argv[1]
hdr = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 256, 1)
now = time.time()
for i in range(150):
    p = os.path.join(d, "%d.pcap" % (1000 + i))
    with open(p, "wb") as f:
        f.write(hdr + b"\0" * (8192 - len(hdr)))
    t = now - 86400 * 2 + 3600 * i
    os.utime(p, (t, t))
for name, body in (("notes.txt", b"x" * 300000), ("0123.pcap", b"y" * 300000)):
    with open(os.path.join(d, name), "wb") as f:
        f.write(body)
    os.utime(os.path.join(d, name), (now - 86400 * 3, now - 86400 * 3))
os.mkdir(os.path.join(d, "77.pcap"))
os.symlink("/etc/hostname", os.path.join(d, "78.pcap"))
P
set -- $(usage)
[ "$1" -gt $CAP ] || fail "the planted files take $1 bytes, not more than the cap: nothing would be tested"

mon_start "$LAB_DIR/bunri.conf" || fail "bunrid did not start"
under_cap "after the start-up scan"
# The oldest planted files went, the newest stayed; no other file touched.
[ -e "$EVD/1000.pcap" ] && fail "the oldest file of the earlier run (1000.pcap) is still there"
[ -e "$EVD/1149.pcap" ] || fail "the newest file of the earlier run (1149.pcap) was removed"
first=$(ls "$EVD" | sed -n 's/^\(1[01][0-9][0-9]\)\.pcap$/\1/p' | sort -n | head -n 1)
last=$(ls "$EVD" | sed -n 's/^\(1[01][0-9][0-9]\)\.pcap$/\1/p' | sort -n | tail -n 1)
kept=$(ls "$EVD" | grep -c '^1[01][0-9][0-9]\.pcap$')
[ "$last" = 1149 ] && [ "$kept" = $((1149 - first + 1)) ] ||
    fail "the files of the earlier run kept are not the newest ones: $kept kept, $first .. $last"
for f in notes.txt 0123.pcap; do
	[ "$(stat -c %s "$EVD/$f" 2>/dev/null)" = 300000 ] || fail "$f (not evidence) was changed or removed"
done
[ -d "$EVD/77.pcap" ] && [ -L "$EVD/78.pcap" ] || fail "a directory or symlink named like evidence was removed"
say "start: $((150 - kept)) of 150 files of the earlier run removed, $kept kept"

# The flood: 150 forbidden flows, 40 datagrams of 200 bytes each.
src=$(host_addr lgwan:lg-a 4) dst=$(host_addr mynumber:mn-b 4)
timeout 120 python3 - "$(host_ns lgwan:lg-a)" "$src" "$dst" <<'P' || fail "sending the flows"
import ctypes, os, socket, sys, time
fd = os.open("/run/netns/" + sys.argv[1], os.O_RDONLY)
ctypes.CDLL(None).setns(fd, 0x40000000)
for port in range(20000, 20150):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sys.argv[2], 0))
    for i in range(40):
        s.sendto(b"b" * 200, (sys.argv[3], port))
    s.close()
    time.sleep(0.01)
P
# Every flow alerted (and named its evidence) before the checks.
i=0
until [ "$(apy count "$EVE" event_type=alert alert.signature_id=1 src_ip="$src" dest_ip="$dst")" -ge 150 ]; do
	[ $i -lt 50 ] || fail "only $(apy count "$EVE" event_type=alert alert.signature_id=1 src_ip="$src") of 150 flows alerted"
	sleep 0.1; i=$((i + 1))
done
sleep 0.5
under_cap "after 150 flows"
set -- $(usage)
say "after the flood: $3 evidence files, $2 bytes ($1 on disk)"
ls "$EVD" | grep -q '^1[01][0-9][0-9]\.pcap$' &&
    fail "files of the earlier run outlived newer evidence: $(ls "$EVD" | grep '^1[01][0-9][0-9]\.pcap$' | head -n 3)"

# The newest 20 alerts' evidence is there and holds 40 packets each.
apy lines "$EVE" event_type=alert alert.signature_id=1 src_ip="$src" dest_ip="$dst" | tail -n 20 >"$LAB_DIR/newest"
python3 - "$LAB_DIR/newest" <<'P' || fail "evidence of the newest alerts missing or short"
import json, struct, sys
bad = 0
for line in open(sys.argv[1]):
    ev = json.loads(line)["bunri"].get("evidence")
    try:
        d = open(ev, "rb").read()
    except (TypeError, OSError) as e:
        print("no evidence file for flow %s: %s" % (json.loads(line)["flow_id"], e), file=sys.stderr)
        bad += 1
        continue
    off, n = 24, 0
    assert struct.unpack("<I", d[:4])[0] == 0xa1b2c3d4
    while off + 16 <= len(d):
        incl = struct.unpack("<IIII", d[off:off + 16])[2]
        off += 16 + incl
        n += 1
    if n != 40 or off != len(d):
        print("%s: %d packets (want 40), %d of %d bytes" % (ev, n, off, len(d)), file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
P
# The oldest evidence of the flood went first: the first flows' files are gone.
old=$(apy lines "$EVE" event_type=alert alert.signature_id=1 src_ip="$src" dest_ip="$dst" dest_port=20000 |
    python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["bunri"]["evidence"])')
[ -e "$old" ] && fail "the first flow's evidence $old outlived newer ones"

ctl status >"$LAB_DIR/status" 2>&1 || { cat "$LAB_DIR/status" >&2; fail "bunrictl status failed"; }
line=$(grep '^evidence: ' "$LAB_DIR/status") || { cat "$LAB_DIR/status" >&2; fail "status has no evidence line"; }
rem=$(printf '%s\n' "$line" | sed -n 's/.*, \([0-9]*\) oldest files removed,.*/\1/p')
[ -n "$rem" ] && [ "$rem" -ge 150 ] || fail "status reports ${rem:-no} removals, want >= 150: $line"
printf '%s\n' "$line" | grep -q " of $CAP bytes (evidence_max_mb 1)" || fail "status does not show the cap: $line"
w=$(grep -c 'oldest files removed to stay under monitor.evidence_max_mb' "$LAB_DIR/bunrid.log")
[ "$w" -ge 1 ] && [ "$w" -le 4 ] || fail "$w removal warnings in the daemon's log, want 1-4 (not one per file)"

# A restart counts what is there: still under the cap, nothing lost that fits.
bunrid_stop TERM
under_cap "after the stop"
set -- $(usage)
before=$3
mon_start "$LAB_DIR/bunri.conf" || fail "bunrid did not restart"
under_cap "after the restart"
set -- $(usage)
[ "$3" = "$before" ] || fail "the restart removed files although they fit ($before -> $3)"

# One flow bigger than the cap: written up to it, then no more.
timeout 60 python3 - "$(host_ns lgwan:lg-a)" "$src" "$dst" <<'P' || fail "sending the big flow"
import ctypes, os, socket, sys, time
fd = os.open("/run/netns/" + sys.argv[1], os.O_RDONLY)
ctypes.CDLL(None).setns(fd, 0x40000000)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[2], 0))
for i in range(4500):
    s.sendto(b"B" * 240, (sys.argv[3], 21000))
    if i % 100 == 99:
        time.sleep(0.005)
P
sleep 1
under_cap "after a flow bigger than the cap"
big=$(apy lines "$EVE" event_type=alert alert.signature_id=1 src_ip="$src" dest_ip="$dst" dest_port=21000 |
    python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["bunri"]["evidence"])') ||
    fail "no alert for the big flow"
sz=$(stat -c %s "$big" 2>/dev/null) || fail "the big flow's evidence $big is missing"
[ "$sz" -gt $((CAP / 2)) ] && [ "$sz" -le $CAP ] || fail "the big flow's evidence is $sz bytes, want (0.5 MB, 1 MB]"
ctl status >"$LAB_DIR/status" 2>&1 || fail "bunrictl status failed"
over=$(sed -n 's/^evidence: .*, \([0-9]*\) packets over the limit not written,.*/\1/p' "$LAB_DIR/status")
[ -n "$over" ] && [ "$over" -gt 0 ] || fail "status reports ${over:-no} packets over the limit: $(grep '^evidence' "$LAB_DIR/status")"
bunrid_stop TERM
grep -q 'packets not written: their flows do not fit under monitor.evidence_max_mb' "$LAB_DIR/bunrid.log" ||
    fail "the daemon's log does not say that evidence was not written"
under_cap "at the end"
verify_eve
say "ok: evidence held under 1 MB at start, through 150 flows, a restart and a 1.2 MB flow; $rem oldest files removed, the newest alerts' evidence kept, $over packets of the big flow not written"
