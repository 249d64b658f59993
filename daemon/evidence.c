/* evidence.c - evidence pcaps: the first packets of each flagged flow in state_dir/evidence/<flow_id>.pcap. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "evidence.h"
#include "log.h"
#include "policy.h"

#define PCAP_FILE_HDR	24	/* struct pcap_file_header */
#define PCAP_REC_HDR	16	/* struct pcap_sf_pkthdr */
#define SAY_INTERVAL	60	/* seconds between two removal warnings */
#define MIB		(1024 * 1024)

/* rm for evidence_cap: a file gone already is no failure. */
static int
rm_file(uint64_t flow_id, void *arg)
{
	struct evidence *ev = arg;
	char path[4096];

	if (evidence_path(ev, flow_id, path, sizeof(path)) == NULL)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

/*
 * The files of an earlier run count against the limit, oldest (mtime)
 * first.  Only names evidence.c writes are taken: anything else a person
 * put there is neither counted nor removed.
 */
static void
scan_dir(struct evidence *ev)
{
	struct evcap_seen *seen = NULL, *ns;
	size_t n = 0, max = 0;
	struct dirent *de;
	struct stat st;
	uint64_t id;
	DIR *dp;

	if ((dp = opendir(ev->dir)) == NULL) {
		log_warn("evidence: %s", ev->dir);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		if (evcap_name(de->d_name, &id) == -1 ||
		    fstatat(dirfd(dp), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (n == max) {
			max = max == 0 ? 1024 : max * 2;
			if ((ns = reallocarray(seen, max,
			    sizeof(*seen))) == NULL) {
				log_warnx("evidence: out of memory; files of"
				    " earlier runs not counted");
				break;
			}
			seen = ns;
		}
		seen[n].flow_id = id;
		seen[n].size = (uint64_t)st.st_size;
		seen[n].mtime_sec = st.st_mtim.tv_sec;
		seen[n].mtime_nsec = st.st_mtim.tv_nsec;
		n++;
	}
	closedir(dp);
	if (evcap_load(&ev->cap, seen, n) == -1)
		log_warnx("evidence: out of memory; files of earlier runs not"
		    " all counted");
	free(seen);
}

int
evidence_init(struct evidence *ev, const char *state_dir, int snaplen)
{
	struct statvfs sv;
	uint64_t unit = 4096;

	memset(ev, 0, sizeof(*ev));
	ev->snaplen = snaplen;
	evcap_init(&ev->cap, (uint64_t)DEF_EVIDENCE_MAX_MB * MIB, unit);
	if (asprintf(&ev->dir, "%s/evidence", state_dir) == -1) {
		ev->dir = NULL;
		log_warn("evidence");
		return -1;
	}
	if (mkdir(ev->dir, 0750) == -1 && errno != EEXIST) {
		log_warn("mkdir %s", ev->dir);
		free(ev->dir);
		ev->dir = NULL;
		return -1;
	}
	/* Files take whole blocks: that is what fills the disk. */
	if (statvfs(ev->dir, &sv) == 0 && sv.f_frsize > 0)
		unit = sv.f_frsize;
	evcap_init(&ev->cap, ev->cap.cap, unit);
	scan_dir(ev);
	if (ev->cap.nfiles > 0)
		log_info("evidence: %zu files of earlier runs in %s, %" PRIu64
		    " bytes on disk", ev->cap.nfiles, ev->dir, ev->cap.used);
	return 0;
}

/*
 * Removals and refusals are logged at most once a minute, with what
 * happened since the last time: a flood must not flood the log too.
 */
static void
say_cap(struct evidence *ev, int force)
{
	struct evcap *ec = &ev->cap;
	struct timespec now;
	char failed[96] = "";

	if (ec->removed == ev->said_removed && ec->rm_failed ==
	    ev->said_rm_failed && ev->capped == ev->said_capped)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && ev->said_at != 0 &&
	    now.tv_sec - ev->said_at < SAY_INTERVAL)
		return;
	ev->said_at = now.tv_sec > 0 ? now.tv_sec : 1;
	if (ec->rm_failed != ev->said_rm_failed)
		snprintf(failed, sizeof(failed), "; %" PRIu64 " could not be"
		    " removed (no longer counted)",
		    ec->rm_failed - ev->said_rm_failed);
	if (ec->removed != ev->said_removed || failed[0] != '\0')
		log_warnx("evidence: %" PRIu64 " oldest files removed to stay"
		    " under monitor.evidence_max_mb (%" PRIu64 " MB; %"
		    PRIu64 " removed in all)%s",
		    ec->removed - ev->said_removed, ec->cap / MIB,
		    ec->removed, failed);
	if (ev->capped != ev->said_capped)
		log_warnx("evidence: %" PRIu64 " packets not written: their"
		    " flows do not fit under monitor.evidence_max_mb (%"
		    PRIu64 " MB) next to the files being written",
		    ev->capped - ev->said_capped, ec->cap / MIB);
	ev->said_removed = ec->removed;
	ev->said_rm_failed = ec->rm_failed;
	ev->said_capped = ev->capped;
}

void
evidence_set_max(struct evidence *ev, uint64_t max_bytes)
{
	if (ev->dir == NULL) {
		ev->cap.cap = max_bytes;
		return;
	}
	evcap_set_cap(&ev->cap, max_bytes, rm_file, ev);
	say_cap(ev, 1);
	if (ev->cap.used > ev->cap.cap)
		log_warnx("evidence: %s holds %" PRIu64 " bytes in files being"
		    " written, over monitor.evidence_max_mb", ev->dir,
		    ev->cap.used);
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

/* The size of a flow's file on disk now, 0 when there is none. */
static uint64_t
size_on_disk(const struct evidence *ev, uint64_t flow_id)
{
	char path[4096];
	struct stat st;

	if (evidence_path(ev, flow_id, path, sizeof(path)) == NULL ||
	    stat(path, &st) == -1)
		return 0;
	return (uint64_t)st.st_size;
}

static void
file_close(struct evidence *ev, struct evidence_file *f)
{
	if (f->d != NULL)
		pcap_dump_close(f->d);
	if (f->ce != NULL)
		evcap_open(&ev->cap, f->ce, false);
	memset(f, 0, sizeof(*f));
}

/* A failed write left the file at some size: count what is there. */
static void
file_failed(struct evidence *ev, struct evidence_file *f)
{
	struct evcap_file *ce = f->ce;

	file_close(ev, f);
	if (ce != NULL)
		evcap_resize(&ev->cap, ce, size_on_disk(ev, ce->flow_id));
}

static struct evidence_file *
slot_find(struct evidence *ev, uint64_t flow_id)
{
	size_t i;

	for (i = 0; i < EVIDENCE_MAX_OPEN; i++)
		if (ev->f[i].d != NULL && ev->f[i].flow_id == flow_id)
			return &ev->f[i];
	return NULL;
}

/* Open ce's file in the least recently written slot (closed first). */
static struct evidence_file *
slot_open(struct evidence *ev, struct evcap_file *ce, int linktype)
{
	struct evidence_file *f, *lru = NULL;
	char path[4096];
	pcap_t *dead;
	size_t i;
	int fd;

	for (i = 0; i < EVIDENCE_MAX_OPEN; i++) {
		f = &ev->f[i];
		if (lru == NULL || f->d == NULL ||
		    (lru->d != NULL && f->used < lru->used))
			lru = f;
	}
	file_close(ev, lru);
	if ((dead = dead_for(ev, linktype)) == NULL ||
	    evidence_path(ev, ce->flow_id, path, sizeof(path)) == NULL)
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
	lru->flow_id = ce->flow_id;
	lru->ce = ce;
	evcap_open(&ev->cap, ce, true);
	return lru;
}

/*
 * The flow's accounting, for a file not open: what is on disk now (an
 * earlier run, a file closed by the LRU, or nothing).
 */
static struct evcap_file *
cap_entry(struct evidence *ev, uint64_t flow_id)
{
	struct evcap_file *ce;

	if ((ce = evcap_find(&ev->cap, flow_id)) == NULL)
		return evcap_add(&ev->cap, flow_id, size_on_disk(ev, flow_id));
	if (!ce->full)	/* refused: no stat per packet */
		evcap_resize(&ev->cap, ce, size_on_disk(ev, flow_id));
	return ce;
}

void
evidence_write(struct evidence *ev, uint64_t flow_id, int linktype,
    const struct timeval *ts, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen)
{
	struct evidence_file *f;
	struct evcap_file *ce;
	struct pcap_pkthdr h;
	uint64_t need;

	if (ev->dir == NULL)
		return;
	memset(&h, 0, sizeof(h));
	h.ts = *ts;
	h.caplen = caplen > (uint32_t)ev->snaplen ? (uint32_t)ev->snaplen :
	    caplen;
	h.len = wirelen;
	need = PCAP_REC_HDR + (uint64_t)h.caplen;
	if ((f = slot_find(ev, flow_id)) != NULL)
		ce = f->ce;
	else if ((ce = cap_entry(ev, flow_id)) == NULL) {
		ev->failed++;	/* out of memory: no unbounded writes */
		return;
	} else if (ce->size == 0)
		need += PCAP_FILE_HDR;	/* libpcap writes it at open */
	/* Room first, before a byte is written (the header included). */
	if (ce->full || evcap_grow(&ev->cap, ce, need, rm_file, ev) == -1) {
		ce->full = true;
		ev->capped++;
		if (f != NULL)
			file_close(ev, f);
		say_cap(ev, 0);
		return;
	}
	if (f == NULL && (f = slot_open(ev, ce, linktype)) == NULL) {
		evcap_resize(&ev->cap, ce, size_on_disk(ev, flow_id));
		ev->failed++;
		return;
	}
	f->used = ++ev->clock;
	pcap_dump((u_char *)f->d, &h, data);
	if (pcap_dump_flush(f->d) == -1) {
		if (!ev->failing++)
			log_warn("writing evidence of flow %" PRIu64, flow_id);
		ev->failed++;
		file_failed(ev, f);
		return;
	}
	ev->failing = 0;
	ev->packets++;
	say_cap(ev, 0);
}

void
evidence_end(struct evidence *ev, uint64_t flow_id)
{
	struct evidence_file *f;

	if ((f = slot_find(ev, flow_id)) != NULL)
		file_close(ev, f);
}

void
evidence_print(const struct evidence *ev, FILE *out)
{
	const struct evcap *ec = &ev->cap;

	if (ev->dir == NULL) {
		fprintf(out, "evidence: not written\n");
		return;
	}
	fprintf(out, "evidence: %s: %zu files, %" PRIu64 " of %" PRIu64
	    " bytes (evidence_max_mb %" PRIu64 "), %" PRIu64 " packets"
	    " written, %" PRIu64 " oldest files removed, %" PRIu64
	    " packets over the limit not written, %" PRIu64 " failed\n",
	    ev->dir, ec->nfiles, ec->used, ec->cap, ec->cap / MIB,
	    ev->packets, ec->removed, ev->capped, ev->failed);
}

void
evidence_fini(struct evidence *ev)
{
	size_t i;

	for (i = 0; i < EVIDENCE_MAX_OPEN; i++)
		file_close(ev, &ev->f[i]);
	for (i = 0; i < EVIDENCE_LINKTYPES; i++) {
		if (ev->dead[i].p != NULL)
			pcap_close(ev->dead[i].p);
		ev->dead[i].p = NULL;
	}
	say_cap(ev, 1);
	evcap_free(&ev->cap);
	free(ev->dir);
	ev->dir = NULL;
}
