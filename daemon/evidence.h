/* evidence.h - evidence pcaps: the first packets of each flagged flow in state_dir/evidence/<flow_id>.pcap. */
#ifndef BUNRI_EVIDENCE_H
#define BUNRI_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#include <pcap/pcap.h>

#include "evidence_cap.h"

/*
 * The detection engine bounds the packets per flow (monitor.
 * evidence_packets); this bounds the files open at once: the least
 * recently written is closed, and appended to if its flow writes again.
 * Each packet is flushed, so a file is readable while its flow lasts.
 *
 * Disk use is bounded by monitor.evidence_max_mb (lib/evidence_cap.h):
 * before a packet would go past it, the oldest files not open are
 * removed; a flow that cannot fit even so is not written further.  The
 * files already in the directory at start count (oldest by mtime).
 */
#define EVIDENCE_MAX_OPEN	64
#define EVIDENCE_LINKTYPES	4	/* dead handles kept, one per link type */

struct evidence_file {
	uint64_t	 flow_id;
	pcap_dumper_t	*d;
	uint64_t	 used;		/* LRU stamp */
	struct evcap_file *ce;	/* its accounting, pinned while open */
};

struct evidence {
	char		*dir;		/* state_dir/evidence */
	int		 snaplen;
	struct evidence_file f[EVIDENCE_MAX_OPEN];
	struct {
		int	 linktype;
		pcap_t	*p;
	} dead[EVIDENCE_LINKTYPES];
	uint64_t	 clock;
	uint64_t	 packets;	/* written */
	uint64_t	 failed;	/* could not be written */
	int		 failing;	/* said once until a write works again */
	struct evcap	 cap;		/* files on disk, the limit */
	uint64_t	 capped;	/* packets not written: over the limit */
	uint64_t	 said_removed, said_rm_failed, said_capped;	/* logged */
	int64_t		 said_at;	/* monotonic s of the last such log */
};

/*
 * The directory is created (0750) when missing, and its evidence files
 * (<digits>.pcap, regular) are counted; the limit is the default until
 * evidence_set_max().  -1 after logging why.
 */
int	 evidence_init(struct evidence *, const char *state_dir, int snaplen);
/* The limit in bytes (start, reload); older files go at once if over it. */
void	 evidence_set_max(struct evidence *, uint64_t max_bytes);
/* One line for bunrictl status: files, bytes used and limit, removals. */
void	 evidence_print(const struct evidence *, FILE *);
/* Path of a flow's file; the buffer is filled, NULL if too short. */
const char *evidence_path(const struct evidence *, uint64_t flow_id,
	    char *buf, size_t len);
void	 evidence_write(struct evidence *, uint64_t flow_id, int linktype,
	    const struct timeval *, const uint8_t *data, uint32_t caplen,
	    uint32_t wirelen);
/* The flow ended: close its file if open. */
void	 evidence_end(struct evidence *, uint64_t flow_id);
/* Close every file and handle; safe twice. */
void	 evidence_fini(struct evidence *);

#endif
