#!/usr/bin/env python3
# benchpy.py - the timed parts of bench/run.sh that need one process: bunrid starts (row 6), detection latency (row 5), EVE stats.
#
#   start NETNS BUNRID CONF N ORPHAN   N timed starts of bunrid in NETNS;
#       ORPHAN 1: before each, a predecessor is started and SIGKILLed once
#       its table is in (its table left behind).  Prints one line per
#       start: "ms_applied ms_ready" (ready "-" when no READY=1 came).
#   latency NETNS SRC DST PORT0 N EVE   N forbidden UDP flows from SRC
#       (inside NETNS) to DST:PORT0.., one every 3 ms; prints the ms from
#       each first packet to its zone-violation line being in EVE.
#   launch NETNS BUNRID CONF LOG   start bunrid -f -v in NETNS (output to
#       LOG), wait for its READY=1 (30 s at most), print its pid, leave it
#       running: traffic then meets a daemon done with its start.
#   stats EVE    "packets drops" of the last stats line.
# Every wait is bounded; children are killed before returning.
import ctypes, json, os, select, signal, socket, subprocess, sys, tempfile, time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + ns)
    finally:
        os.close(fd)


def ms(a, b):
    return (b - a) * 1000.0


def one_start(bunrid, conf, nsock, nsock_path, limit=20.0):
    """Start bunrid; return (proc, ms to 'applied table', ms to READY or None)."""
    env = dict(os.environ, NOTIFY_SOCKET=nsock_path)
    nsock.setblocking(False)
    try:
        while True:			# a predecessor's late messages are not ours
            nsock.recv(4096)
    except BlockingIOError:
        pass
    t0 = time.monotonic()
    p = subprocess.Popen([bunrid, "-c", conf, "-f", "-v"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    os.set_blocking(p.stderr.fileno(), False)
    buf = b""
    applied = ready = None
    while True:
        el = ms(t0, time.monotonic())
        if el > limit * 1000 or (applied is not None and
                                 (ready is not None or el > applied + 300)):
            break
        r, _, _ = select.select([p.stderr, nsock], [], [], 0.05)
        now = time.monotonic()
        if nsock in r:
            msg = nsock.recv(4096)
            if b"READY=1" in msg.split(b"\n") and ready is None:
                ready = ms(t0, now)
        if p.stderr in r:
            d = p.stderr.read()
            if not d:
                break
            buf += d
            if applied is None and b"applied table inet bunri" in buf:
                applied = ms(t0, now)
        if p.poll() is not None:
            break
    return p, applied, ready


def stop(p, sig=signal.SIGTERM):
    try:
        p.send_signal(sig)
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    p.stderr.close()


def cmd_start(ns, bunrid, conf, n, orphan):
    enter(ns)
    d = tempfile.mkdtemp(prefix="bunri-notify.")
    path = os.path.join(d, "notify")
    nsock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    nsock.bind(path)
    try:
        for _ in range(n):
            subprocess.run(["nft", "delete", "table", "inet", "bunri"], stderr=subprocess.DEVNULL)
            subprocess.run(["nft", "delete", "table", "inet", "bunri_base"], stderr=subprocess.DEVNULL)
            if orphan:
                p, a, _ = one_start(bunrid, conf, nsock, path)
                stop(p, signal.SIGKILL)
                if a is None:
                    sys.exit("benchpy start: the predecessor never applied its table")
            p, a, r = one_start(bunrid, conf, nsock, path)
            stop(p)
            if a is None:
                sys.exit("benchpy start: bunrid did not apply its table within 20 s")
            print("%.1f %s" % (a, "-" if r is None else "%.1f" % r), flush=True)
    finally:
        nsock.close()
        os.unlink(path)
        os.rmdir(d)


def cmd_latency(ns, src, dst, port0, n, eve):
    # The log is read from where it is now: earlier lines are not ours.
    f = open(eve, "rb")
    f.seek(0, 2)
    enter(ns)
    socks = []
    sent = {}
    seen = {}
    pending = b""
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, 0))
        s.setblocking(False)
        socks.append(s)

    def drain():
        nonlocal pending
        d = f.read()
        if not d:
            return
        now = time.monotonic()
        pending += d
        lines = pending.split(b"\n")
        pending = lines.pop()
        for ln in lines:
            try:
                o = json.loads(ln)
            except ValueError:
                continue
            if o.get("event_type") != "alert" or o.get("alert", {}).get("signature_id") != 1:
                continue
            port = o.get("dest_port")
            if port in sent and port not in seen:
                seen[port] = now

    t_end = time.monotonic() + 3e-3 * n + 5.0
    i = 0
    next_send = time.monotonic()
    while time.monotonic() < t_end and len(seen) < n:
        now = time.monotonic()
        if i < n and now >= next_send:
            port = port0 + i
            sent[port] = time.monotonic()
            try:
                socks[i].sendto(b"bench", (dst, port))
            except OSError:
                pass
            i += 1
            next_send += 3e-3
        drain()
        time.sleep(2e-4)
    for s in socks:
        s.close()
    for port in sorted(sent):
        print("%.2f" % ms(sent[port], seen[port]) if port in seen else "lost")


def cmd_launch(ns, bunrid, conf, logpath):
    enter(ns)
    d = tempfile.mkdtemp(prefix="bunri-notify.")
    path = os.path.join(d, "notify")
    nsock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    nsock.bind(path)
    log = open(logpath, "ab")
    p = subprocess.Popen([bunrid, "-c", conf, "-f", "-v"], stdin=subprocess.DEVNULL,
                         stdout=log, stderr=log, start_new_session=True,
                         env=dict(os.environ, NOTIFY_SOCKET=path))
    t_end = time.monotonic() + 30
    ok = False
    while time.monotonic() < t_end and p.poll() is None:
        r, _, _ = select.select([nsock], [], [], 0.1)
        if r and b"READY=1" in nsock.recv(4096).split(b"\n"):
            ok = True
            break
    nsock.close()
    os.unlink(path)
    os.rmdir(d)
    if not ok:
        if p.poll() is None:
            p.kill()
            p.wait()
        sys.exit("benchpy launch: bunrid not ready in 30 s (exit %s)" % p.poll())
    print(p.pid)


def cmd_stats(eve):
    last = None
    with open(eve, "rb") as f:
        for ln in f:
            if b'"event_type":"stats"' in ln:
                last = ln
    if last is None:
        print("- -")
        return
    c = json.loads(last)["stats"]["capture"]
    print(c.get("kernel_packets", 0), c.get("kernel_drops", 0))


def main():
    a = sys.argv[1:]
    if a[:1] == ["start"] and len(a) == 6:
        cmd_start(a[1], a[2], a[3], int(a[4]), a[5] == "1")
    elif a[:1] == ["latency"] and len(a) == 7:
        cmd_latency(a[1], a[2], a[3], int(a[4]), int(a[5]), a[6])
    elif a[:1] == ["launch"] and len(a) == 5:
        cmd_launch(a[1], a[2], a[3], a[4])
    elif a[:1] == ["stats"] and len(a) == 2:
        cmd_stats(a[1])
    else:
        sys.exit(__doc__ or "usage: see the head of benchpy.py")


if __name__ == "__main__":
    main()
