#!/usr/bin/env python3
# probe.py - sends a batch of TCP/UDP/ICMP probes between lab namespaces and says which crossed.
#
# One process does the whole batch: it enters each namespace with setns(2)
# only to open sockets there (a socket stays in the namespace it was made
# in), so 500 probes cost one interpreter, not 1,000.
#
# stdin, one probe a line:   ID SRC_NS SRC_ADDR DST_NS DST_ADDR PROTO PORT FLAGS
#   PROTO tcp|udp|icmp (icmp means ICMPv6 echo for v6 addresses); PORT "-"
#   for icmp.  FLAGS: "-" or letters: t = send from an address the source
#   namespace does not own (IP_TRANSPARENT: spoofing), n = the destination
#   is the gateway itself (no sniffer: "crossed" means "answered").
# stdout, one line a probe:  ID pass|block reply|noreply
#   pass: the packet reached the destination's interface (seen by a packet
#   socket there, before any local filtering), so it crossed the gateway;
#   reply: the answer came back (TCP handshake done, UDP echo, ICMP echo
#   reply), so the reply direction is open too.
#
# Every wait is bounded: --wait seconds after the last probe is sent.
import argparse
import ctypes
import ipaddress
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
IP_TRANSPARENT = 19
IPV6_TRANSPARENT = 75
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4

libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (ns, os.strerror(err)))
    finally:
        os.close(fd)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


class Probe:
    def __init__(self, line, seq):
        f = line.split()
        if len(f) != 8:
            raise ValueError("bad probe line: %r" % line)
        self.id, self.src_ns, self.src, self.dst_ns, self.dst, self.proto, port, flags = f
        self.src = str(ipaddress.ip_address(self.src))
        self.dst = str(ipaddress.ip_address(self.dst))
        self.port = 0 if port == "-" else int(port)
        self.spoof = "t" in flags
        self.local = "n" in flags
        self.v6 = ":" in self.dst
        self.fam = socket.AF_INET6 if self.v6 else socket.AF_INET
        self.seq = seq
        self.token = ("bunri-probe %d %s" % (seq, self.id)).encode()
        self.sock = None
        self.sport = 0
        self.crossed = False
        self.replied = False


