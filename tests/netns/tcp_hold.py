#!/usr/bin/env python3
# tcp_hold.py - holds one TCP connection open across a policy change and counts what still crosses.
#
# usage: tcp_hold.py SRC_NS SRC DST_NS DST PORT SECONDS
# Opens SRC -> DST:PORT (listener in DST_NS), checks data flows both ways,
# prints "up" and waits for a line on stdin.  Then for SECONDS both ends
# write a few bytes every 0.1 s, while packet sockets on each side's eth0
# count the connection's segments that arrive.  Prints
#   "after: to_dst=N to_src=M"
# (segments of the connection that crossed after the change).  Bounded:
# every wait has a timeout.
import select
import socket
import struct
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from probe import enter, ETH_P_ALL, PACKET_OUTGOING  # noqa: E402


def sniffer(ns):
    enter(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind(("eth0", 0))
    s.setblocking(False)
    return s


def ports_of(frame):
    et = struct.unpack("!H", frame[12:14])[0]
    if et == 0x0800 and frame[23] == 6:
        off = 14 + (frame[14] & 0xf) * 4
    elif et == 0x86dd and frame[20] == 6:
        off = 54
    else:
        return None
    return struct.unpack("!HH", frame[off:off + 4])


def main():
    src_ns, src, dst_ns, dst, port, secs = sys.argv[1:7]
    port, secs = int(port), float(secs)
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    enter(dst_ns)
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((dst, port))
    ls.listen(1)
    ls.settimeout(3)
    enter(src_ns)
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.bind((src, 0))
    c.settimeout(3)
    try:
        c.connect((dst, port))
        s, _ = ls.accept()
        s.settimeout(3)
        c.sendall(b"ping")
        assert s.recv(4) == b"ping"
        s.sendall(b"pong")
        assert c.recv(4) == b"pong"
    except (OSError, AssertionError) as e:
        print("down: %s" % e)
        sys.stdout.flush()
        return 1
    sport = c.getsockname()[1]
    sn_dst = sniffer(dst_ns)
    sn_src = sniffer(src_ns)
    print("up")
    sys.stdout.flush()
    r, _, _ = select.select([sys.stdin], [], [], 60)
    if not r:
        print("no go")
        return 1
    sys.stdin.readline()
    for sn in (sn_dst, sn_src):	# what crossed before the change does not count
        try:
            while sn.recv(65535):
                pass
        except BlockingIOError:
            pass
    c.setblocking(False)
    s.setblocking(False)
    counts = {"to_dst": 0, "to_src": 0}
    end = time.monotonic() + secs
    next_send = 0.0
    while time.monotonic() < end:
        if time.monotonic() >= next_send:
            next_send = time.monotonic() + 0.1
            for sock in (c, s):
                try:
                    sock.send(b"x")
                except OSError:
                    pass
        r, _, _ = select.select([sn_dst, sn_src, c, s], [], [], 0.1)
        for x in r:
            if x in (c, s):
                try:
                    x.recv(65535)
                except OSError:
                    pass
                continue
            try:
                while True:
                    frame, addr = x.recvfrom(65535)
                    if addr[2] == PACKET_OUTGOING:
                        continue
                    p = ports_of(frame)
                    if x is sn_dst and p == (sport, port):
                        counts["to_dst"] += 1
                    elif x is sn_src and p == (port, sport):
                        counts["to_src"] += 1
            except BlockingIOError:
                pass
    print("after: to_dst=%d to_src=%d" % (counts["to_dst"], counts["to_src"]))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
