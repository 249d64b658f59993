/* evidence.c - evidence pcaps: the first packets of each flagged flow in state_dir/evidence/<flow_id>.pcap. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence.h"
#include "log.h"

int
evidence_init(struct evidence *ev, const char *state_dir, int snaplen)
{
	memset(ev, 0, sizeof(*ev));
	ev->snaplen = snaplen;
	if (asprintf(&ev->dir, "%s/evidence", state_dir) == -1) {
		ev->dir = NULL;
		log_warn("evidence");
		return -1;
	}
	if (mkdir(ev->dir, 0750) == -1 && errno != EEXIST) {
		log_warn("mkdir %s", ev->dir);
		return -1;
	}
	return 0;
}

const char *
evidence_path(const struct evidence *ev, uint64_t flow_id, char *buf,
    size_t len)
{
	int n;

	if (ev->dir == NULL)
		return NULL;
	n = snprintf(buf, len, "%s/%" PRIu64 ".pcap", ev->dir, flow_id);
	return n < 0 || (size_t)n >= len ? NULL : buf;
}

/* A pcap_open_dead handle names the link type of the file it writes. */
static pcap_t *
dead_for(struct evidence *ev, int linktype)
{
	size_t i;

	for (i = 0; i < EVIDENCE_LINKTYPES; i++) {
		if (ev->dead[i].p != NULL && ev->dead[i].linktype == linktype)
			return ev->dead[i].p;
		if (ev->dead[i].p == NULL) {
			ev->dead[i].p = pcap_open_dead(linktype, ev->snaplen);
			ev->dead[i].linktype = linktype;
			return ev->dead[i].p;
		}
	}
	return NULL;	/* more link types than a gateway has */
}

static void
file_close(struct evidence_file *f)
{
	if (f->d != NULL)
		pcap_dump_close(f->d);
	memset(f, 0, sizeof(*f));
}

/* The flow's open file, or a slot to open it in (the LRU one closed). */
static struct evidence_file *
slot_for(struct evidence *ev, uint64_t flow_id, int linktype)
{
	struct evidence_file *f, *lru = NULL;
	char path[4096];
	pcap_t *dead;
	size_t i;
	int fd;

	for (i = 0; i < EVIDENCE_MAX_OPEN; i++) {
		f = &ev->f[i];
		if (f->d != NULL && f->flow_id == flow_id)
			return f;
		if (lru == NULL || f->d == NULL ||
		    (lru->d != NULL && f->used < lru->used))
			lru = f;
	}
	file_close(lru);
	if ((dead = dead_for(ev, linktype)) == NULL ||
	    evidence_path(ev, flow_id, path, sizeof(path)) == NULL)
		return NULL;
	/*
	 * Packet bytes of citizens' traffic: not for everyone to read, so
	 * the file is made 0640 here (libpcap's fopen would take the umask).
	 * Append: the flow may have been written before (LRU, restart); an
	 * empty file gets its header from libpcap.
	 */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640)) != -1)
		close(fd);
	if ((lru->d = pcap_dump_open_append(dead, path)) == NULL) {
		if (!ev->failing++)
			log_warnx("evidence %s: %s", path, pcap_geterr(dead));
		return NULL;
	}
	lru->flow_id = flow_id;
	return lru;
}

void
evidence_write(struct evidence *ev, uint64_t flow_id, int linktype,
    const struct timeval *ts, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen)
{
	struct evidence_file *f;
	struct pcap_pkthdr h;

	if (ev->dir == NULL)
		return;
	if ((f = slot_for(ev, flow_id, linktype)) == NULL) {
		ev->failed++;
		return;
	}
	f->used = ++ev->clock;
	memset(&h, 0, sizeof(h));
	h.ts = *ts;
	h.caplen = caplen > (uint32_t)ev->snaplen ? (uint32_t)ev->snaplen :
	    caplen;
	h.len = wirelen;
	pcap_dump((u_char *)f->d, &h, data);
	if (pcap_dump_flush(f->d) == -1) {
		if (!ev->failing++)
			log_warn("writing evidence of flow %" PRIu64, flow_id);
		ev->failed++;
		file_close(f);
		return;
	}
	ev->failing = 0;
	ev->packets++;
}

void
evidence_end(struct evidence *ev, uint64_t flow_id)
{
	size_t i;

	for (i = 0; i < EVIDENCE_MAX_OPEN; i++)
		if (ev->f[i].d != NULL && ev->f[i].flow_id == flow_id)
			file_close(&ev->f[i]);
}

void
evidence_fini(struct evidence *ev)
{
	size_t i;

	for (i = 0; i < EVIDENCE_MAX_OPEN; i++)
		file_close(&ev->f[i]);
	for (i = 0; i < EVIDENCE_LINKTYPES; i++) {
		if (ev->dead[i].p != NULL)
			pcap_close(ev->dead[i].p);
		ev->dead[i].p = NULL;
	}
	free(ev->dir);
	ev->dir = NULL;
}
