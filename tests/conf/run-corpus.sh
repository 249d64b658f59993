#!/bin/sh
# run-corpus.sh - every bad policy must be refused with its expected message; good ones accepted.
#
# tests/conf/bad/NNN-name.conf: `bunrictl check` must exit 1 and print every
# line given in a `# expect: TEXT` comment (a plain substring, e.g.
# `# expect: :14: error: flows[1] (F-002): flow between lgwan and internet`).
# tests/conf/good/*.conf and conf/bunri.conf: exit 0, and every `# expect:`
# line (warnings) printed.  Run from the top directory; B= the build dir.
B=${B:-build}
ctl="$B/bunrictl"
here=$(dirname "$0")
fail=0 n=0

if [ ! -x "$ctl" ]; then
	echo "run-corpus: $ctl not built (make build)" >&2
	exit 1
fi

# check FILE WANT_RC
check() {
	f=$1 want=$2
	n=$((n + 1))
	out=$("$ctl" check -c "$f" 2>&1)
	rc=$?
	ok=1
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL $f: exit $rc, expected $want"
		ok=0
	fi
	# Lines of the form "# expect: TEXT"; TEXT may contain anything.
	sed -n 's/^# expect: //p' "$f" > "$tmp"
	if [ "$want" -ne 0 ] && [ ! -s "$tmp" ]; then
		echo "FAIL $f: no \"# expect:\" line"
		ok=0
	fi
	while IFS= read -r e; do
		case $out in
		*"$e"*) ;;
		*)	echo "FAIL $f: missing: $e"; ok=0 ;;
		esac
	done < "$tmp"
	if [ $ok -eq 0 ]; then
		printf '%s\n' "$out" | sed 's/^/    | /'
		fail=$((fail + 1))
	fi
}

tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT

for f in "$here"/bad/*.conf; do
	[ -e "$f" ] || continue
	check "$f" 1
done
for f in "$here"/good/*.conf; do
	[ -e "$f" ] || continue
	check "$f" 0
done
[ -f conf/bunri.conf ] && check conf/bunri.conf 0

echo "run-corpus: $n policies, $fail failed"
[ $fail -eq 0 ]
