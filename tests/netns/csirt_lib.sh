# csirt_lib.sh - functions of the CSIRT delivery scenarios (130-140): a collector namespace, rsyslog on both sides with conf/rsyslog's recipes, checks of the received copy.
#
# Sourced after lib.sh and alerts_lib.sh.  The recipes are used as
# shipped; only their paths, the collector's address and (for the second
# sender of csirt_long) the input file are replaced by sed, and each
# rsyslogd runs with a two-line main file of its own (work directory,
# host name, no /dev/log), so nothing of the host's syslog is touched.

CSIRT_NS=$LAB-csirt
CSIRT_ADDR=192.0.2.130
CSIRT_GWADDR=192.0.2.129
CSIRT_HOST=gw1.city.example
CSIRT_OUT=
CSIRT_PID=
FWD_PID=
CONFDIR=${CSIRT_CONFDIR:-$TOP/conf/rsyslog}	# another place: to try a changed recipe

need_rsyslog() {
	command -v rsyslogd >/dev/null 2>&1 || skip "needs rsyslogd (make deps: rsyslog rsyslog-relp rsyslog-gnutls)"
	for m in imfile omrelp imrelp lmnsd_gtls; do
		ls /usr/lib/*/rsyslog/$m.so /usr/lib/rsyslog/$m.so 2>/dev/null | grep -q . ||
		    skip "needs rsyslog module $m (make deps)"
	done
	command -v openssl >/dev/null 2>&1 || skip "needs openssl (make deps)"
}

# csirt_setup MODE (relp|tls): the collector's namespace, a link from the
# gateway to it, the configurations of both rsyslogs (and certificates).
csirt_setup() {
	CSIRT_MODE=$1
	CSIRT_OUT=$LAB_DIR/csirt/bunri
	ns_add "$CSIRT_NS"
	ip -n "$GW" link add csirt0 type veth peer name eth0 netns "$CSIRT_NS" || fail "veth csirt0"
	ip -n "$GW" addr add "$CSIRT_GWADDR/30" dev csirt0
	ip -n "$CSIRT_NS" addr add "$CSIRT_ADDR/30" dev eth0
	ip -n "$GW" link set csirt0 up
	ip -n "$CSIRT_NS" link set eth0 up
	mkdir -p "$LAB_DIR/tls" "$LAB_DIR/csirt/work" "$LAB_DIR/fwd/work" "$CSIRT_OUT"
	[ "$1" = tls ] && { mkcerts "$LAB_DIR/tls" || fail "making the test certificates"; }
	sed -e "s|/var/log/csirt/bunri|$CSIRT_OUT|" -e "s|/etc/csirt/tls|$LAB_DIR/tls|" \
	    "$CONFDIR/csirt-collector-$1.conf" >"$LAB_DIR/csirt/collector.conf"
	printf 'global(workDirectory="%s")\ninclude(file="%s")\n' \
	    "$LAB_DIR/csirt/work" "$LAB_DIR/csirt/collector.conf" >"$LAB_DIR/csirt/main.conf"
	fwd_conf "$EVE" "$LAB_DIR/fwd" "$CSIRT_HOST"
	rsyslogd -N1 -f "$LAB_DIR/csirt/main.conf" >"$LAB_DIR/csirt/check.out" 2>&1 ||
	    fail "collector configuration: $(cat "$LAB_DIR/csirt/check.out")"
	rsyslogd -N1 -f "$LAB_DIR/fwd/main.conf" >"$LAB_DIR/fwd/check.out" 2>&1 ||
	    fail "gateway configuration: $(cat "$LAB_DIR/fwd/check.out")"
}

# fwd_conf LOG DIR HOSTNAME: the gateway recipe reading LOG, run from DIR.
fwd_conf() {
	sed -e "s|/var/log/bunri/eve.json|$1|" \
	    -e "s|target=\"collector.csirt.example\"|target=\"$CSIRT_ADDR\"|" \
	    -e "s|/etc/bunri/rsyslog/tls|$LAB_DIR/tls|" \
	    "$CONFDIR/bunri-forward-$CSIRT_MODE.conf" >"$2/forward.conf"
	printf 'global(workDirectory="%s" localHostName="%s")\ninclude(file="%s")\n' \
	    "$2/work" "$3" "$2/forward.conf" >"$2/main.conf"
}

# mkcerts DIR: a CA, the collector's certificate (collector.csirt.example,
# the name the gateway recipe permits) and the gateway's (gw1.city.example,
# within the collector's *.city.example); EC P-256, valid two days.
mkcerts() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -keyout "$1/ca-key.pem" -out "$1/ca.pem" -days 2 -subj "/CN=bunri test CSIRT CA" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign 2>"$1/err" || return 1
	for who in collector:collector.csirt.example gateway:gw1.city.example; do
		n=${who%%:*} cn=${who#*:}
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		    -keyout "$1/$n-key.pem" -out "$1/$n.csr" -subj "/CN=$cn" 2>>"$1/err" || return 1
		printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' \
		    "$cn" >"$1/$n.ext"
		openssl x509 -req -in "$1/$n.csr" -CA "$1/ca.pem" -CAkey "$1/ca-key.pem" \
		    -CAcreateserial -days 2 -extfile "$1/$n.ext" -out "$1/$n-cert.pem" 2>>"$1/err" || return 1
	done
}

# rsys_start NS DIR: rsyslogd in the foreground with DIR/main.conf; prints its pid.
rsys_start() {
	ip netns exec "$1" rsyslogd -n -f "$2/main.conf" -i "$2/rsyslogd.pid" >>"$2/rsyslogd.log" 2>&1 &
	echo $!
}

# rsys_stop PID: TERM, then wait (15 s at most, then KILL: a failure).
rsys_stop() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1"
		fail "rsyslogd $1 did not stop within 15 s"
	fi
	wait "$1" 2>/dev/null
	LAB_PIDS=$(echo "$LAB_PIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
}

collector_start() {
	CSIRT_PID=$(rsys_start "$CSIRT_NS" "$LAB_DIR/csirt")
	LAB_PIDS="$LAB_PIDS $CSIRT_PID"
	port=2514
	[ "$CSIRT_MODE" = tls ] && port=6514
	i=0	# listening within 5 s
	while ! in_ns "$CSIRT_NS" ss -Hltn "sport = :$port" | grep -q .; do
		kill -0 "$CSIRT_PID" 2>/dev/null || fail "collector rsyslogd exited: $(tail -n 5 "$LAB_DIR/csirt/rsyslogd.log")"
		[ $i -lt 50 ] || fail "collector rsyslogd does not listen on $port"
		sleep 0.1
		i=$((i + 1))
	done
}
collector_stop() { rsys_stop "$CSIRT_PID"; CSIRT_PID=; }

fwd_start() {
	FWD_PID=$(rsys_start "$GW" "$LAB_DIR/fwd")
	LAB_PIDS="$LAB_PIDS $FWD_PID"
	sleep 0.5
	kill -0 "$FWD_PID" 2>/dev/null || fail "gateway rsyslogd exited: $(tail -n 5 "$LAB_DIR/fwd/rsyslogd.log")"
}
fwd_stop() { rsys_stop "$FWD_PID"; FWD_PID=; }

# csirt_wait SRC COPY SECONDS: wait until COPY has as many lines as SRC.
csirt_wait() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		[ -f "$2" ] && [ "$(wc -l <"$2")" -ge "$(wc -l <"$1")" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# csirt_exactly_once COPY N [atleast]: COPY holds bunri.seq 1..N, each
# once, in order.  With "atleast", 1..M for some M >= N: while bunrid runs
# a checkpoint or flow event may be written and forwarded between reading
# the appliance's last seq and reading the copy.
csirt_exactly_once() {
	python3 - "$1" "$2" "${3:-exact}" <<'P'
import json, sys
seqs = [json.loads(l)["bunri"]["seq"] for l in open(sys.argv[1], "rb") if l.strip()]
n = int(sys.argv[2])
if sys.argv[3] == "atleast":
    n = max(n, len(seqs))
want = list(range(1, n + 1))
if seqs != want:
    dup = sorted({s for s in seqs if seqs.count(s) > 1})
    miss = sorted(set(want) - set(seqs))
    print("seq: %d lines; missing %s; repeated %s; extra %s" % (
        len(seqs), miss[:20], dup[:20], sorted(set(seqs) - set(want))[:20]))
    sys.exit(1)
P
}

# last_seq FILE: bunri.seq of its last line.
last_seq() {
	tail -n 1 "$1" | python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["bunri"]["seq"])'
}

# last_checkpoint FILE: "SEQ:CHAIN" of its last stats line.
last_checkpoint() {
	grep '"event_type":"stats"' "$1" | tail -n 1 |
	    sed -E 's/.*"bunri":\{"seq":([0-9]+).*"chain":"([0-9a-f]{64})"\}$/\1:\2/'
}

# forbid I: one forbidden flow, its alert awaited (UDP from mynumber to
# the Internet, a port of its own, so each is a new flow).
forbid() {
	src=$(host_addr mynumber:mn-a 4) dst=$(host_addr internet:in-a 4)
	apy probe "$EVE" "$(host_ns mynumber:mn-a)" "$src" "$dst" udp $((20000 + $1)) 1 >/dev/null ||
	    fail "forbidden flow $1: no zone-violation alert"
}

# csirt_long: a second sender (host gw2.city.example) forwards a chained
# log with a 20,000-byte line (more than rsyslog's default 8k); the
# collector's copy must be the same bytes and verify.
csirt_long() {
	mkdir -p "$LAB_DIR/long/work"
	python3 - "$LAB_DIR/long/key" "$LAB_DIR/long/eve.json" <<'P' || fail "writing the long log"
import hashlib, hmac, json, os, sys
key = os.urandom(32)
open(sys.argv[1], "w").write(key.hex() + "\n")
prev = bytes(32)
with open(sys.argv[2], "wb") as f:
    for seq in range(1, 4):
        obj = {"timestamp": "2026-11-23T23:41:15.000000+0900", "event_type": "alert",
               "host": "gw2", "bunri": {"seq": seq, "note": "x" * (20000 if seq == 2 else 10)}}
        body = json.dumps(obj, separators=(",", ":")).encode()
        mac = hmac.new(key, prev + body, hashlib.sha256).digest()
        f.write(body[:-1] + b',"chain":"' + mac.hex().encode() + b'"}\n')
        prev = mac
        key = hashlib.sha256(b"bunri chain key" + key).digest()
P
	fwd_conf "$LAB_DIR/long/eve.json" "$LAB_DIR/long" gw2.city.example
	pid=$(rsys_start "$GW" "$LAB_DIR/long")
	LAB_PIDS="$LAB_PIDS $pid"
	copy=$CSIRT_OUT/gw2.city.example.json
	csirt_wait "$LAB_DIR/long/eve.json" "$copy" 20 || fail "long lines: the collector got $(wc -l <"$copy" 2>/dev/null || echo no) lines of 3"
	rsys_stop "$pid"
	cmp -s "$LAB_DIR/long/eve.json" "$copy" || fail "long lines: the collector's copy differs (cut at 8k?): $(awk '{ print length }' "$copy" | tr '\n' ' ')"
	"$B/bunrictl" verify-log "$copy" --key "$LAB_DIR/long/key" >"$LAB_DIR/long/verify.out" 2>&1 ||
	    fail "long lines: verify-log: $(cat "$LAB_DIR/long/verify.out")"
}
