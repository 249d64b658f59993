#!/bin/sh
# audit_cache.sh - bunrictl audit's compiled policy cache: the same output on a miss, a hit, a damaged or foreign cache and --no-cache; an edited include, another time zone or program invalidate it.
#
# Output must be byte-identical whatever the cache holds, so the cache's
# use is seen from outside through its file: a hit leaves it alone (same
# inode), a miss writes a new one and renames it over (new inode).
B=${B:-build}
CTL="$B/bunrictl"
MK="python3 tests/tools/mkpcap.py"
export TZ=Asia/Tokyo
fail=0
T=$(mktemp -d) || exit 1
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT

[ -x "$CTL" ] || { echo "no $CTL"; exit 1; }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

export XDG_CACHE_HOME="$T/xdg" HOME="$T/home"
mkdir -p "$T/home" "$T/pol"
# The shipped policy split in two: a main file that includes the rest.
printf '# main file\n@include "body.conf"\n' >"$T/pol/main.conf"
cp conf/bunri.conf "$T/pol/body.conf"
POL="$T/pol/main.conf"
$MK basic "$T/basic.pcap" || { echo "mkpcap.py failed"; exit 1; }

cachefile() { ls "$XDG_CACHE_HOME/bunri/" 2>/dev/null | grep -E '^[0-9a-f]{64}$' | head -n 1; }
inode() { f=$(cachefile); [ -n "$f" ] && stat -c %i "$XDG_CACHE_HOME/bunri/$f"; }

# run NAME [ARGS]: audit (text, then --json) into $T/NAME.{out,err,rc}
run() {
	name=$1; shift
	"$CTL" -c "$POL" audit --pcap "$T/basic.pcap" "$@" >"$T/$name.out" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
	"$CTL" -c "$POL" audit --json --pcap "$T/basic.pcap" "$@" >"$T/$name.jout" 2>"$T/$name.jerr"
	echo $? >>"$T/$name.rc"
}

# same A B: every byte of stdout, stderr and the exit codes
same() {
	for x in out err rc jout jerr; do
		cmp -s "$T/$1.$x" "$T/$2.$x" ||
		    bad "$2 differs from $1 in $x: $(diff "$T/$1.$x" "$T/$2.$x" | head -n 4 | tr '\n' ' ')"
	done
}

# The reference: no cache at all.
run nocache --no-cache
[ -z "$(cachefile)" ] || bad "--no-cache wrote a cache"
[ "$(head -n 1 "$T/nocache.rc")" = 3 ] || bad "reference exit $(head -n 1 "$T/nocache.rc"), want 3"
grep -q 'flows, .* disallowed' "$T/nocache.out" || bad "reference has no summary line"

# Miss: same output, and a cache appears, 0700 directory, 0600 file.
run miss
same nocache miss
f=$(cachefile)
if [ -z "$f" ]; then
	bad "no cache written on a miss"
else
	[ "$(stat -c %a "$XDG_CACHE_HOME/bunri")" = 700 ] || bad "cache dir mode $(stat -c %a "$XDG_CACHE_HOME/bunri")"
	[ "$(stat -c %a "$XDG_CACHE_HOME/bunri/$f")" = 600 ] || bad "cache file mode $(stat -c %a "$XDG_CACHE_HOME/bunri/$f")"
	[ "$(ls -A "$XDG_CACHE_HOME/bunri" | wc -l)" = 1 ] || bad "more than the cache in its dir: $(ls -A "$XDG_CACHE_HOME/bunri")"
fi

# Hit: same output, cache untouched.
i0=$(inode)
run hit
same nocache hit
[ "$(inode)" = "$i0" ] || bad "a valid cache was rewritten (not used)"

# --no-cache with a valid cache: same, untouched.
run nocache2 --no-cache
same nocache nocache2
[ "$(inode)" = "$i0" ] || bad "--no-cache touched the cache"

