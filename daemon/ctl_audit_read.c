/* ctl_audit_read.c - bunrictl audit's capture reader: classic pcap read in large blocks, libpcap for the rest. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_audit.h"
#include "hugemem.h"

#define PCAP_MAGIC_US	0xa1b2c3d4u
#define PCAP_MAGIC_NS	0xa1b23c4du
#define PCAP_FILEHDR	24
#define PCAP_RECHDR	16
/* libpcap refuses records larger than this in a savefile as well. */
#define PCAP_MAXREC	(256 * 1024)

/*
 * The file is read with read() into one buffer, used again and again,
 * and packets are handed over in batches that point into it.  A memory
 * map of the file (the earlier way) cost four times as much here: a
 * page table entry for every 4 KiB of the file, each dear in a virtual
 * machine, and a TLB miss per page on top.  The buffer holds the largest
 * record there can be, and comes from hugemem: one page fault.
 */
#define RBUF_SIZE	(1024 * 1024)
#define BATCH		256

_Static_assert(RBUF_SIZE >= 2 * (PCAP_RECHDR + PCAP_MAXREC),
    "the read buffer must hold a whole record and more");

static uint32_t
rd32(const uint8_t *p, int swapped)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap32(v) : v;
}

static int
read_libpcap(pcap_t *pc, const char *path, audit_batch_fn *fn, void *arg,
    uint64_t *n)
{
	struct pcap_pkthdr *h;
	struct detect_pkt dp;
	const u_char *data;
	int rc;

	/* One at a time: libpcap's data lasts until its next call. */
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		(*n)++;
		dp.ts = h->ts;
		dp.data = data;
		dp.caplen = h->caplen;
		dp.wirelen = h->len;
		fn(arg, &dp, 1);
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "bunrictl audit: %s: %s (after %llu packets; "
		    "the report covers those)\n", path, pcap_geterr(pc),
		    (unsigned long long)*n);
		return -1;
	}
	return 0;
}

struct rd {
	int		 fd;
	const char	*path;
	int		 swapped, nsec;
	uint64_t	 off;		/* file offset of buf[len] */
	uint64_t	 size;		/* bytes of the file to read (its size at open) */
	uint8_t		*buf;
	size_t		 pos, len;	/* unread records: buf[pos .. len) */
};

/*
 * At least want bytes unread in the buffer, unless the file ends first:
 * 1 when there, 0 at the end of the file, -1 on a read error (said).
 * Moves what is unread to the start, so no pointer into the buffer
 * survives a call (the batch is handed over before).
 */
static int
fill(struct rd *r, size_t want, uint64_t npkts)
{
	ssize_t got;
	size_t room;

	if (r->len - r->pos >= want)
		return 1;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	while (r->len < want && r->off < r->size) {
		room = RBUF_SIZE - r->len;
		if (room > r->size - r->off)
			room = (size_t)(r->size - r->off);
		got = pread(r->fd, r->buf + r->len, room, (off_t)r->off);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			fprintf(stderr, "bunrictl audit: %s: %s (after %llu "
			    "packets; the report covers those)\n", r->path,
			    strerror(errno), (unsigned long long)npkts);
			return -1;
		}
		if (got == 0)
			break;	/* shorter than it was: ends here */
		r->len += (size_t)got;
		r->off += (uint64_t)got;
	}
	return r->len - r->pos >= want;
}

/* Records from the buffer in batches; every length checked first. */
static int
walk(struct rd *r, audit_batch_fn *fn, void *arg, uint64_t *n)
{
	struct detect_pkt v[BATCH];
	const uint8_t *h;
	uint32_t caplen, frac;
	size_t nb = 0;
	int rc;

	for (;;) {
		if (r->len - r->pos < PCAP_RECHDR) {
			/* Refilling moves the buffer: hand over the batch. */
			if (nb != 0)
				fn(arg, v, nb);
			nb = 0;
			if ((rc = fill(r, PCAP_RECHDR, *n)) == -1)
				return -1;
			if (rc == 0 && r->len == r->pos)
				return 0;
			if (rc == 0) {
				fprintf(stderr, "bunrictl audit: %s: "
				    "truncated dump file; a record header is "
				    "cut off after %llu packets (the report "
				    "covers those)\n", r->path,
				    (unsigned long long)*n);
				return -1;
			}
		}
		h = r->buf + r->pos;
		caplen = rd32(h + 8, r->swapped);
		if (caplen > PCAP_MAXREC) {
			if (nb != 0)
				fn(arg, v, nb);
			fprintf(stderr, "bunrictl audit: %s: packet %llu has "
			    "a capture length of %u bytes, more than %u: not "
			    "a sane capture (the report covers the packets "
			    "before it)\n", r->path, (unsigned long long)*n + 1,
			    caplen, PCAP_MAXREC);
			return -1;
		}
		if (r->len - r->pos - PCAP_RECHDR < caplen) {
			if (nb != 0)
				fn(arg, v, nb);
			nb = 0;
			if ((rc = fill(r, PCAP_RECHDR + caplen, *n)) == -1)
				return -1;
			if (rc == 0) {
				fprintf(stderr, "bunrictl audit: %s: "
				    "truncated dump file; packet %llu is cut "
				    "off (the report covers the packets before "
				    "it)\n", r->path, (unsigned long long)*n + 1);
				return -1;
			}
			h = r->buf + r->pos;
		}
		v[nb].ts.tv_sec = (time_t)rd32(h, r->swapped);
		frac = rd32(h + 4, r->swapped);
		v[nb].ts.tv_usec = (suseconds_t)(r->nsec ? frac / 1000 : frac);
		v[nb].data = h + PCAP_RECHDR;
		v[nb].caplen = caplen;
		v[nb].wirelen = rd32(h + 12, r->swapped);
		(*n)++;
		r->pos += PCAP_RECHDR + caplen;
		if (++nb == BATCH) {
			fn(arg, v, nb);
			nb = 0;
		}
	}
}

int
audit_read(pcap_t *pc, const char *path, audit_batch_fn *fn, void *arg,
    uint64_t *n)
{
	uint8_t hdr[4];
	struct stat sb;
	uint32_t magic;
	struct rd r;
	FILE *f;
	int fd, rc;

	*n = 0;
	if ((f = pcap_file(pc)) == NULL || (fd = fileno(f)) == -1 ||
	    fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size < PCAP_FILEHDR ||
	    pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		return read_libpcap(pc, path, fn, arg, n);
	memcpy(&magic, hdr, sizeof(magic));
	memset(&r, 0, sizeof(r));
	r.swapped = magic == __builtin_bswap32(PCAP_MAGIC_US) ||
	    magic == __builtin_bswap32(PCAP_MAGIC_NS);
	if (r.swapped)
		magic = __builtin_bswap32(magic);
	if (magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS)
		return read_libpcap(pc, path, fn, arg, n);	/* pcapng, ... */
	if ((r.buf = hugemem_alloc(RBUF_SIZE)) == NULL)
		return read_libpcap(pc, path, fn, arg, n);
	r.nsec = magic == PCAP_MAGIC_NS;
	r.fd = fd;
	r.path = path;
	r.off = PCAP_FILEHDR;
	r.size = (uint64_t)sb.st_size;
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	rc = walk(&r, fn, arg, n);
	hugemem_free(r.buf, RBUF_SIZE);
	return rc;
}
