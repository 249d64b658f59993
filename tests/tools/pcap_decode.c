/* pcap_decode.c - test tool: decode every packet of pcap files with lib/decode and print the counts. */
/*
 * Usage: pcap_decode [-s SEEDDIR [-n N]] FILE...
 *   -s  also write the first N (default 3) packets of each file to SEEDDIR
 *       as fuzz_decode inputs (selector byte + frame).
 * Exit: 0 every file decoded, 2 some file has an unsupported link type,
 * 3 some file could not be read (a damaged capture), 64 usage.
 * The corpus test runs it under the sanitizers: a bad read aborts it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "decode.h"
#include "../fuzz/fuzz_decode.h"

struct opts {
	const char	*seeddir;
	int		 nseeds;
};

static void
write_seed(const struct opts *o, const char *file, int lt, unsigned n,
    const struct pcap_pkthdr *h, const uint8_t *data)
{
	char		 path[PATH_MAX];
	const char	*base;
	FILE		*f;
	int		 sel;

	if ((sel = fuzz_selector(lt)) == -1)
		return;
	if (h->caplen < h->len)
		sel |= FUZZ_SNAPPED;
	base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	snprintf(path, sizeof(path), "%s/%s-%u", o->seeddir, base, n);
	if ((f = fopen(path, "wb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return;
	}
	fputc(sel, f);
	fwrite(data, 1, h->caplen, f);
	fclose(f);
}

/* Sanity of what the decoder says about itself; a lie here is a bug. */
static int
check_pkt(const char *file, unsigned n, int rc, const struct pkt *p)
{
	if (rc == DEC_OK && p->ipver != 4 && p->ipver != 6)
		goto bad;
	if (p->has_ports && (p->l4_off == 0 || p->l4_off > p->caplen))
		goto bad;
	if (p->has_ports && p->frag && !p->frag_first)
		goto bad;
	return 0;
bad:
	fprintf(stderr, "%s: packet %u: decoder result inconsistent (rc %d)\n",
	    file, n, rc);
	return -1;
}

static int
decode_file(const struct opts *o, const char *file)
{
	char			 err[PCAP_ERRBUF_SIZE];
	struct decode_stats	 st;
	struct pcap_pkthdr	*h;
	const u_char		*data;
	struct pkt		 p;
	pcap_t			*pc;
	int			 lt, rc, r, ret = 0;

	if ((pc = pcap_open_offline(file, err)) == NULL) {
		printf("%s: cannot read: %s\n", file, err);
		return 3;
	}
	lt = pcap_datalink(pc);
	if (!decode_linktype_supported(lt)) {
		printf("%s: link type %d (%s) is not supported; %s\n", file, lt,
		    decode_linktype_name(lt), DECODE_SUPPORTED_TEXT);
		pcap_close(pc);
		return 2;
	}
	memset(&st, 0, sizeof(st));
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		rc = decode_packet(lt, data, h->caplen, h->len, &p);
		decode_stats_count(&st, rc);
		if (check_pkt(file, (unsigned)st.packets, rc, &p) == -1)
			abort();
		if (o->seeddir != NULL && st.packets <= (uint64_t)o->nseeds)
			write_seed(o, file, lt, (unsigned)st.packets, h, data);
	}
	printf("%s: %s: %llu packets: %llu ok, %llu not IP, %llu truncated, "
	    "%llu malformed\n", file, decode_linktype_name(lt),
	    (unsigned long long)st.packets, (unsigned long long)st.ok,
	    (unsigned long long)st.not_ip, (unsigned long long)st.truncated,
	    (unsigned long long)st.malformed);
	if (r == PCAP_ERROR) {
		printf("%s: cannot read: after %llu packets: %s\n", file,
		    (unsigned long long)st.packets, pcap_geterr(pc));
		ret = 3;
	}
	pcap_close(pc);
	return ret;
}

int
main(int argc, char **argv)
{
	struct opts	 o = { NULL, 3 };
	int		 ch, i, r, ret = 0;

	while ((ch = getopt(argc, argv, "s:n:")) != -1) {
		switch (ch) {
		case 's':
			o.seeddir = optarg;
			break;
		case 'n':
			o.nseeds = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind == argc)
		goto usage;
	for (i = optind; i < argc; i++)
		if ((r = decode_file(&o, argv[i])) > ret)
			ret = r;
	return ret;
usage:
	fprintf(stderr, "usage: pcap_decode [-s SEEDDIR [-n N]] FILE...\n");
	return 64;
}
