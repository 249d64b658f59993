/* udpflood.c - bounded 64-byte UDP sender for the forwarding and capture benchmarks (sendmmsg, optional pacing). */
/*
 * Build: cc -std=c11 -D_GNU_SOURCE -O2 -o build/bench/udpflood bench/udpflood.c
 * Usage: udpflood NETNS SRC DST DPORT COUNT SECONDS RATE [SPORTS]
 *
 * Enters /run/netns/NETNS itself (no ip-netns-exec start-up in the timed
 * part), then sends at most COUNT datagrams for at most SECONDS from SRC
 * to DST:DPORT, RATE per second (0: as fast as it can), from SPORTS
 * sockets on consecutive source ports 30000.. (default 1).  18 bytes of
 * payload: a 60-byte IPv4 frame, 64 on the wire with its FCS.  Prints
 * "sent N seconds S rate R errors E".  Both bounds always hold: it is
 * safe to run unattended.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH	32
#define MAXSOCK	256

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	struct sockaddr_in src, dst;
	char path[256], payload[18];
	int fds[MAXSOCK], nsock = 1, fd, i, r;
	long count, sent = 0, errors = 0;
	double secs, rate, t0, t, el;

	if (argc < 8 || argc > 9) {
		fprintf(stderr, "usage: udpflood NETNS SRC DST DPORT COUNT SECONDS RATE [SPORTS]\n");
		return 1;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", argv[1]);
	if ((fd = open(path, O_RDONLY)) == -1 || setns(fd, CLONE_NEWNET) == -1) {
		perror(path);
		return 1;
	}
	close(fd);
	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	src.sin_family = dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[2], &src.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[3], &dst.sin_addr) != 1) {
		fprintf(stderr, "udpflood: bad address\n");
		return 1;
	}
	dst.sin_port = htons(atoi(argv[4]));
	count = atol(argv[5]);
	secs = atof(argv[6]);
	rate = atof(argv[7]);
	if (argc > 8)
		nsock = atoi(argv[8]);
	if (count < 1 || secs <= 0 || secs > 60 || rate < 0 || nsock < 1 ||
	    nsock > MAXSOCK) {
		fprintf(stderr, "udpflood: bad bounds\n");
		return 1;
	}
	for (i = 0; i < nsock; i++) {
		int sz = 4 << 20;

		src.sin_port = htons(30000 + i);
		if ((fds[i] = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
		    bind(fds[i], (struct sockaddr *)&src, sizeof(src)) == -1 ||
		    connect(fds[i], (struct sockaddr *)&dst, sizeof(dst)) == -1) {
			perror("udpflood: socket");
			return 1;
		}
		setsockopt(fds[i], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	}
	memset(payload, 'b', sizeof(payload));
	iov.iov_base = payload;
	iov.iov_len = sizeof(payload);
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = t = now();
	for (i = 0; sent < count && (el = (t = now()) - t0) < secs; i++) {
		int n = count - sent < BATCH ? (int)(count - sent) : BATCH;

		if (rate > 0 && sent > rate * el) {
			/* Ahead of the schedule: wait for it (short sleeps). */
			struct timespec ts = { 0, 20000 };

			nanosleep(&ts, NULL);
			continue;
		}
		if ((r = sendmmsg(fds[i % nsock], msgs, n, 0)) == -1) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED) {
				perror("udpflood: sendmmsg");
				return 1;
			}
			errors++;
			continue;
		}
		sent += r;
	}
	el = now() - t0;
	printf("sent %ld seconds %.3f rate %.0f errors %ld\n", sent, el,
	    sent / el, errors);
	return 0;
}
