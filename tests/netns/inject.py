#!/usr/bin/env python3
# inject.py - a firewall bypass for the lab: UDP frames written straight onto an interface's egress, a bounded listener on the far side.
#
#   listen NS IFACE DST PORT SRC SECONDS [EXPECT]
#       in namespace NS, hold UDP port DST:PORT open (so the host answers
#       nothing) and watch IFACE with a packet socket for SECONDS: print
#       "ready" once both are open, then at the end "frames F datagrams D":
#       F frames from SRC to DST:PORT that reached the interface (any
#       port of origin, checksum or not), D datagrams the socket received.
#       Bounded: SECONDS (at most 30) and 10,000 frames.  With EXPECT, it
#       ends 0.3 s after both counts reached EXPECT (extras still counted),
#       so a long SECONDS costs nothing when the traffic comes: a loaded
#       host may take a second to start the sender.
#   send NS SRC SPORT DST PORT COUNT
#       from namespace NS, COUNT (at most 20) UDP datagrams SRC:SPORT ->
#       DST:PORT through the kernel's stack, 10 ms apart (one flow).
#   inject EVE NS IFACE SMAC DMAC SRC SPORT DST PORT COUNT
#       from namespace NS, COUNT (at most 20) Ethernet frames carrying the
#       UDP datagram SRC:SPORT -> DST:PORT written onto IFACE with an
#       AF_PACKET socket, 10 ms apart: they leave by IFACE without having
#       crossed the forward hook, as if the firewall were bypassed.  Then
#       wait (2 s at most) for the zone-breach alert (sid 2) of that flow
#       in EVE and print the milliseconds from the first frame to the line
#       being in the file.  Exit 1 when it does not come.
import ipaddress
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from probe import csum, enter  # noqa: E402

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
PAYLOAD = b"bunri-bypass"


def family(addr):
    return socket.AF_INET6 if ipaddress.ip_address(addr).version == 6 else socket.AF_INET


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def udp_frame(smac, dmac, src, sport, dst, dport):
    """Ethernet + IPv4/IPv6 + UDP with correct checksums (the far host's
    socket must accept it: the datagram really arrives)."""
    s = ipaddress.ip_address(src).packed
    d = ipaddress.ip_address(dst).packed
    ulen = 8 + len(PAYLOAD)
    pseudo = s + d + (struct.pack("!BBH", 0, 17, ulen) if len(s) == 4 else
                      struct.pack("!I3xB", ulen, 17))
    u = struct.pack("!HHHH", sport, dport, ulen, 0) + PAYLOAD
    c = csum(pseudo + u) or 0xffff
    u = u[:6] + struct.pack("!H", c) + u[8:]
    if len(s) == 4:
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0x4242, 0x4000,
                        63, 17, 0, s, d)
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
        return mac(dmac) + mac(smac) + b"\x08\x00" + h + u
    h = struct.pack("!IHBB16s16s", 6 << 28, ulen, 17, 63, s, d)
    return mac(dmac) + mac(smac) + b"\x86\xdd" + h + u


def l3_match(frame, src, dst, dport):
    """Does this Ethernet frame carry UDP src -> dst:dport?"""
    et = struct.unpack("!H", frame[12:14])[0]
    if et == 0x0800 and len(frame) >= 14 + 20 + 8:
        ihl = (frame[14] & 0x0f) * 4
        if frame[14 + 9] != 17:
            return False
        s, d = frame[26:30], frame[30:34]
        l4 = 14 + ihl
    elif et == 0x86dd and len(frame) >= 14 + 40 + 8:
        if frame[14 + 6] != 17:
            return False
        s, d = frame[22:38], frame[38:54]
        l4 = 14 + 40
    else:
        return False
    if len(frame) < l4 + 4:
        return False
    return (s == ipaddress.ip_address(src).packed and
            d == ipaddress.ip_address(dst).packed and
            struct.unpack("!H", frame[l4 + 2:l4 + 4])[0] == dport)


def listen(ns, iface, dst, port, src, seconds, expect=None):
    enter(ns)
    u = socket.socket(family(dst), socket.SOCK_DGRAM)
    u.bind((dst, port))
    u.setblocking(False)
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    p.bind((iface, 0))
    p.setblocking(False)
    print("ready", flush=True)
    frames = datagrams = seen = 0
    end = time.monotonic() + min(seconds, 30.0)
    while seen < 10000:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([u, p], [], [], left)
        if p in r:
            data, addr = p.recvfrom(65535)
            seen += 1
            if addr[2] != PACKET_OUTGOING and l3_match(data, src, dst, port):
                frames += 1
        if u in r:
            u.recvfrom(65535)
            datagrams += 1
        if expect is not None and frames >= expect and datagrams >= expect:
            end = min(end, time.monotonic() + 0.3)
            expect = None
    print("frames %d datagrams %d" % (frames, datagrams), flush=True)
    return 0


def send(ns, src, sport, dst, port, count):
    enter(ns)
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    s.bind((src, sport))
    for i in range(min(count, 20)):
        if i:
            time.sleep(0.01)
        s.sendto(PAYLOAD, (dst, port))
    s.close()
    return 0


def matches(line, src, sport, dst, dport):
    import json
    ev = json.loads(line)
    a = ev.get("alert") or {}
    return (ev.get("event_type") == "alert" and a.get("signature_id") == 2 and
            ev.get("src_ip") == src and ev.get("src_port") == sport and
            ev.get("dest_ip") == dst and ev.get("dest_port") == dport)


def inject(eve, ns, iface, smac, dmac, src, sport, dst, dport, count):
    src = str(ipaddress.ip_address(src))
    dst = str(ipaddress.ip_address(dst))
    try:
        off = os.path.getsize(eve)
    except FileNotFoundError:
        off = 0
    enter(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    frame = udp_frame(smac, dmac, src, sport, dst, dport)
    count = min(count, 20)
    t0 = time.time()
    s.send(frame)
    sent = 1
    buf = b""
    while time.time() - t0 < 2.0:
        if sent < count and time.time() - t0 >= 0.01 * sent:
            s.send(frame)
            sent += 1
        with open(eve, "rb") as f:
            f.seek(off)
            more = f.read()
        if more:
            t = time.time()
            off += len(more)
            buf += more
            *whole, buf = buf.split(b"\n")
            for raw in whole:
                if raw.strip() and matches(raw, src, sport, dst, dport):
                    while sent < count:	# the rest too: one alert, not one per frame
                        time.sleep(0.01)
                        s.send(frame)
                        sent += 1
                    print("%.1f" % ((t - t0) * 1000))
                    s.close()
                    return 0
        time.sleep(0.001)
    s.close()
    return 1


def main(a):
    if a[0] == "listen" and len(a) in (7, 8):
        return listen(a[1], a[2], a[3], int(a[4]), a[5], float(a[6]),
                      int(a[7]) if len(a) > 7 else None)
    if a[0] == "send" and len(a) == 7:
        return send(a[1], a[2], int(a[3]), a[4], int(a[5]), int(a[6]))
    if a[0] == "inject" and len(a) == 11:
        return inject(a[1], a[2], a[3], a[4], a[5], a[6], int(a[7]), a[8],
                      int(a[9]), int(a[10]))
    print("inject.py: bad command: %s" % " ".join(a), file=sys.stderr)
    return 2


sys.exit(main(sys.argv[1:]))
