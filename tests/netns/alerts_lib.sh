# alerts_lib.sh - functions of the netns alert scenarios (080-095): bunrid with its sniffer, packets sent, alert lines awaited.
#
# Sourced after lib.sh (which builds the lab).  The Python helper is
# written into the lab directory, so it is removed with the lab.

EVE=
ALERT_POL=$NETNS_DIR/policies/alerts.conf

# mon_start CONF: start bunrid in the gateway (either mode) and wait, 10 s
# at most, for its "policy applied" line in the alert log.
mon_start() {
	EVE=$(sed -n 's|.*[^_a-z]file *= *"\([^"]*\)".*|\1|p' "$1" | head -n 1)
	[ -n "$EVE" ] || fail "mon_start: no alerts.file in $1"
	ip netns exec "$GW" "$B/bunrid" -c "$1" -f >>"$LAB_DIR/bunrid.log" 2>&1 &
	BUNRID_PID=$!
	LAB_PIDS="$LAB_PIDS $BUNRID_PID"
	i=0
	while [ $i -lt 100 ]; do
		if ! kill -0 "$BUNRID_PID" 2>/dev/null; then
			wait "$BUNRID_PID"
			say "bunrid exited with $? at start; its log:" >&2
			tail -n 20 "$LAB_DIR/bunrid.log" >&2
			return 1
		fi
		if [ -s "$EVE" ] && apy count "$EVE" alert.signature_id=9 >/dev/null 2>&1 &&
		    [ "$(apy count "$EVE" alert.signature_id=9)" -ge 1 ]; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	say "bunrid wrote no policy-change alert within 10 s; its log:" >&2
	tail -n 20 "$LAB_DIR/bunrid.log" >&2
	return 1
}

# probe_flows FILE SID WHAT: for each "FROM TO PROTO PORT FAMILY" line of FILE,
# send the flow and wait for its alert of signature SID; each must be on disk
# within 1 s.  Latencies go to $LAB_DIR/lat (truncated first), the count to $n.
probe_flows() {
	: >"$LAB_DIR/lat"
	n=0
	while read -r from to proto port fam; do
		src=$(host_addr "$from" "$fam") dst=$(host_addr "$to" "$fam")
		ms=$(apy probe "$EVE" "$(host_ns "$from")" "$src" "$dst" "$proto" "$port" "$2" 3) ||
		    fail "$from -> $to $proto/$port (v$fam): no $3 alert within 2 s"
		echo "$ms" >>"$LAB_DIR/lat"
		awk -v m="$ms" 'BEGIN { exit !(m <= 1000) }' ||
		    fail "$from -> $to $proto/$port (v$fam): alert after $ms ms (limit 1000)"
		n=$((n + 1))
	done <"$1"
}

# verify_eve: the whole alert log verifies against the chain key, and the
# daemon's log holds no sanitizer report (B=build/san).
verify_eve() {
	if grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$LAB_DIR/bunrid.log" >&2; then
		fail "sanitizer report in bunrid's log"
	fi
	"$B/bunrictl" verify-log "$EVE" --key "$LAB_DIR/state/chain.key" >"$LAB_DIR/verify.out" 2>&1
	rc=$?
	[ $rc = 0 ] || { cat "$LAB_DIR/verify.out" >&2; fail "verify-log $EVE: exit $rc, want 0"; }
	schema_eve
}

# schema_eve: every line validates against Suricata's EVE schema with
# only bunri and chain added (skipped, said, without the schema).
schema_eve() {
	schema=${BUNRI_SHARED:-$TOP/../shared}/corpus/suricata-eve/schema.json
	if [ ! -r "$schema" ] || ! python3 -c 'import jsonschema' 2>/dev/null; then
		say "note: EVE schema check skipped (no $schema or python3-jsonschema)"
		return 0
	fi
	python3 - "$schema" "$EVE" <<'P' || fail "alert lines do not validate against the EVE schema"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
schema["properties"]["bunri"] = {"type": "object", "required": ["seq"],
    "properties": {"seq": {"type": "integer", "minimum": 1}}}
schema["properties"]["chain"] = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
val = cls(schema)
bad = 0
for n, line in enumerate(open(sys.argv[2], encoding="utf-8"), 1):
    for e in val.iter_errors(json.loads(line)):
        bad += 1
        print("eve line %d: %s: %s" % (n, "/".join(map(str, e.path)) or "(top)", e.message), file=sys.stderr)
sys.exit(1 if bad else 0)
P
}

