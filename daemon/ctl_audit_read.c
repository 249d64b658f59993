/* ctl_audit_read.c - bunrictl audit's capture reader: a memory map for classic pcap, libpcap for the rest. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_audit.h"

#define PCAP_MAGIC_US	0xa1b2c3d4u
#define PCAP_MAGIC_NS	0xa1b23c4du
#define PCAP_FILEHDR	24
#define PCAP_RECHDR	16
/* libpcap refuses records larger than this in a savefile as well. */
#define PCAP_MAXREC	(256 * 1024)

static uint32_t
rd32(const uint8_t *p, int swapped)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap32(v) : v;
}

static int
read_libpcap(pcap_t *pc, const char *path, audit_pkt_fn *fn, void *arg,
    uint64_t *n)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		(*n)++;
		fn(arg, &h->ts, data, h->caplen, h->len);
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "bunrictl audit: %s: %s (after %llu packets; "
		    "the report covers those)\n", path, pcap_geterr(pc),
		    (unsigned long long)*n);
		return -1;
	}
	return 0;
}

/* Records straight from the mapped file; every length checked first. */
static int
walk(const uint8_t *m, size_t size, int swapped, int nsec, const char *path,
    audit_pkt_fn *fn, void *arg, uint64_t *n)
{
	size_t off = PCAP_FILEHDR;
	struct timeval tv;
	uint32_t caplen, len, frac;

	while (off < size) {
		if (size - off < PCAP_RECHDR) {
			fprintf(stderr, "bunrictl audit: %s: truncated dump "
			    "file; a record header is cut off after %llu "
			    "packets (the report covers those)\n", path,
			    (unsigned long long)*n);
			return -1;
		}
		caplen = rd32(m + off + 8, swapped);
		len = rd32(m + off + 12, swapped);
		if (caplen > PCAP_MAXREC) {
			fprintf(stderr, "bunrictl audit: %s: packet %llu has "
			    "a capture length of %u bytes, more than %u: not "
			    "a sane capture (the report covers the packets "
			    "before it)\n", path, (unsigned long long)*n + 1,
			    caplen, PCAP_MAXREC);
			return -1;
		}
		if (size - off - PCAP_RECHDR < caplen) {
			fprintf(stderr, "bunrictl audit: %s: truncated dump "
			    "file; packet %llu is cut off (the report covers "
			    "the packets before it)\n", path,
			    (unsigned long long)*n + 1);
			return -1;
		}
		tv.tv_sec = (time_t)rd32(m + off, swapped);
		frac = rd32(m + off + 4, swapped);
		tv.tv_usec = (suseconds_t)(nsec ? frac / 1000 : frac);
		(*n)++;
		fn(arg, &tv, m + off + PCAP_RECHDR, caplen, len);
		off += PCAP_RECHDR + caplen;
	}
	return 0;
}

int
audit_read(pcap_t *pc, const char *path, audit_pkt_fn *fn, void *arg,
    uint64_t *n)
{
	uint8_t hdr[4];
	struct stat sb;
	uint32_t magic;
	void *m;
	FILE *f;
	int fd, swapped, nsec, rc;

	*n = 0;
	if ((f = pcap_file(pc)) == NULL || (fd = fileno(f)) == -1 ||
	    fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size < PCAP_FILEHDR ||
	    pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		return read_libpcap(pc, path, fn, arg, n);
	memcpy(&magic, hdr, sizeof(magic));
	swapped = magic == __builtin_bswap32(PCAP_MAGIC_US) ||
	    magic == __builtin_bswap32(PCAP_MAGIC_NS);
	if (swapped)
		magic = __builtin_bswap32(magic);
	if (magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS)
		return read_libpcap(pc, path, fn, arg, n);	/* pcapng, ... */
	nsec = magic == PCAP_MAGIC_NS;
	m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE |
	    MAP_POPULATE, fd, 0);
	if (m == MAP_FAILED)
		return read_libpcap(pc, path, fn, arg, n);
	(void)madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
	rc = walk(m, (size_t)sb.st_size, swapped, nsec, path, fn, arg, n);
	munmap(m, (size_t)sb.st_size);
	return rc;
}
