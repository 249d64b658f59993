#!/bin/bash
# demo.sh - `make demo`: a lab of namespaces shows what bunrid lets through and what it blocks, and why.
#
# Builds a gateway namespace with the zones and hosts of conf/bunri.conf
# (their addresses and MACs), starts bunrid on that policy, sends a few
# allowed and forbidden connections, prints a table of what crossed with
# `bunrictl explain`'s reason for each, and removes everything it made.
# The host's own interfaces and ruleset are never touched.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "make demo: run as root (it creates network namespaces)" >&2; exit 1; }
need_prog bunrid bunrictl
POL=${1:-$TOP/conf/bunri.conf}
[ -f "$POL" ] || POL=$NETNS_DIR/policies/pairs.conf
lab_init
echo "== bunri demo: policy $POL"
lab_build "$POL"
echo "== lab: gateway namespace $GW with $(awk '$1 == "zone"' "$LAB_DIR/spec" | wc -l) zones," \
    "$(grep -vc '~' "$LAB_DIR/hosts") registered hosts (plus one unregistered device per zone)"
lab_policy "$POL" "$LAB_DIR/bunri.conf"
bunrid_start "$LAB_DIR/bunri.conf" || exit 1
echo "== bunrid (pid $BUNRID_PID) installed table inet bunri in $GW"

# Pick the connections: each flow's first port (allowed); for every third
# flow also the same connection on another port, the reverse direction and
# an unregistered device; plus My Number <-> Internet and a spoofed source.
python3 - "$LAB_DIR/spec" "$LAB_DIR/hosts" >"$LAB_DIR/cases" <<'PY'
import ipaddress, sys
spec = [l.split() for l in open(sys.argv[1])]
hosts = [l.split() for l in open(sys.argv[2])]
kinds = {l[1]: l[2] for l in spec if l[0] == "zone"}

def find(ep):
    zone, _, rest = ep.partition(":")
    zh = [h for h in hosts if h[0] == zone]
    if not rest:
        zh = [h for h in zh if not h[1].startswith("~")] or zh
        return zh[0] if zh else None
    for h in zh:
        if h[1] == rest:
            return h
    net = ipaddress.ip_network(rest, strict=False)
    for h in zh:
        for a in h[4:6]:
            if a != "-" and ipaddress.ip_address(a) in net:
                return h
    return None

cases = []
def add(what, s, d, proto, port, flags="-", src=""):
    fam = 4 if s[4] != "-" and d[4] != "-" and proto != "icmp6" else 6
    ai = 4 if fam == 4 else 5
    if s[ai] == "-" or d[ai] == "-":
        return
    if proto == "icmp6":
        proto = "icmp"
    cases.append("|".join([what, s[0] + ":" + s[1], d[0] + ":" + d[1], proto, port, str(fam), flags, src]))

for k, l in enumerate([l for l in spec if l[0] == "flow"]):
    fid, fr, to, proto, ports = l[1:6]
    s, d = find(fr), find(to)
    if not s or not d:
        continue
    port = "-" if ports == "-" else ports.split(",")[0].split("-")[0]
    p = {"icmp": "icmp", "icmpv6": "icmp6"}.get(proto, proto)
    add("%s allowed" % fid, s, d, p, port)
    if k % 3:
        continue
    if not p.startswith("icmp"):
        add("%s other port" % fid, s, d, p, str(int(port) + 1))
        add("%s reverse" % fid, d, s, p, port)
    st = find(s[0] + ":~stranger")
    if st and st[2] != s[2]:
        add("%s unregistered PC" % fid, st, d, p, port)
mn = [h for h in hosts if kinds.get(h[0]) == "mynumber" and not h[1].startswith("~")]
inet = [h for h in hosts if kinds.get(h[0]) == "internet" and not h[1].startswith("~")]
if mn and inet:
    add("My Number -> Internet", mn[0], inet[0], "tcp", "443")
    add("Internet -> My Number", inet[0], mn[0], "tcp", "443")
    other = [h for h in hosts if h[0] != mn[0][0] and h[4] != "-" and kinds.get(h[0]) != "internet"]
    if other:
        add("spoofed source", mn[0], inet[0], "tcp", "443", "t", other[0][4])
print("\n".join(cases))
PY
: >"$LAB_DIR/probes"
i=0
while IFS='|' read -r what from to proto port fam flags src; do
	probe_line "c$i" "$from" "$to" "$proto" "$port" "$fam" "$flags" $src >>"$LAB_DIR/probes"
	i=$((i + 1))
done <"$LAB_DIR/cases"
run_probes --wait 1.5 <"$LAB_DIR/probes" >"$LAB_DIR/results"

fmt='%-24s %-46s %-9s %-8s %s\n'
printf "\n$fmt" "case" "from -> to" "proto" "kernel" "bunrictl explain"
printf '%s\n' "--------------------------------------------------------------------------------------------------------------"
i=0 agree=0 n=0
while IFS='|' read -r what from to proto port fam flags spoof; do
	read -r _ sns src _ dst _ <<<"$(sed -n "$((i + 1))p" "$LAB_DIR/probes")"
	got=$(awk -v id="c$i" '$1 == id { print $2 }' "$LAB_DIR/results")
	ep=$proto; [ "$proto" = icmp ] && [ "$fam" = 6 ] && ep=icmpv6
	mac=$(awk -v ns="$sns" '$3 == ns { print $4; exit }' "$LAB_DIR/hosts")
	pa=; [ "$port" != - ] && pa="--port $port"
	"$B/bunrictl" -c "$LAB_DIR/bunri.conf" explain --from "$src" --to "$dst" --proto "$ep" $pa \
	    --mac "$mac" --iface "$(host_if "$from")" >"$LAB_DIR/why" 2>&1
	rc=$?
	why=$(head -n 1 "$LAB_DIR/why")
	verdict=BLOCKED; [ "$got" = pass ] && verdict=PASSED
	n=$((n + 1))
	if { [ "$got" = pass ] && [ $rc = 0 ]; } || { [ "$got" = block ] && [ $rc = 5 ]; }; then
		agree=$((agree + 1))
	else
		why="$why   <-- explain (exit $rc) disagrees with the kernel"
	fi
	pp=$ep; [ "$port" != - ] && pp="$proto/$port"
	# Invented hosts are shown by what they are.
	f=$from t=$to
	case $f in *:~stranger) f="${f%%:*}:unregistered-pc" ;; *:~addr*) f="${f%%:*}:$src" ;; esac
	case $t in *:~stranger) t="${t%%:*}:unregistered-pc" ;; *:~addr*) t="${t%%:*}:$dst" ;; esac
	[ -n "$spoof" ] && f="${f%%:*}:$src(spoofed)"
	printf "$fmt" "$what" "$f -> $t" "$pp" "$verdict" "$why"
	i=$((i + 1))
done <"$LAB_DIR/cases"
echo
echo "== $n connections; the kernel and bunrictl explain agreed on $agree"
bunrid_stop
echo "== bunrid stopped (its table stays until the gateway namespace goes); removing the lab"
[ $agree = $n ]
