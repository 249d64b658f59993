/* gen_pcap.c - a deterministic benchmark capture: 1,000,000 packets, 1,000 hosts, 3 zones, 50,000 flows, v4+v6. */
/*
 * Build: cc -std=c11 -D_GNU_SOURCE -O2 -o build/bench/gen_pcap bench/gen_pcap.c
 * Usage: gen_pcap OUT.pcap [PACKETS [CONVERSATIONS]]
 *
 * The hosts and flows are those of bench/gen_policy.py (same formula):
 * conversation c follows policy flow c, so `gen_policy.py 50000` allows
 * it, except every tenth conversation, which goes to port + 1 (no flow has
 * that port between those hosts: disallowed, one report each).  Packets
 * go round-robin over the conversations, even rounds from the flow's
 * source, odd rounds the reply; TCP opens with a SYN, then ACKs.  A flow
 * between two hosts that both have IPv4 uses it on even conversations,
 * otherwise IPv6.  Frames are 64 to 190 bytes, time advances 1 us a
 * packet.  No randomness: the same file every time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int nhosts[3] = { 334, 333, 333 };
static const int pairs[6][2] = { {0,1}, {1,0}, {0,2}, {2,0}, {1,2}, {2,1} };
static const uint8_t p4[3][3] = { {198,51,100}, {192,0,2}, {203,0,113} };
static const uint16_t p6[3] = { 0x20, 0x50, 0x40 };	/* 2001:db8:X:: */

struct flow {
	int	 zf, hf, zt, ht, tcp, port;
};

static void
flow_of(long i, struct flow *f)
{
	long k = i / 6;

	f->zf = pairs[i % 6][0];
	f->zt = pairs[i % 6][1];
	f->hf = k % nhosts[f->zf];
	f->ht = (k / nhosts[f->zf] + f->hf) % nhosts[f->zt];
	f->tcp = i % 3 == 2;
	f->port = 1024 + (int)((i * 7919) % 60000);
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static uint16_t
csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

static void
addr4(uint8_t *p, int z, int h)
{
	memcpy(p, p4[z], 3);
	p[3] = h + 1;
}

static void
addr6(uint8_t *p, int z, int h)
{
	memset(p, 0, 16);
	p[0] = 0x20; p[1] = 0x01; p[2] = 0x0d; p[3] = 0xb8;
	put16(p + 4, p6[z]);
	put16(p + 14, h + 1);
}

/* One frame of conversation c, round r, into buf; its length. */
static size_t
frame(uint8_t *buf, long c, long r)
{
	struct flow f;
	int v4, rev, sport, dport, zs, hs, zd, hd, l4len, paylen;
	uint8_t *ip, *l4;
	size_t iphl;

	flow_of(c, &f);
	if (c % 10 == 9)
		f.port++;
	v4 = f.hf < 250 && f.ht < 250 && c % 2 == 0;
	rev = r & 1;
	sport = 20000 + (int)(c % 40000);
	dport = f.port;
	zs = rev ? f.zt : f.zf; hs = rev ? f.ht : f.hf;
	zd = rev ? f.zf : f.zt; hd = rev ? f.hf : f.ht;
	if (rev) {
		int t = sport;

		sport = dport;
		dport = t;
	}
	paylen = (int)((c * 13 + r * 7) % 128);
	l4len = (f.tcp ? 20 : 8) + paylen;
	memset(buf, 0, 14);
	buf[0] = 0x02; buf[1] = 0xbe; buf[2] = zd; put16(buf + 4, hd);
	buf[6] = 0x02; buf[7] = 0xbe; buf[8] = zs; put16(buf + 10, hs);
	put16(buf + 12, v4 ? 0x0800 : 0x86dd);
	ip = buf + 14;
	if (v4) {
		iphl = 20;
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, 20 + l4len);
		put16(ip + 4, (unsigned)(c + r));
		ip[8] = 64;
		ip[9] = f.tcp ? 6 : 17;
		addr4(ip + 12, zs, hs);
		addr4(ip + 16, zd, hd);
		put16(ip + 10, csum(ip, 20));
	} else {
		iphl = 40;
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, l4len);
		ip[6] = f.tcp ? 6 : 17;
		ip[7] = 64;
		addr6(ip + 8, zs, hs);
		addr6(ip + 24, zd, hd);
	}
	l4 = ip + iphl;
	memset(l4, 0, l4len);
	put16(l4, sport);
	put16(l4 + 2, dport);
	if (f.tcp) {
		l4[12] = 5 << 4;
		l4[13] = r == 0 ? 0x02 : r == 1 ? 0x12 : 0x10;	/* SYN, SYN-ACK, ACK */
		put16(l4 + 14, 65535);
	} else
		put16(l4 + 4, l4len);
	for (int i = 0; i < paylen; i++)
		l4[l4len - paylen + i] = (uint8_t)(c + i);
	return 14 + iphl + l4len < 60 ? 60 : 14 + iphl + l4len;
}

int
main(int argc, char *argv[])
{
	static uint8_t buf[2048];
	static char obuf[1 << 20];
	uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	long npkt = 1000000, nconv = 50000, p;
	FILE *out;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: gen_pcap OUT.pcap [PACKETS [CONVERSATIONS]]\n");
		return 1;
	}
	if (argc > 2)
		npkt = atol(argv[2]);
	if (argc > 3)
		nconv = atol(argv[3]);
	if (npkt < 1 || nconv < 1 || nconv > 6 * 333 * 333) {
		fprintf(stderr, "gen_pcap: bad sizes\n");
		return 1;
	}
	if ((out = fopen(argv[1], "wb")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	setvbuf(out, obuf, _IOFBF, sizeof(obuf));
	fwrite(gh, 4, 6, out);
	for (p = 0; p < npkt; p++) {
		size_t n = frame(buf, p % nconv, p / nconv);
		long us = 1700000000L * 1000000L + p;	/* 2023-11-14, 1 us apart */
		uint32_t ph[4] = { (uint32_t)(us / 1000000), (uint32_t)(us % 1000000),
		    (uint32_t)n, (uint32_t)n };

		fwrite(ph, 4, 4, out);
		fwrite(buf, 1, n, out);
	}
	if (fclose(out) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
