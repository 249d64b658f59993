#!/bin/sh
# audit_read.sh - bunrictl audit's own pcap reader against libpcap's: byte order, nanoseconds, records across its buffer, cut files.
#
# A classic pcap file is read by daemon/ctl_audit_read.c in blocks; from a
# pipe (/dev/stdin) the same capture goes through pcap_next_ex().  Both
# must report the same alerts.  Variants are made here from mkpcap.py's
# basic capture: big-endian, nanosecond, records of 100-260 KiB so that
# many cross the reader's 1 MiB buffer, and cut or insane files, whose
# messages are the reader's own.
B=${B:-build}
CONF=${CONF:-conf/bunri.conf}
CTL="$B/bunrictl"
export TZ=Asia/Tokyo
fail=0
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT

[ -x "$CTL" ] || { echo "no $CTL"; exit 1; }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

python3 tests/tools/mkpcap.py basic "$T/basic.pcap" || { echo "mkpcap.py failed"; exit 1; }
python3 - "$T" <<'PY' || { echo "making the variants failed"; exit 1; }
import struct, sys
t = sys.argv[1]
raw = open(t + "/basic.pcap", "rb").read()
magic, vmaj, vmin, tz, sf, snap, lt = struct.unpack("<IHHiIII", raw[:24])
assert magic == 0xa1b2c3d4
recs, off = [], 24
while off < len(raw):
    sec, usec, cl, wl = struct.unpack("<IIII", raw[off:off + 16])
    recs.append((sec, usec, wl, raw[off + 16:off + 16 + cl]))
    off += 16 + cl

def hdr(order, m, snaplen=snap):
    return struct.pack(order + "IHHiIII", m, vmaj, vmin, tz, sf, snaplen, lt)

def rec(order, r, nsec=False, pad=0):
    sec, usec, wl, d = r
    d = d + bytes(pad)
    frac = usec * 1000 + 999 if nsec else usec
    return struct.pack(order + "IIII", sec, frac, len(d), wl + pad) + d

def write(name, data):
    open(t + "/" + name, "wb").write(data)

write("be.pcap", hdr(">", 0xa1b2c3d4) + b"".join(rec(">", r) for r in recs))
write("ns.pcap", hdr("<", 0xa1b23c4d) + b"".join(rec("<", r, True) for r in recs))
write("bens.pcap", hdr(">", 0xa1b23c4d) + b"".join(rec(">", r, True) for r in recs))
# 20 rounds of the capture, each later, every other packet padded to 100-260 KiB
big = []
for k in range(20):
    for i, (sec, usec, wl, d) in enumerate(recs):
        pad = 100000 + (k * 7919 + i * 104729) % 160000 if (k + i) % 2 else 0
        big.append(rec("<", (sec + k * 400, usec, wl, d), False, pad))
write("big.pcap", hdr("<", 0xa1b2c3d4, 262144) + b"".join(big))
body = hdr("<", 0xa1b2c3d4) + b"".join(rec("<", r) for r in recs)
write("cut_hdr.pcap", body + rec("<", recs[0])[:9])
write("cut_data.pcap", body + rec("<", recs[0])[:40])
insane = bytearray(rec("<", recs[0]))
insane[8:12] = struct.pack("<I", 300000)
write("insane.pcap", body + bytes(insane) + bytes(64))
open(t + "/n", "w").write(str(len(recs)))
PY
n=$(cat "$T/n")

# same NAME EXIT: the file and the pipe give the same report and exit
same() {
	"$CTL" -c "$CONF" audit --json --pcap "$T/$1" >"$T/file.out" 2>"$T/file.err"
	rf=$?
	# a pipe, not a redirection: stdin must not be a regular file
	rp=$( { { cat "$T/$1"; echo $? >"$T/cat.rc"; } | "$CTL" -c "$CONF" audit --json \
	    --pcap /dev/stdin >"$T/pipe.out" 2>"$T/pipe.err"; echo $?; } )
	[ -s "$T/file.out" ] || bad "$1: no alerts"
	cmp -s "$T/file.out" "$T/pipe.out" ||
	    { bad "$1: the file and the pipe differ"; diff "$T/file.out" "$T/pipe.out" | head -5; }
	[ "$2" = "$rf" ] || bad "$1: exit $rf, want $2"
	[ "$rp" = "$rf" ] || bad "$1: exit $rf from the file, $rp from the pipe"
}

for f in basic be ns bens big; do
	same $f.pcap 3
	sed "s|$T/$f.pcap|F|" "$T/file.err" >"$T/file.err2"
	sed "s|/dev/stdin|F|" "$T/pipe.err" >"$T/pipe.err2"
	cmp -s "$T/file.err2" "$T/pipe.err2" || bad "$f: stderr differs"
done
# nanoseconds are cut to microseconds: the same report as the original
"$CTL" -c "$CONF" audit --json --pcap "$T/basic.pcap" >"$T/basic.out" 2>/dev/null
"$CTL" -c "$CONF" audit --json --pcap "$T/bens.pcap" >"$T/bens.out" 2>/dev/null
cmp -s "$T/basic.out" "$T/bens.out" || bad "big-endian nanosecond capture reported differently"

# cut and insane files: what came before is reported, then the reason
for f in cut_hdr cut_data insane; do
	same $f.pcap 1
done
"$CTL" -c "$CONF" audit --pcap "$T/cut_hdr.pcap" >/dev/null 2>"$T/err"
grep -qx "bunrictl audit: $T/cut_hdr.pcap: truncated dump file; a record header is cut off after $n packets (the report covers those)" "$T/err" ||
    bad "cut_hdr: $(cat "$T/err")"
"$CTL" -c "$CONF" audit --pcap "$T/cut_data.pcap" >/dev/null 2>"$T/err"
grep -qx "bunrictl audit: $T/cut_data.pcap: truncated dump file; packet $((n + 1)) is cut off (the report covers the packets before it)" "$T/err" ||
    bad "cut_data: $(cat "$T/err")"
"$CTL" -c "$CONF" audit --pcap "$T/insane.pcap" >/dev/null 2>"$T/err"
grep -qx "bunrictl audit: $T/insane.pcap: packet $((n + 1)) has a capture length of 300000 bytes, more than 262144: not a sane capture (the report covers the packets before it)" "$T/err" ||
    bad "insane: $(cat "$T/err")"

[ $fail -eq 0 ] && echo "audit_read: all cases pass"
[ $fail -eq 0 ]
