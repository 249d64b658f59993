/* evidence_cap.h - the disk budget of the evidence pcaps: which files there are, their sizes, which goes first. */
#ifndef BUNRI_EVIDENCE_CAP_H
#define BUNRI_EVIDENCE_CAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The accounting behind monitor.evidence_max_mb, without any I/O: the
 * daemon tells it what is on disk (a scan at start, every packet written)
 * and it says what to remove, oldest first, through a callback.
 *
 * Order: a file is as old as its last write (its mtime), ties broken by
 * flow id; every write moves it to the newest end.  A file is charged its
 * size rounded up to the filesystem's allocation unit, so the cap bounds
 * what the files take on disk, not only their bytes.  Files open for
 * writing are never removed.  Each operation is O(1) amortised: a file is
 * removed once, and the walk over open files at the old end is bounded by
 * the number of files the daemon keeps open.  About 64 bytes of memory
 * per file kept.
 */
struct evcap_file {
	uint64_t	 flow_id;
	uint64_t	 size;		/* bytes in the file */
	struct evcap_file *older, *newer;
	struct evcap_file *hnext;	/* hash chain */
	bool		 open;		/* being written: never removed */
	bool		 full;		/* did not fit: no more writes */
};

struct evcap {
	uint64_t	 cap;		/* bytes; charges never exceed it */
	uint64_t	 unit;		/* allocation unit, a power of two */
	uint64_t	 used;		/* sum of the charges */
	uint64_t	 used_open;	/* of the open files */
	size_t		 nfiles;
	struct evcap_file *oldest, *newest;
	struct evcap_file **bucket;
	size_t		 nbucket;	/* a power of two, or 0 */
	uint64_t	 removed;	/* files (not empty) removed for the cap */
	uint64_t	 removed_bytes;
	uint64_t	 rm_failed;	/* removals the callback said failed */
};

/* One file found by the start-up scan. */
struct evcap_seen {
	uint64_t	 flow_id;
	uint64_t	 size;
	int64_t		 mtime_sec;
	long		 mtime_nsec;
};

/*
 * Removes the evidence file of flow_id; 0 when it is gone (or was not
 * there), -1 when it could not be removed (it is no longer counted
 * either way: one stuck file must not stop the others).
 */
typedef int	 evcap_rm_fn(uint64_t flow_id, void *arg);

/* unit: rounded up to a power of two in 1 .. 1 MiB. */
void	 evcap_init(struct evcap *, uint64_t cap, uint64_t unit);
void	 evcap_free(struct evcap *);
/* What a file of size bytes is charged. */
uint64_t evcap_charge(const struct evcap *, uint64_t size);
/*
 * The flow id of an evidence file name "<digits>.pcap" as evidence.c
 * writes it (decimal, no sign, no leading zero, below 2^64); -1 for any
 * other name.
 */
int	 evcap_name(const char *name, uint64_t *flow_id);
/*
 * The start-up scan: the files in seen (reordered, oldest first) are
 * added in that order; a flow id already known is skipped.  -1 when out
 * of memory (what was added stays).
 */
int	 evcap_load(struct evcap *, struct evcap_seen *seen, size_t n);
struct evcap_file *evcap_find(const struct evcap *, uint64_t flow_id);
/* A file not known yet, newest; NULL when out of memory. */
struct evcap_file *evcap_add(struct evcap *, uint64_t flow_id, uint64_t size);
/*
 * Make room for f to grow by add bytes, then grow it and make it the
 * newest.  Oldest first, files neither open nor f are removed through rm
 * until the charges fit under the cap.  -1 when they cannot (the open
 * files and f would not fit even alone): nothing is removed then, and
 * nothing grows.
 */
int	 evcap_grow(struct evcap *, struct evcap_file *f, uint64_t add,
	    evcap_rm_fn *rm, void *arg);
/* The daemon opened (true) or closed f. */
void	 evcap_open(struct evcap *, struct evcap_file *f, bool open);
/* The file's size as found on disk (a reopened file, a failed write). */
void	 evcap_resize(struct evcap *, struct evcap_file *f, uint64_t size);
/* A new cap (a reload): the oldest files not open are removed until it fits (or none is left). */
void	 evcap_set_cap(struct evcap *, uint64_t cap, evcap_rm_fn *rm,
	    void *arg);
/* Forget f (its file was removed by someone else); f is freed. */
void	 evcap_forget(struct evcap *, struct evcap_file *f);

#endif
