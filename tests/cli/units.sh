#!/bin/sh
# units.sh - the systemd units install with make install and systemd-analyze verify accepts them.
set -u
B=${B:-build}
command -v systemd-analyze >/dev/null 2>&1 || { echo "skipped: needs systemd-analyze"; exit 77; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
# the sanitizer run (B=build/san) must install its own, already built binaries
san=
case $B in */san) san=SAN=1 ;; esac
make --no-print-directory install $san DESTDIR="$T" PREFIX=/usr >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log"; echo "FAIL: make install"; exit 1; }
fail=0
for u in bunri-base.service bunrid.service; do
	f="$T/usr/lib/systemd/system/$u"
	[ -f "$f" ] || { echo "FAIL: $u not installed"; fail=1; continue; }
	# verify the unit as installed, with its binaries resolved inside DESTDIR
	sed -e "s|/usr/sbin/bunri|$T/usr/sbin/bunri|g" -e "s|/usr/share/bunri/|$T/usr/share/bunri/|g" \
	    "$f" >"$T/$u"
	if ! out=$(systemd-analyze verify --man=no "$T/$u" 2>&1) || [ -n "$out" ]; then
		echo "FAIL: systemd-analyze verify $u:"; echo "$out"; fail=1
	fi
	grep -q '^ExecStop' "$f" && { echo "FAIL: $u has an ExecStop"; fail=1; }
done
[ -f "$T/usr/share/bunri/base.nft" ] || { echo "FAIL: base.nft not installed"; fail=1; }
[ $fail -eq 0 ] && echo "units: installed and verified"
exit $fail
