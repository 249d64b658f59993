#!/usr/bin/env python3
# mkpcap.py - writes the audit fixture captures (pcap and pcapng) from code, never by hand.
#
#   mkpcap.py basic OUT [--pcapng]   every signature once, against conf/bunri.conf
#   mkpcap.py clean OUT              only allowed flows and their replies
#   mkpcap.py links DIR              one disallowed flow as SLL, SLL2, raw IP, and 802.11
#   mkpcap.py scan OUT               one source sweeping 70 ports (sid 6)
#   mkpcap.py bulk OUT N             N packets of 1000 allowed and disallowed flows
#
# The expected alerts of each capture are stated by the test that uses it
# (tests/cli/audit.sh), not derived from this file.
import struct
import sys

T0 = 1795444875          # 2026-11-23T14:41:15Z, before F-003 expires

ROUTER_IN = "02:00:00:00:40:01"     # ISP router seen on in0
MAC = {
    "vdi-client1": "02:00:00:00:20:82", "mail-gw": "02:00:00:00:20:19",
    "file-gw": "02:00:00:00:20:28", "tax-sv": "02:00:00:00:10:1e",
    "juki-term": "02:00:00:00:10:15", "noc": "02:00:00:00:50:c8",
    "unknown-lg": "02:00:00:00:20:99", "unknown-mn": "02:00:00:00:10:99",
    "gw": "02:00:00:00:00:01",
}


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def tcp(sport, dport, flags="S", seq=1, payload=b""):
    fl = sum({"F": 1, "S": 2, "R": 4, "P": 8, "A": 16}[c] for c in flags)
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, fl,
                       65535, 0, 0) + payload


def udp(sport, dport, payload=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def icmp(typ, code=0, rest=b"\0\x01\0\x01"):
    return struct.pack("!BBH", typ, code, 0) + rest


def ipv4(src, dst, proto, l4):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64,
                    proto, 0, ip4(src), ip4(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + l4


def ipv6(src, dst, nh, l4):
    return struct.pack("!IHBB16s16s", 6 << 28, len(l4), nh, 64,
                       ip6(src), ip6(dst)) + l4


def eth(src, dst, etype, payload, vlan=None):
    h = mac(dst) + mac(src)
    if vlan is not None:
        h += struct.pack("!HH", 0x8100, vlan)
    return h + struct.pack("!H", etype) + payload


def arp(op, smac, sip, tmac, tip):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, mac(smac),
                       ip4(sip), mac(tmac), ip4(tip))


def nd_na(target, tll):
    # NA: type 136, flags S|O, target, option 2 (target link-layer address)
    return (struct.pack("!BBHI16s", 136, 0, 0, 0x60000000, ip6(target)) +
            struct.pack("!BB6s", 2, 1, mac(tll)))


def nd_ns(target, sll):
    return (struct.pack("!BBHI16s", 135, 0, 0, 0, ip6(target)) +
            struct.pack("!BB6s", 1, 1, mac(sll)))


class Cap:
    """Packets with timestamps; written as pcap or pcapng."""

    def __init__(self, linktype=1):
        self.linktype = linktype
        self.pkts = []
        self.t = T0 * 1000000

    def add(self, frame, dt_us=1000):
        self.t += dt_us
        self.pkts.append((self.t, frame))

    def write(self, path, ng=False):
        with open(path, "wb") as f:
            (self._ng if ng else self._pcap)(f)

    def _pcap(self, f):
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535,
                            self.linktype))
        for t, b in self.pkts:
            f.write(struct.pack("<IIII", t // 1000000, t % 1000000,
                                len(b), len(b)) + b)

    def _ng(self, f):
        def block(typ, body):
            body += b"\0" * (-len(body) % 4)
            n = 12 + len(body)
            f.write(struct.pack("<II", typ, n) + body + struct.pack("<I", n))
        block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
        block(1, struct.pack("<HHI", self.linktype, 0, 65535))
        for t, b in self.pkts:
            block(6, struct.pack("<IIIII", 0, t >> 32, t & 0xffffffff,
                                 len(b), len(b)) + b)


