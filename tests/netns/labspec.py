#!/usr/bin/env python3
# labspec.py - turns a bunri.conf into the plan of a namespace lab (zones, hosts, addresses).
#
# The lab builder (lib.sh) is shell; reading libconfig there is hopeless,
# so this small reader understands the subset a policy uses (groups, lists,
# arrays, strings, ints, bools, comments) and prints one line per object:
#
#   zone NAME KIND ATTACHED IFACES GW4 GW6
#   host ZONE NAME MAC ADDRS            (ADDRS: addr/plen,...; MAC "-" if none)
#   flow ID FROM TO PROTO PORTS         (PORTS: "-" for icmp)
#
# Besides the registered hosts it invents, per zone, a "stranger" (a MAC
# no policy registers, on addresses of the zone no host owns) and one
# host per flow endpoint that is a bare address or CIDR, so every flow
# has somebody at both ends.  Gateway addresses are the last usable ones
# of each zone network.  Only the addresses the policy gives are used.
import ipaddress
import re
import sys


class ParseError(Exception):
    pass


TOKEN = re.compile(r'''
    (?P<ws>\s+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<num>[-+]?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?)L?)
  | (?P<name>[A-Za-z*][-A-Za-z0-9_*]*)
  | (?P<punct>[=:;,{}()\[\]])
''', re.X | re.S)


def tokens(text):
    pos = 0
    out = []
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise ParseError("cannot read at offset %d" % pos)
        pos = m.end()
        if m.lastgroup == "ws":
            continue
        out.append((m.lastgroup, m.group(m.lastgroup)))
    out.append(("end", None))
    return out


class Reader:
    def __init__(self, text):
        self.t = tokens(text)
        self.i = 0

    def peek(self):
        return self.t[self.i]

    def take(self, want=None):
        tok = self.t[self.i]
        if want is not None and tok[1] != want:
            raise ParseError("expected %r, got %r" % (want, tok[1]))
        self.i += 1
        return tok

    def settings(self, closer):
        d = {}
        while True:
            kind, val = self.peek()
            if kind == "end" or val == closer:
                return d
            name = self.take()[1]
            sep = self.take()[1]
            if sep not in ("=", ":"):
                raise ParseError("expected = after %s" % name)
            d[name] = self.value()
            if self.peek()[1] in (";", ","):
                self.take()

    def value(self):
        kind, val = self.take()
        if val == "{":
            d = self.settings("}")
            self.take("}")
            return d
        if val in ("(", "["):
            closer = ")" if val == "(" else "]"
            items = []
            while self.peek()[1] != closer:
                items.append(self.value())
                if self.peek()[1] == ",":
                    self.take()
            self.take(closer)
            return items
        if kind == "str":
            s = val[1:-1]
            while self.peek()[0] == "str":	# adjacent strings join
                s += self.take()[1][1:-1]
            return bytes(s, "utf-8").decode("unicode_escape").encode(
                "latin-1").decode("utf-8")
        if kind == "num":
            return int(val.rstrip("L"), 0) if "." not in val else float(val)
        if kind == "name" and val.lower() in ("true", "false"):
            return val.lower() == "true"
        raise ParseError("unexpected %r" % val)


def load(path):
    with open(path, encoding="utf-8") as f:
        return Reader(f.read()).settings(None)


