#!/usr/bin/env python3
# udp_stream.py - steady UDP streams between lab namespaces; counts what arrived, by when it was sent.
#
# usage: udp_stream.py SPEC...   SPEC = SRC_NS,SRC_ADDR,DST_NS,DST_ADDR,PORT
# Each stream sends one datagram every 5 ms carrying its send time.  Prints
# "ready" once every stream has delivered a datagram (or "notready S..."
# listing the silent streams after 5 s and exits 1).  Then reads lines on
# stdin: "mark NANOSECONDS" (a CLOCK_REALTIME instant, e.g. `date +%s%N`
# taken right after a command returned) answers "marked K".  At EOF it
# keeps receiving for 0.5 s and prints, for each stream S and each
# interval K between marks (0: before the first mark),
#   "S K N"
# N = datagrams that arrived and were SENT in that interval.  Bounded:
# stops by itself after 120 s.
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from probe import enter  # noqa: E402

PERIOD = 0.005
LIMIT = 120


def udp(ns, addr, port):
    enter(ns)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, port))
    s.setblocking(False)
    return s


def main():
    streams = []
    for i, spec in enumerate(sys.argv[1:]):
        sns, src, dns, dst, port = spec.split(",")
        rx = udp(dns, dst, int(port))
        tx = udp(sns, src, 0)
        streams.append((tx, rx, (dst, int(port))))
    recv = [[] for _ in streams]	# send times (ns) of what arrived
    marks = []
    rxmap = {s[1]: i for i, s in enumerate(streams)}
    seq = 0
    start = time.monotonic()
    nextsend = start
    ready = False
    eof = False
    end = None
    while True:
        now = time.monotonic()
        if now - start > LIMIT:
            break
        if end is not None and now >= end:
            break
        if not ready and now - start > 5:
            silent = [str(i) for i, r in enumerate(recv) if not r]
            print("notready " + " ".join(silent), flush=True)
            return 1
        if now >= nextsend and end is None:
            for i, (tx, _, dst) in enumerate(streams):
                try:
                    tx.sendto(struct.pack("!IQQ", i, seq, time.time_ns()), dst)
                except OSError:
                    pass		# a dropped packet can make an ICMP error
            seq += 1
            nextsend += PERIOD
            if nextsend < now:
                nextsend = now + PERIOD
        rl = [s[1] for s in streams]
        if ready and not eof:
            rl.append(sys.stdin)
        r, _, _ = select.select(rl, [], [], max(0.0, min(nextsend - time.monotonic(), 0.05)))
        for s in r:
            if s is sys.stdin:
                line = sys.stdin.readline()
                if not line:
                    eof = True
                    end = time.monotonic() + 0.5
                    continue
                w = line.split()
                if len(w) == 2 and w[0] == "mark":
                    marks.append(int(w[1]))
                    print("marked %d" % len(marks), flush=True)
                continue
            while True:
                try:
                    data = s.recv(64)
                except BlockingIOError:
                    break
                if len(data) == 20:
                    i, _, t = struct.unpack("!IQQ", data)
                    if i == rxmap[s]:
                        recv[i].append(t)
        if not ready and all(recv):
            ready = True
            print("ready", flush=True)
    for i, times in enumerate(recv):
        counts = [0] * (len(marks) + 1)
        for t in times:
            k = 0
            while k < len(marks) and t >= marks[k]:
                k += 1
            counts[k] += 1
        for k, n in enumerate(counts):
            print("%d %d %d" % (i, k, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
