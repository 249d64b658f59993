# lib.sh - shared functions of the netns scenarios: the lab builder, bunrid control and probes.
#
# Sourced (bash) by tests/netns/[0-9]*.sh and demo.sh.  A lab is a gateway
# namespace holding the policy's zone interfaces (mn0, lg0, ...) plus, per
# zone, either a switch namespace with one namespace per host (attached
# zones: the gateway sees each host's own MAC) or one router namespace
# holding every address of the zone (attached = false: one MAC).  Every
# name starts with a prefix unique to this run (bt<pid>-), and the EXIT
# trap deletes exactly the namespaces and stops exactly the processes this
# run made.  Nothing here touches the host's interfaces or ruleset.

B=${B:-build}
NETNS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$NETNS_DIR/../.." && pwd)
case $B in /*) ;; *) B=$TOP/$B ;; esac
LAB=${LAB:-bt$$}
LAB_DIR=
LAB_NS=
LAB_PIDS=
GW=$LAB-gw
BUNRID_PID=

say() { printf '%s: %s\n' "${0##*/}" "$*"; }
fail() { say "FAIL: $*" >&2; exit 1; }

# Skip (77) when the lab cannot be made, except in CI where that is a failure.
skip() {
	if [ "${CI:-}" = true ]; then
		fail "cannot run in CI: $*"
	fi
	say "skipped: $*"
	exit 77
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, nftables)"
	for t in ip nft python3 timeout; do
		command -v $t >/dev/null 2>&1 || skip "needs $t (make deps)"
	done
	ip netns add "$LAB-try" 2>/dev/null || skip "cannot create a network namespace here"
	ip netns del "$LAB-try"
}

need_prog() {
	for p in "$@"; do
		[ -x "$B/$p" ] || fail "$B/$p is not built (make build)"
	done
}

lab_cleanup() {
	rc=$?
	trap - EXIT INT TERM
	for pid in $LAB_PIDS; do
		pkill -KILL -P "$pid" 2>/dev/null	# a helper subshell's own children
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ns in $LAB_NS; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$LAB_DIR" ] && [ -z "${KEEP_LAB:-}" ]; then
		rm -rf "$LAB_DIR"
	fi
	exit $rc
}

lab_init() {
	LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bunri-lab.XXXXXX") || fail "mktemp"
	trap lab_cleanup EXIT
	trap 'exit 130' INT TERM
}

ns_add() {
	ip netns add "$1" || fail "ip netns add $1"
	LAB_NS="$1 $LAB_NS"		# newest first: hosts go before the gateway
	ip -n "$1" link set lo up
}

# Run a command inside a lab namespace.
in_ns() { ns=$1; shift; ip netns exec "$ns" "$@"; }

# Turn a host name into something a namespace name can hold.
ns_safe() { printf '%s' "$1" | tr -c 'A-Za-z0-9_.-' '_'; }

# lab_build POLICY: build the namespaces for every zone and host of POLICY.
# Writes $LAB_DIR/hosts: "zone name ns mac addr4 addr6 gwiface" (- when none).
lab_build() {
	python3 "$NETNS_DIR/labspec.py" "$1" >"$LAB_DIR/spec" || fail "labspec.py $1"
	: >"$LAB_DIR/hosts"
	ns_add "$GW"
	in_ns "$GW" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
	    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
	    net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0 \
	    net.ipv6.conf.default.accept_dad=0 || fail "sysctl in $GW"
	zi=0
	while read -r kind a1 a2 a3 a4 a5 a6; do
		case $kind in
		zone)	lab_zone "$zi" "$a1" "$a3" "$a4" "$a5" "$a6"; zi=$((zi + 1)) ;;
		host)	lab_host "$a1" "$a2" "$a3" "$a4" ;;
		esac
	done <"$LAB_DIR/spec"
}

# lab_zone INDEX NAME ATTACHED IFACES GW4 GW6
lab_zone() {
	eval "Z_ATT_$(ns_safe "$2" | tr -c 'A-Za-z0-9_\n' _)=$3"
	ifs=$(printf '%s' "$4" | tr , ' ')
	first=${ifs%% *}
	ii=0
	for ifc in $ifs; do
		gmac=$(printf '02:b6:%02x:%02x:00:01' "$1" "$ii")
		if [ "$3" = 1 ]; then
			sw=$LAB-s-$(ns_safe "$2")-$ii
			ns_add "$sw"
			ip -n "$GW" link add "$ifc" address "$gmac" type veth peer name uplink netns "$sw" ||
			    fail "veth $ifc"
			ip -n "$sw" link add br0 type bridge || fail "bridge in $sw"
			ip -n "$sw" link set dev uplink master br0
			ip -n "$sw" link set dev uplink up
			ip -n "$sw" link set br0 up
		else
			r=$LAB-r-$(ns_safe "$2")
			[ $ii = 0 ] && ns_add "$r"
			ip -n "$GW" link add "$ifc" address "$gmac" type veth peer name "eth$ii" netns "$r" ||
			    fail "veth $ifc"
			ip -n "$r" link set "eth$ii" up
		fi
		ip -n "$GW" link set "$ifc" up
		ii=$((ii + 1))
	done
	[ "$5" != - ] && ip -n "$GW" addr add "$5" dev "$first"
	[ "$6" != - ] && ip -n "$GW" addr add "$6" dev "$first" nodad
	eval "Z_IF_$(ns_safe "$2" | tr -c 'A-Za-z0-9_\n' _)=$first"
	eval "Z_GW4_$(ns_safe "$2" | tr -c 'A-Za-z0-9_\n' _)=${5%/*}"
	eval "Z_GW6_$(ns_safe "$2" | tr -c 'A-Za-z0-9_\n' _)=${6%/*}"
	eval "Z_GMAC_$(ns_safe "$2" | tr -c 'A-Za-z0-9_\n' _)=$(printf '02:b6:%02x:00:00:01' "$1")"
}

