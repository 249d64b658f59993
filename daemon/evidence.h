/* evidence.h - evidence pcaps: the first packets of each flagged flow in state_dir/evidence/<flow_id>.pcap. */
#ifndef BUNRI_EVIDENCE_H
#define BUNRI_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include <pcap/pcap.h>

/*
 * The detection engine bounds the packets per flow (monitor.
 * evidence_packets); this bounds the files open at once: the least
 * recently written is closed, and appended to if its flow writes again.
 * Each packet is flushed, so a file is readable while its flow lasts.
 */
#define EVIDENCE_MAX_OPEN	64
#define EVIDENCE_LINKTYPES	4	/* dead handles kept, one per link type */

struct evidence_file {
	uint64_t	 flow_id;
	pcap_dumper_t	*d;
	uint64_t	 used;		/* LRU stamp */
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
};

/* The directory is created (0750) when missing; -1 after logging why. */
int	 evidence_init(struct evidence *, const char *state_dir, int snaplen);
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