class Lab:
    def __init__(self, wait):
        self.wait = wait
        self.sniffers = {}	# ns -> packet socket on eth0
        self.listeners = {}	# (ns, proto, port) -> socket
        self.conns = []		# accepted TCP sockets, closed at the end

    def sniffer(self, ns):
        if ns not in self.sniffers:
            enter(ns)
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.bind(("eth0", 0))
            s.setblocking(False)
            self.sniffers[ns] = s
        return self.sniffers[ns]

    def listener(self, p):
        key = (p.dst_ns, p.proto, p.port)
        if key in self.listeners or p.proto == "icmp":
            return
        enter(p.dst_ns)
        typ = socket.SOCK_STREAM if p.proto == "tcp" else socket.SOCK_DGRAM
        s = socket.socket(socket.AF_INET6, typ)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("::", p.port))
        except OSError:
            s.close()		# a daemon of the lab holds it: sniffing still works
            return
        if typ == socket.SOCK_STREAM:
            s.listen(512)
        s.setblocking(False)
        self.listeners[key] = s

    def send(self, p):
        enter(p.src_ns)
        if p.proto == "icmp":
            pr = socket.IPPROTO_ICMPV6 if p.v6 else socket.IPPROTO_ICMP
            s = socket.socket(p.fam, socket.SOCK_RAW, pr)
        else:
            s = socket.socket(p.fam, socket.SOCK_STREAM if p.proto == "tcp" else socket.SOCK_DGRAM)
        if p.spoof:
            if p.v6:
                s.setsockopt(socket.IPPROTO_IPV6, IPV6_TRANSPARENT, 1)
            else:
                s.setsockopt(socket.IPPROTO_IP, IP_TRANSPARENT, 1)
        s.bind((p.src, 0))
        s.setblocking(False)
        p.sock = s
        if p.proto == "tcp":
            p.sport = s.getsockname()[1]
            try:
                s.connect((p.dst, p.port))
            except BlockingIOError:
                pass
        elif p.proto == "udp":
            p.sport = s.getsockname()[1]
            s.sendto(p.token, (p.dst, p.port))
        else:
            ident = p.seq & 0xffff
            typ = 128 if p.v6 else 8
            hdr = struct.pack("!BBHHH", typ, 0, 0, ident, 1)
            if not p.v6:
                hdr = struct.pack("!BBHHH", typ, 0, csum(hdr + p.token), ident, 1)
            s.sendto(hdr + p.token, (p.dst, 0))

    def match_frame(self, ns, frame, probes):
        """Mark the probe this incoming frame belongs to as crossed."""
        if len(frame) < 14:
            return
        et = struct.unpack("!H", frame[12:14])[0]
        if et == 0x0800 and len(frame) >= 34:
            ihl = (frame[14] & 0xf) * 4
            proto = frame[23]
            src = socket.inet_ntop(socket.AF_INET, frame[26:30])
            dst = socket.inet_ntop(socket.AF_INET, frame[30:34])
            l4 = frame[14 + ihl:]
            echo = 8
        elif et == 0x86dd and len(frame) >= 54:
            proto = frame[20]
            src = socket.inet_ntop(socket.AF_INET6, frame[22:38])
            dst = socket.inet_ntop(socket.AF_INET6, frame[38:54])
            l4 = frame[54:]
            echo = 128
        else:
            return
        for p in probes.get((ns, src, dst), ()):
            if p.proto == "tcp" and proto == 6 and len(l4) >= 14:
                sp, dp = struct.unpack("!HH", l4[0:4])
                if sp == p.sport and dp == p.port and l4[13] & 0x02:
                    p.crossed = True
            elif p.proto == "udp" and proto == 17 and len(l4) >= 8:
                if p.token in l4[8:]:
                    p.crossed = True
            elif p.proto == "icmp" and proto in (1, 58) and len(l4) >= 8:
                if l4[0] == echo and p.token in l4[8:]:
                    p.crossed = True

    def service(self, probes, by_path, deadline):
        """Answer, sniff and collect replies until the deadline."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            rd = list(self.sniffers.values()) + list(self.listeners.values())
            rd += [p.sock for p in probes if p.proto != "tcp" and not p.replied]
            wr = [p.sock for p in probes if p.proto == "tcp" and not p.replied and p.sock]
            r, w, _ = select.select(rd, wr, [], min(left, 0.2))
            for s in r:
                self.readable(s, probes, by_path)
            for p in probes:
                if p.sock in w:
                    if p.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                        p.replied = True
                    else:
                        p.sock.close()
                        p.sock = None

    def readable(self, s, probes, by_path):
        for ns, sn in self.sniffers.items():
            if s is sn:
                while True:
                    try:
                        frame, addr = s.recvfrom(65535)
                    except BlockingIOError:
                        return
                    if addr[2] != PACKET_OUTGOING:
                        self.match_frame(ns, frame, by_path)
        for (ns, proto, port), ls in self.listeners.items():
            if s is ls:
                try:
                    if proto == "tcp":
                        c, _ = ls.accept()
                        self.conns.append(c)
                    else:
                        data, peer = ls.recvfrom(65535)
                        ls.sendto(data, peer)
                except OSError:
                    pass
                return
        for p in probes:
            if s is p.sock:
                try:
                    data = s.recv(65535)
                except OSError:
                    return
                if p.proto == "udp" and data == p.token:
                    p.replied = True
                elif p.proto == "icmp":
                    off = 0 if p.v6 else (data[0] & 0xf) * 4
                    if len(data) >= off + 8 and data[off] in (0, 129) and p.token in data[off + 8:]:
                        p.replied = True
                return


def main():
    ap = argparse.ArgumentParser(description="bounded lab probes")
    ap.add_argument("--wait", type=float, default=1.0,
                    help="seconds to wait after the last probe (default 1)")
    ap.add_argument("--gap", type=float, default=0.0,
                    help="seconds between two probes (default 0)")
    args = ap.parse_args()
    probes = [Probe(l, i + 1) for i, l in enumerate(sys.stdin) if l.strip() and not l.startswith("#")]
    lab = Lab(args.wait)
    by_path = {}
    for p in probes:
        if not p.local:
            lab.sniffer(p.dst_ns)
            by_path.setdefault((p.dst_ns, p.src, p.dst), []).append(p)
        lab.listener(p)
    for p in probes:
        try:
            lab.send(p)
        except OSError as e:
            print("probe.py: %s: %s" % (p.id, e), file=sys.stderr)
        if args.gap:
            lab.service(probes, by_path, time.monotonic() + args.gap)
    lab.service(probes, by_path, time.monotonic() + args.wait)
    for p in probes:
        if p.local:
            p.crossed = p.replied
        print("%s %s %s" % (p.id, "pass" if p.crossed else "block",
                            "reply" if p.replied else "noreply"))
    sys.stdout.flush()
    for s in [p.sock for p in probes if p.sock] + lab.conns:
        s.close()


if __name__ == "__main__":
    main()