def main():
    pol = load(sys.argv[1])
    zones = pol.get("zones", [])
    flows = pol.get("flows", [])
    used = set()
    for z in zones:
        for h in z.get("hosts", []):
            for a in h.get("addresses", []):
                used.add(ipaddress.ip_address(a))
    macs = {h["mac"].lower() for z in zones for h in z.get("hosts", []) if "mac" in h}
    nets = {z["name"]: [ipaddress.ip_network(n, strict=False) for n in z.get("networks", [])]
            for z in zones}
    specific = [n for zn in nets.values() for n in zn if n.prefixlen > 0]

    def owner_net(zname, a):
        """The zone network an address sits in, or a /24 (/64) if /0."""
        best = None
        for n in nets[zname]:
            if n.version == a.version and a in n and (best is None or n.prefixlen > best.prefixlen):
                best = n
        if best is None or best.prefixlen == 0:
            return ipaddress.ip_network("%s/%d" % (a, 24 if a.version == 4 else 64), strict=False)
        return best

    def free_addr(net, from_end):
        hosts = range(net.num_addresses - 2, 0, -1) if from_end else range(2, net.num_addresses - 1)
        for off in hosts:
            a = net.network_address + off
            if a not in used and not any(a in s for s in specific if s != net and s.prefixlen > net.prefixlen):
                used.add(a)
                return a
        return None

    def base_net(z, version):
        """A subnet of the zone to put the gateway and the stranger on."""
        for h in z.get("hosts", []):
            for a in h.get("addresses", []):
                a = ipaddress.ip_address(a)
                if a.version == version:
                    return owner_net(z["name"], a)
        for n in nets[z["name"]]:
            if n.version == version:
                if n.prefixlen == 0:
                    return ipaddress.ip_network("203.0.113.0/24" if version == 4 else "2001:db8:ffff::/64")
                return n
        return None

    def withlen(z, a):
        a = ipaddress.ip_address(a)
        return "%s/%d" % (a, owner_net(z["name"], a).prefixlen)

    out = []
    extra = {}		# zone -> list of (name, addrs) invented for flow endpoints
    for f in flows:
        for side in ("from", "to"):
            ep = f.get(side, "")
            zname, _, rest = ep.partition(":")
            z = next((z for z in zones if z["name"] == zname), None)
            if z is None or not rest or rest in [h["name"] for h in z.get("hosts", [])]:
                continue
            net = ipaddress.ip_network(rest, strict=False)
            if any(ipaddress.ip_address(a) in net for h in z.get("hosts", [])
                   for a in h.get("addresses", [])):
                continue
            if any(net.overlaps(ipaddress.ip_network(a[0].split("/")[0]))
                   for a in extra.get(zname, [])):
                continue
            a = net.network_address if net.num_addresses == 1 else net.network_address + 1
            if a in used:
                continue
            used.add(a)
            extra.setdefault(zname, []).append([withlen(z, a)])

    for zi, z in enumerate(zones):
        gw = []
        stranger = []
        for v in (4, 6):
            n = base_net(z, v)
            if n is None:
                gw.append("-")
                continue
            g = free_addr(n, True)
            gw.append("%s/%d" % (g, n.prefixlen))
            s = free_addr(n, False)
            if s is not None:
                stranger.append("%s/%d" % (s, n.prefixlen))
        attached = 1 if z.get("attached", True) else 0
        out.append("zone %s %s %d %s %s %s" % (z["name"], z.get("kind", "other"), attached,
                                               ",".join(z.get("interfaces", [])), gw[0], gw[1]))
        for h in z.get("hosts", []):
            out.append("host %s %s %s %s" % (z["name"], h["name"], h.get("mac", "-").lower(),
                                             ",".join(withlen(z, a) for a in h.get("addresses", []))))
        for k, addrs in enumerate(extra.get(z["name"], [])):
            mac = "02:b7:%02x:00:%02x:01" % (zi, k)
            out.append("host %s ~addr%d %s %s" % (z["name"], k, mac if attached else "-",
                                                  ",".join(addrs)))
        mac = "02:b7:%02x:00:ff:fe" % zi
        assert mac not in macs
        if stranger:
            out.append("host %s ~stranger %s %s" % (z["name"], mac if attached else "-",
                                                    ",".join(stranger)))
    for f in flows:
        ports = ",".join(str(p) for p in f.get("ports", [])) or "-"
        out.append("flow %s %s %s %s %s" % (f["id"], f["from"], f["to"], f["proto"], ports))
    print("\n".join(out))


if __name__ == "__main__":
    try:
        main()
    except (ParseError, KeyError, ValueError, OSError) as e:
        print("labspec.py: %s: %s" % (sys.argv[1] if len(sys.argv) > 1 else "-", e), file=sys.stderr)
        sys.exit(1)