def e4(c, smac, dmac, src, dst, proto, l4, vlan=None, dt=1000):
    c.add(eth(smac, dmac, 0x0800, ipv4(src, dst, proto, l4), vlan), dt)


def basic():
    c = Cap()
    M, gw = MAC, MAC["gw"]
    # A: allowed by F-002, with its reply: no alert.
    e4(c, M["vdi-client1"], gw, "198.51.100.130", "203.0.113.40", 6,
       tcp(50000, 3389, "S"))
    e4(c, ROUTER_IN, gw, "203.0.113.40", "198.51.100.130", 6,
       tcp(3389, 50000, "SA"))
    e4(c, M["vdi-client1"], gw, "198.51.100.130", "203.0.113.40", 6,
       tcp(50000, 3389, "A"))
    # B: lgwan -> internet, wrong host, 3 packets (SYN retransmitted).
    for i in range(3):
        e4(c, M["vdi-client1"], gw, "198.51.100.130", "203.0.113.99", 6,
           tcp(50001, 443, "S"), dt=1000000)
    # C: mynumber -> internet, no flow; 802.1Q tagged.
    e4(c, M["tax-sv"], gw, "192.0.2.30", "203.0.113.5", 6,
       tcp(40000, 80, "S"), vlan=10)
    # D: mail-gw's MAC with file-gw's address: MAC not bound (sid 5).
    e4(c, M["mail-gw"], gw, "198.51.100.40", "192.0.2.202", 17,
       udp(5140, 514, b"<13>x"))
    # E: a mynumber MAC in lgwan (sid 4).
    e4(c, M["juki-term"], gw, "198.51.100.200", "198.51.100.25", 6,
       tcp(40001, 25, "S"))
    # F: unknown MAC in lgwan (alert mode), allowed by F-002: sid 3 once
    #    for two flows.
    e4(c, M["unknown-lg"], gw, "198.51.100.150", "203.0.113.40", 6,
       tcp(50002, 3389, "S"))
    e4(c, M["unknown-lg"], gw, "198.51.100.150", "203.0.113.40", 6,
       tcp(50003, 1494, "S"))
    # G: unknown MAC in mynumber (block): sid 3.
    e4(c, M["unknown-mn"], gw, "192.0.2.60", "192.0.2.202", 17,
       udp(5141, 514, b"<13>y"))
    # H: ARP reply: mail-gw's MAC claims file-gw's address (sid 5).
    c.add(eth(M["mail-gw"], "ff:ff:ff:ff:ff:ff", 0x0806,
              arp(2, M["mail-gw"], "198.51.100.40", "00:00:00:00:00:00",
                  "198.51.100.40")))
    # I: ND NA: file-gw's MAC as the link-layer address of mail-gw's v6
    #    address (sid 5); an NS with mail-gw's own MAC is fine.
    c.add(eth(M["mail-gw"], "33:33:00:00:00:01", 0x86dd,
              ipv6("2001:db8:20::19", "ff02::1", 58,
                   nd_ns("2001:db8:20::1", M["mail-gw"]))))
    c.add(eth(M["file-gw"], "33:33:00:00:00:01", 0x86dd,
              ipv6("2001:db8:20::19", "ff02::1", 58,
                   nd_na("2001:db8:20::19", M["file-gw"]))))
    # J: local traffic that crosses nothing: intra-zone, DHCP broadcast.
    e4(c, M["mail-gw"], M["file-gw"], "198.51.100.25", "198.51.100.40", 6,
       tcp(40002, 445, "S"))
    e4(c, M["vdi-client1"], "ff:ff:ff:ff:ff:ff", "0.0.0.0",
       "255.255.255.255", 17, udp(68, 67, b"\1"))
    # K: IPv6 lgwan -> internet, wrong port (sid 2).
    c.add(eth(M["mail-gw"], gw, 0x86dd,
              ipv6("2001:db8:20::19", "2001:db8:40::28", 6,
                   tcp(40003, 80, "S"))))
    # L: ping allowed by F-034, with its reply.
    e4(c, M["noc"], gw, "192.0.2.200", "198.51.100.25", 1, icmp(8))
    e4(c, M["mail-gw"], gw, "198.51.100.25", "192.0.2.200", 1, icmp(0))
    # M: a truncated frame and a runt: counted, skipped.
    c.add(eth(M["tax-sv"], gw, 0x0800, ipv4("192.0.2.30", "203.0.113.5", 6,
                                            tcp(40009, 80))[:30]))
    c.add(b"\x02\x00")
    return c