# Damaged in place (one byte in the middle, then cut short): same output,
# then rewritten.
f="$XDG_CACHE_HOME/bunri/$(cachefile)"
size=$(stat -c %s "$f")
printf '\377' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
i1=$(inode)
run flipped
same nocache flipped
[ "$(inode)" != "$i1" ] || bad "a damaged cache was not replaced"
run hit2
same nocache hit2
truncate -s $((size - 7)) "$f" 2>/dev/null || head -c $((size - 7)) "$f" >"$f.x"
[ -f "$f.x" ] && mv "$f.x" "$f"
run cut
same nocache cut
: >"$XDG_CACHE_HOME/bunri/$(cachefile)"
run empty
same nocache empty
head -c 4096 /dev/urandom >"$XDG_CACHE_HOME/bunri/$(cachefile)"
run garbage
same nocache garbage

# Writable by the group: not read (like ssh), replaced by a private one.
f="$XDG_CACHE_HOME/bunri/$(cachefile)"
chmod 664 "$f"
i2=$(inode)
run groupw
same nocache groupw
[ "$(inode)" != "$i2" ] || bad "a group-writable cache was used or kept"
[ "$(stat -c %a "$XDG_CACHE_HOME/bunri/$(cachefile)")" = 600 ] || bad "replacement not 0600"

# A directory that is not ours (as root: give it away): neither read nor written.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chown nobody "$XDG_CACHE_HOME/bunri"
	i3=$(inode)
	run foreign
	same nocache foreign
	[ "$(inode)" = "$i3" ] || bad "cache in a foreign directory was written"
	chown 0 "$XDG_CACHE_HOME/bunri"
fi

# A cache home that cannot be made: silent, same exit.
XDG_CACHE_HOME="$T/afile" HOME="$T/afile"
: >"$T/afile"
run unwritable
same nocache unwritable
XDG_CACHE_HOME="$T/xdg" HOME="$T/home"

# Another time zone: plain dates mean another instant, so a miss.
run hit3
i4=$(inode)
TZ=UTC run otherzone
[ "$(inode)" != "$i4" ] || bad "cache kept across a time zone change"
TZ=UTC run otherzone_nc --no-cache
same otherzone_nc otherzone

# An edited include: the cache must go, the output follow the new policy.
run prime			# a cache for this time zone again
i5=$(inode)
run prime_hit
[ "$(inode)" = "$i5" ] || bad "cache not used again after the time zone came back"
# (the screen-transfer flow no longer allows 3389: an alert changes verdict)
sed 's/ports = \[ 3389, /ports = [ 3390, /' "$T/pol/body.conf" >"$T/pol/b2" && mv "$T/pol/b2" "$T/pol/body.conf"
grep -q 'ports = \[ 3390, ' "$T/pol/body.conf" || bad "test setup: include not edited"
run edited_nc --no-cache
run edited
same edited_nc edited
[ "$(inode)" != "$i5" ] || bad "cache kept after its include changed"
cmp -s "$T/nocache.jout" "$T/edited.jout" && bad "edited include changed nothing (test is blind)"
# The same bytes in place again (same size, same mtime second): still exact.
run edited_hit
same edited_nc edited_hit

# A flow that expires in 3 s: the cache is good until then, not after
# (the loader's view of a policy may change when a flow expires).
soon=$(date -u -d "@$(($(date +%s) + 3))" +%Y-%m-%dT%H:%M:%SZ)
sed "s/expires = \"2027-12-31\"/expires = \"$soon\"/" conf/bunri.conf >"$T/pol/body.conf"
grep -q "$soon" "$T/pol/body.conf" || bad "test setup: no near expiry"
run soon
i6=$(inode)
run soon_hit
[ "$(inode)" = "$i6" ] || bad "cache not used before the expiry"
sleep 4
run soon_after
[ "$(inode)" != "$i6" ] || bad "cache used past a flow's expiry"

# A broken policy: the same message with and without a cache.
printf 'version = 1;\nzones = (\n' >"$T/pol/body.conf"
run broken_nc --no-cache
run broken
same broken_nc broken
[ "$(head -n 1 "$T/broken.rc")" = 1 ] || bad "broken policy: exit $(head -n 1 "$T/broken.rc"), want 1"

[ $fail -eq 0 ] && echo "audit cache: all cases same" 
exit $fail