# lab_host ZONE NAME MAC ADDRS
lab_host() {
	zv=$(ns_safe "$1" | tr -c 'A-Za-z0-9_\n' _)
	eval "att=\$Z_ATT_$zv ifc=\$Z_IF_$zv gw4=\$Z_GW4_$zv gw6=\$Z_GW6_$zv gmac=\$Z_GMAC_$zv"
	if [ "$att" = 1 ]; then
		ns=$LAB-h-$(ns_safe "$1")-$(ns_safe "$2")
		sw=$LAB-s-$(ns_safe "$1")-0
		ns_add "$ns"
		n=$(ip -n "$sw" -o link show | wc -l)
		ip -n "$sw" link add "p$n" type veth peer name eth0 netns "$ns" || fail "veth for $2"
		ip -n "$sw" link set "p$n" master br0 up
		mac=$3
		[ "$mac" = - ] && mac=$(printf '02:b8:%02x:%02x:%02x:%02x' $(echo "$ns" | cksum |
		    awk '{ n = $1; for (i = 0; i < 4; i++) { printf "%d ", n % 256; n = int(n / 256) } }'))
		ip -n "$ns" link set eth0 address "$mac" up
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.eth0.accept_dad=0
	else
		ns=$LAB-r-$(ns_safe "$1")
		mac=$(ip -n "$ns" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
	fi
	a4=- a6=-
	for a in $(printf '%s' "$4" | tr , ' '); do
		case $a in
		*:*)	ip -n "$ns" addr add "$a" dev eth0 nodad; [ $a6 = - ] && a6=${a%/*}
			ip -n "$GW" -6 neigh replace "${a%/*}" lladdr "$mac" dev "$ifc" nud permanent
			ip -n "$GW" -6 route replace "${a%/*}/128" dev "$ifc" ;;
		*)	ip -n "$ns" addr add "$a" dev eth0; [ $a4 = - ] && a4=${a%/*}
			ip -n "$GW" neigh replace "${a%/*}" lladdr "$mac" dev "$ifc" nud permanent
			ip -n "$GW" route replace "${a%/*}/32" dev "$ifc" ;;
		esac
	done
	if [ "$a4" != - ] && [ -n "$gw4" ]; then
		ip -n "$ns" neigh replace "$gw4" lladdr "$gmac" dev eth0 nud permanent
		ip -n "$ns" route replace default via "$gw4" dev eth0 onlink
	fi
	if [ "$a6" != - ] && [ -n "$gw6" ]; then
		ip -n "$ns" -6 neigh replace "$gw6" lladdr "$gmac" dev eth0 nud permanent
		ip -n "$ns" -6 route replace default via "$gw6" dev eth0 onlink
	fi
	echo "$1 $2 $ns $mac $a4 $a6 $ifc" >>"$LAB_DIR/hosts"
}

# host_field ZONE:NAME FIELD  (FIELD: ns mac a4 a6 if)
host_field() {
	awk -v z="${1%%:*}" -v n="${1#*:}" -v f="$2" '
	    $1 == z && $2 == n {
		i = f == "ns" ? 3 : f == "mac" ? 4 : f == "a4" ? 5 : f == "a6" ? 6 : 7
		print $i; found = 1; exit }
	    END { if (!found) exit 1 }' "$LAB_DIR/hosts" || fail "no lab host $1"
}
host_ns()   { host_field "$1" ns; }
host_mac()  { host_field "$1" mac; }
host_if()   { host_field "$1" if; }
host_addr() { host_field "$1" "a$2"; }

# lab_policy SRC DST: a copy of SRC whose socket, state and alert paths are
# inside the lab directory (so instances never clash) and without syslog.
lab_policy() {
	sed -e "s|control_socket *= *\"[^\"]*\"|control_socket = \"$LAB_DIR/ctl.sock\"|" \
	    -e "s|state_dir *= *\"[^\"]*\"|state_dir = \"$LAB_DIR/state\"|" \
	    -e "s|\([^_a-z]\)file *= *\"[^\"]*\"|\1file = \"$LAB_DIR/eve.json\"|" \
	    -e "s|syslog *= *true|syslog = false|" "$1" >"$2.tmp" || fail "lab_policy $1"
	grep -q control_socket "$2.tmp" ||
	    sed -i "0,/gateway *= *{/s|gateway *= *{|& control_socket = \"$LAB_DIR/ctl.sock\";|" "$2.tmp"
	grep -q state_dir "$2.tmp" ||
	    sed -i "0,/gateway *= *{/s|gateway *= *{|& state_dir = \"$LAB_DIR/state\";|" "$2.tmp"
	grep -q '^ *alerts *=' "$2.tmp" ||
	    printf '\nalerts = { file = "%s/eve.json"; syslog = false; };\n' "$LAB_DIR" >>"$2.tmp"
	mkdir -p "$LAB_DIR/state"
	mv "$2.tmp" "$2"
}

# The kernel's current table in the gateway, or nothing.
gw_table() { in_ns "$GW" nft list table inet bunri 2>/dev/null; }

# bunrid_start CONF: start bunrid in the gateway and wait (10 s at most)
# until its table is in the kernel.
bunrid_start() {
	ip netns exec "$GW" "$B/bunrid" -c "$1" -f >>"$LAB_DIR/bunrid.log" 2>&1 &
	BUNRID_PID=$!
	LAB_PIDS="$LAB_PIDS $BUNRID_PID"
	i=0
	while [ $i -lt 100 ]; do
		if ! kill -0 "$BUNRID_PID" 2>/dev/null; then
			wait "$BUNRID_PID"
			say "bunrid exited with $? before installing its table; its log:" >&2
			tail -n 20 "$LAB_DIR/bunrid.log" >&2
			return 1
		fi
		in_ns "$GW" nft list table inet bunri >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	say "bunrid did not install table inet bunri within 10 s; its log:" >&2
	tail -n 20 "$LAB_DIR/bunrid.log" >&2
	return 1
}

# bunrid_stop [SIGNAL]: stop the bunrid this test started (TERM by default)
# and wait for it (5 s, then KILL).
bunrid_stop() {
	[ -n "$BUNRID_PID" ] || return 0
	# bash reports a job killed by a signal on its own stderr, whenever it
	# reaps it; that is expected here, so stderr is off until it is done.
	exec 9>&2 2>/dev/null
	kill -"${1:-TERM}" "$BUNRID_PID"
	i=0
	while kill -0 "$BUNRID_PID" && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$BUNRID_PID"
	wait "$BUNRID_PID"
	exec 2>&9 9>&-
	LAB_PIDS=$(echo "$LAB_PIDS" | tr ' ' '\n' | grep -vx "$BUNRID_PID" | tr '\n' ' ')
	BUNRID_PID=
}

# The table without what changes by itself: counter values and the
# countdown of element timeouts.
table_norm() {
	sed -E -e 's/packets [0-9]+ bytes [0-9]+/packets - bytes -/g' \
	    -e 's/ expires [0-9dhms]+//g'
}

# Wait (bounded, 10 s) until the kernel table differs from the normalized
# text in $1.
wait_table_change() {
	i=0
	while [ $i -lt 100 ]; do
		gw_table | table_norm | cmp -s - "$1" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# check_results FILE: every result line's verdict must equal the word after
# the last "/" of its ID.  Prints the misses, returns their number (max 99).
check_results() {
	awk '{ n = split($1, p, "/"); want = p[n]; id = substr($1, 1, length($1) - length(want) - 1)
	       if ($2 != want) { printf "%s: wrong verdict: %s: expected %s, got %s\n", prog, id, want, $2; bad++ } }
	     END { exit bad > 99 ? 99 : bad }' prog="${0##*/}" "$1" >&2
}