# apy COMMAND ARGS: the Python helper (see its usage below).
apy() {
	[ -f "$LAB_DIR/alerts.py" ] || alerts_py >"$LAB_DIR/alerts.py"
	timeout 60 python3 "$LAB_DIR/alerts.py" "$@"
}

alerts_py() {
	cat <<'PY'
# alerts.py - sends packets from lab namespaces and reads the alert log.
#
#   probe EVE NS SRC DST PROTO PORT SID [COUNT]
#       from namespace NS, send COUNT (1) UDP datagrams (one flow: same
#       source port) or a TCP SYN from SRC to DST:PORT, then wait (2 s at
#       most) for the alert with signature SID about that flow; print the
#       milliseconds from the first send to the line being in the file.
#       Exit 1 when it does not come.
#   sweep NS SRC DST PROTO PORT0 N
#       N probes to ports PORT0 .. PORT0+N-1 (a scan), 2 ms apart.
#   count EVE [KEY=VALUE ...]   lines whose dotted KEYs have these values
#   lines EVE [KEY=VALUE ...]   the same lines, as they are
import ctypes, json, os, socket, sys, time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + ns)
    finally:
        os.close(fd)


def get(obj, key):
    for k in key.split("."):
        if not isinstance(obj, dict) or k not in obj:
            return None
        obj = obj[k]
    return obj


def match(obj, conds):
    return all(str(get(obj, k)) == v for k, v in conds)


def conds_of(args):
    return [tuple(a.split("=", 1)) for a in args]


def read_lines(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    out = []
    for raw in data.split(b"\n"):
        if raw.strip():
            out.append((raw.decode("utf-8", "replace"), json.loads(raw)))
    return out


def sender(src, dst, proto, port):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    if proto == "udp":
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((src, 0))
        return s, lambda: s.sendto(b"bunri-lab", (dst, port))
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.setblocking(False)

    def syn():
        try:
            s.connect((dst, port))
        except (BlockingIOError, OSError):
            pass
    return s, syn


def probe(eve, ns, src, dst, proto, port, sid, count=1):
    conds = [("event_type", "alert"), ("alert.signature_id", str(sid)),
             ("src_ip", src), ("dest_ip", dst), ("dest_port", str(port))]
    enter(ns)
    try:
        start = os.path.getsize(eve)
    except FileNotFoundError:
        start = 0
    s, send = sender(src, dst, proto, port)
    t0 = time.time()
    send()
    sent = 1
    buf = b""
    off = start
    while time.time() - t0 < 2.0:
        if proto == "udp" and sent < count and time.time() - t0 >= 0.01 * sent:
            send()
            sent += 1
        with open(eve, "rb") as f:
            f.seek(off)
            more = f.read()
        if more:
            t = time.time()
            off += len(more)
            buf += more
            *whole, buf = buf.split(b"\n")
            for raw in whole:
                if raw.strip() and match(json.loads(raw), conds):
                    print("%.1f" % ((t - t0) * 1000))
                    s.close()
                    return 0
        time.sleep(0.001)
    s.close()
    return 1


def sweep(ns, src, dst, proto, port0, n):
    enter(ns)
    socks = []
    for p in range(port0, port0 + n):
        s, send = sender(src, dst, proto, p)
        send()
        socks.append(s)
        time.sleep(0.002)
    time.sleep(0.2)
    for s in socks:
        s.close()
    return 0


def main(a):
    if a[0] == "probe":
        return probe(a[1], a[2], a[3], a[4], a[5], int(a[6]), int(a[7]),
                     int(a[8]) if len(a) > 8 else 1)
    if a[0] == "sweep":
        return sweep(a[1], a[2], a[3], a[4], int(a[5]), int(a[6]))
    if a[0] in ("count", "lines"):
        conds = conds_of(a[2:])
        hits = [raw for raw, obj in read_lines(a[1]) if match(obj, conds)]
        if a[0] == "count":
            print(len(hits))
        else:
            for raw in hits:
                print(raw)
        return 0
    print("alerts.py: unknown command " + a[0], file=sys.stderr)
    return 2


try:
    sys.exit(main(sys.argv[1:]))
except BrokenPipeError:		# "lines ... | head": the reader had enough
    os._exit(0)
PY
}

# p99 of the numbers in FILE (one a line), nearest rank.
p99() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
	    i = int(NR * 0.99 + 0.999); if (i < 1) i = 1; if (i > NR) i = NR; print v[i] }'
}