def clean():
    """Only what the policy allows: flow A and the ping of basic()."""
    c = Cap()
    M, gw = MAC, MAC["gw"]
    e4(c, M["vdi-client1"], gw, "198.51.100.130", "203.0.113.40", 6,
       tcp(50000, 3389, "S"))
    e4(c, ROUTER_IN, gw, "203.0.113.40", "198.51.100.130", 6,
       tcp(3389, 50000, "SA"))
    e4(c, M["noc"], gw, "192.0.2.200", "198.51.100.25", 1, icmp(8))
    e4(c, M["mail-gw"], gw, "198.51.100.25", "192.0.2.200", 1, icmp(0))
    return c


def links(d):
    flow = ipv4("198.51.100.130", "203.0.113.99", 6, tcp(50001, 443, "S"))
    sll = struct.pack("!HHH8sH", 0, 1, 6, mac(MAC["vdi-client1"]) + b"\0\0",
                      0x0800)
    sll2 = struct.pack("!HHIHBB8s", 0x0800, 0, 2, 1, 0, 6,
                       mac(MAC["vdi-client1"]) + b"\0\0")
    for name, lt, frame in (("sll", 113, sll + flow), ("sll2", 276, sll2 + flow),
                            ("raw", 101, flow), ("wlan", 105, b"\0" * 40)):
        c = Cap(lt)
        c.add(frame)
        c.write("%s/%s.pcap" % (d, name))


def scan():
    c = Cap()
    for port in range(1, 71):
        e4(c, ROUTER_IN, MAC["gw"], "203.0.113.66", "198.51.100.25", 6,
           tcp(61000, port, "S"), dt=10000)
    return c


def bulk(n):
    """1000 flows (half allowed F-002, half disallowed) round robin."""
    c = Cap()
    frames = []
    for i in range(1000):
        sport = 10000 + i
        if i % 2:
            frames.append(eth(MAC["vdi-client1"], MAC["gw"], 0x0800,
                              ipv4("198.51.100.130", "203.0.113.40", 6,
                                   tcp(sport, 3389, "A", payload=b"x" * 40))))
        else:
            frames.append(eth(MAC["vdi-client1"], MAC["gw"], 0x0800,
                              ipv4("198.51.100.130", "203.0.113.%d" % (100 + i % 50),
                                   6, tcp(sport, 8080, "A",
                                          payload=b"x" * 40))))
    with open(sys.argv[2], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t = T0 * 1000000
        out = []
        for k in range(n):
            b = frames[k % 1000]
            t += 10
            out.append(struct.pack("<IIII", t // 1000000, t % 1000000,
                                   len(b), len(b)))
            out.append(b)
            if len(out) >= 20000:
                f.write(b"".join(out))
                out = []
        f.write(b"".join(out))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__ if __doc__ else "usage: mkpcap.py basic|links|scan|bulk OUT")
    what = sys.argv[1]
    if what == "basic":
        basic().write(sys.argv[2], ng="--pcapng" in sys.argv)
    elif what == "clean":
        clean().write(sys.argv[2])
    elif what == "links":
        links(sys.argv[2])
    elif what == "scan":
        scan().write(sys.argv[2])
    elif what == "bulk":
        bulk(int(sys.argv[3]))
    else:
        sys.exit("mkpcap.py: unknown capture \"%s\"" % what)


if __name__ == "__main__":
    main()
