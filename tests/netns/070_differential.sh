#!/bin/bash
# 070_differential.sh - random probes: the kernel's verdict in the lab equals `bunrictl explain`'s.
#
# PROBES (default 500) random probes on the lab of policies/pairs.conf and
# PROBES_EXAMPLE (default 200) on the example conf/bunri.conf: a random
# source (registered host, unregistered MAC, a bound address sent from a
# foreign MAC, or an address of another zone = spoofed), a random
# destination host of another zone (a third of the probes start from a
# policy flow, so that many cross), mostly UDP (some TCP SYNs and ICMP
# echos), a port from the policy or a random one, v4 or v6.  Each one's
# crossing is observed at the destination, and `bunrictl explain` is asked
# with exactly what the gateway saw (--from --to --proto --port --mac
# --iface): exit 0 must mean it crossed, 5 that it did not.
. "$(dirname "$0")/lib.sh"
need_root
need_prog bunrid bunrictl
SEED=${SEED:-$$}
say "seed $SEED (SEED=$SEED to repeat)"

# gen COUNT: random probe lines "ID ... FLAGS" and, in $LAB_DIR/explain,
# the matching explain arguments, one line each.
gen() {
	python3 - "$1" "$SEED" "$LAB_DIR/hosts" "$LAB_DIR/spec" "$LAB_DIR/explain" <<'PY'
import random, sys
count, seed, hosts_f, spec_f, explain_f = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
rnd = random.Random(seed)
hosts = [l.split() for l in open(hosts_f)]
ports = sorted({int(p) for l in open(spec_f) if l.startswith("flow ")
                for p in l.split()[5].replace("-", ",").split(",") if p.isdigit()})
import ipaddress

def covered(ep, h, ai):
    zone, _, rest = ep.partition(":")
    if h[0] != zone or h[ai] == "-":
        return False
    if not rest:
        return True
    if rest == h[1]:
        return True
    try:
        return ipaddress.ip_address(h[ai]) in ipaddress.ip_network(rest, strict=False)
    except ValueError:
        return False

flows = [l.split() for l in open(spec_f) if l.startswith("flow ")]
out, ex = [], []
for i in range(count):
    # A third of the probes start from a flow (so many should cross), the
    # rest are random; either may then be spoofed or sent from a foreign MAC.
    while True:
        fl = rnd.choice(flows) if flows and rnd.random() < 0.35 else None
        if fl:
            fam = "6" if fl[4] == "icmpv6" else "4" if fl[4] == "icmp" else rnd.choice("46")
            ai = 4 if fam == "4" else 5
            ss = [h for h in hosts if covered(fl[2], h, ai)]
            ds = [h for h in hosts if covered(fl[3], h, ai)]
            if not ss or not ds:
                continue
            s, d = rnd.choice(ss), rnd.choice(ds)
        else:
            s = rnd.choice(hosts)
            d = rnd.choice(hosts)
            fam = rnd.choice("46")
            ai = 4 if fam == "4" else 5
        if s[0] == d[0] or s[ai] == "-" or d[ai] == "-":
            continue
        kind = rnd.choices(["host", "spoof", "wrongmac"], [70, 15, 15])[0]
        src, flags = s[ai], "-"
        if kind == "spoof":
            o = [h for h in hosts if h[0] != s[0] and h[ai] != "-"]
            src, flags = rnd.choice(o)[ai], "t"
        elif kind == "wrongmac":
            o = [h for h in hosts if h[0] == s[0] and h[2] != s[2] and h[ai] != "-"]
            if not o:
                continue
            src, flags = rnd.choice(o)[ai], "t"
        break
    if fl:
        proto = "icmp" if fl[4].startswith("icmp") else fl[4]
        rng = rnd.choice(fl[5].split(",")) if fl[5] != "-" else "0"
        lo, _, hi = rng.partition("-")
        port = rnd.randint(int(lo), int(hi or lo))
        if rnd.random() < 0.2:
            port = rnd.randint(1, 65535)
    else:
        proto = rnd.choices(["udp", "tcp", "icmp"], [75, 15, 10])[0]
        port = rnd.choice(ports) if ports and rnd.random() < 0.6 else rnd.randint(1, 65535)
    pid = "p%d" % i
    if proto == "icmp":
        out.append("%s %s %s %s %s icmp - %s" % (pid, s[2], src, d[2], d[ai], flags))
        ep = "icmp" if fam == "4" else "icmpv6"
        ex.append("%s --from %s --to %s --proto %s --mac %s --iface %s" % (pid, src, d[ai], ep, s[3], s[6]))
    else:
        out.append("%s %s %s %s %s %s %d %s" % (pid, s[2], src, d[2], d[ai], proto, port, flags))
        ex.append("%s --from %s --to %s --proto %s --port %d --mac %s --iface %s" % (pid, src, d[ai], proto, port, s[3], s[6]))
open(explain_f, "w").write("\n".join(ex) + "\n")
print("\n".join(out))
PY
}

lab_init
total=0 bad=0 crossed=0
run_lab() { # POLICY COUNT
	lab_build "$1"
	lab_policy "$1" "$LAB_DIR/bunri.conf"
	bunrid_start "$LAB_DIR/bunri.conf" || fail "$(basename "$1"): bunrid did not start"
	gen "$2" >"$LAB_DIR/probes" || fail "probe generator failed"
	run_probes --wait 1.5 <"$LAB_DIR/probes" >"$LAB_DIR/results"
	[ "$(wc -l <"$LAB_DIR/results")" = "$2" ] || fail "expected $2 results"
	while read -r id args; do
		# shellcheck disable=SC2086
		out=$("$B/bunrictl" -c "$LAB_DIR/bunri.conf" explain $args 2>&1)
		rc=$?
		case $rc in 0) want=pass ;; 5) want=block ;; *) want="error $rc" ;; esac
		got=$(awk -v id="$id" '$1 == id { print $2 }' "$LAB_DIR/results")
		total=$((total + 1))
		[ "$got" = pass ] && crossed=$((crossed + 1))
		if [ "$got" != "$want" ]; then
			bad=$((bad + 1))
			[ $bad -le 20 ] && say "disagree: kernel $got, explain $want: $(grep "^$id " "$LAB_DIR/probes" | cut -d' ' -f3-): explain $args -> $out" >&2
		fi
	done <"$LAB_DIR/explain"
	bunrid_stop
	# The next lab reuses the names: take this one down first.
	for ns in $LAB_NS; do ip netns del "$ns" 2>/dev/null; done
	LAB_NS=
}
run_lab "$NETNS_DIR/policies/pairs.conf" "${PROBES:-500}"
[ -f "$TOP/conf/bunri.conf" ] && run_lab "$TOP/conf/bunri.conf" "${PROBES_EXAMPLE:-200}"
[ $bad = 0 ] || fail "$bad of $total probes: the kernel and bunrictl explain disagree"
say "ok: $total random probes ($crossed crossed, $((total - crossed)) blocked), the kernel and bunrictl explain agree on every one"