# probe_line ID FROM TO PROTO PORT FAM [FLAGS [SRCADDR]]
#   FROM/TO are lab hosts "zone:name" (TO may be "gw:ZONE" for the
#   gateway's own address on that zone).  SRCADDR replaces FROM's address
#   (give FLAGS t when FROM does not own it).
probe_line() {
	sns=$(host_ns "$2")
	src=${8:-$(host_addr "$2" "$6")}
	case $3 in
	gw:*)	dns=$GW
		zv=$(ns_safe "${3#gw:}" | tr -c 'A-Za-z0-9_\n' _)
		eval "dst=\$Z_GW$6_$zv"
		fl=${7:--}n ;;
	*)	dns=$(host_ns "$3"); dst=$(host_addr "$3" "$6"); fl=${7:--} ;;
	esac
	[ "$src" != - ] && [ "$dst" != - ] || fail "probe $1: $2 or $3 has no IPv$6 address"
	echo "$1 $sns $src $dns $dst $4 $5 $fl"
}

# run_probes [--wait S]: probe lines on stdin, results on stdout (bounded).
run_probes() {
	timeout 120 python3 "$NETNS_DIR/probe.py" "$@" || fail "probe.py failed or timed out"
}

# The gateway's table in canonical form (nftcanon.py; options passed on).
gw_canon() {
	in_ns "$GW" nft -j list table inet bunri 2>/dev/null | python3 "$NETNS_DIR/nftcanon.py" "$@"
}
