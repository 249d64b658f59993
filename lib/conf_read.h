/* conf_read.h - reading a policy file safely: limits, @include expansion, line map. */
#ifndef BUNRI_CONF_READ_H
#define BUNRI_CONF_READ_H

#include <stddef.h>

#include "diag.h"

/*
 * libconfig must never see hostile input it cannot survive: it exits on
 * `@include "."` and its bison parser overflows on deep nesting.  So the
 * reader checks the bytes (size, NUL, UTF-8, nesting, settings per group)
 * and expands @include itself; libconfig then parses one combined text.
 */

/* More settings than this in one group is garbage, not a policy. */
#define CONF_MAX_GROUP_KEYS	1000

/* Lines from cline on (of the combined text) come from files[file] at fline. */
struct conf_seg {
	int		 cline;
	int		 fline;
	size_t		 file;
};

struct conf_text {
	char		*buf;		/* NUL-terminated, includes expanded */
	size_t		 len;
	size_t		 cap;
	char	       **files;		/* names as shown in messages; main first */
	size_t		 nfiles;
	struct conf_seg	*segs;		/* sorted by cline */
	size_t		 nsegs;
	size_t		 segcap;
	int		 nlines;	/* complete lines in buf so far */
	/*
	 * The top-level flows list as the structure check found it, cut for
	 * conf_chunk.c every fl_per elements: its '(', the commas cut at,
	 * its ')'.  fl_per 0: not found, or not to be cut.
	 */
	size_t		 fl_per;
	size_t		*fl_cut;
	size_t		 fl_ncut;
	size_t		 fl_ncommas;
};

/* Elements per piece of the flows list (conf_chunk.c); 0 never cuts. */
extern size_t	 conf_chunk_flows;

/*
 * Read `path` and the files it @includes into t.  Returns 0, or -1 with
 * the reasons in d (t is then still to be freed).
 */
int	 conf_read_file(const char *path, struct conf_text *t, struct diags *d);
/* The same for text in memory; an @include there is an error. */
int	 conf_read_mem(const char *text, size_t len, const char *name,
	    struct conf_text *t, struct diags *d);
void	 conf_text_free(struct conf_text *);
/*
 * Map a line of the combined text back to its file (index into t->files)
 * and line there.  Line 0 or less maps to the main file, line 0.
 */
void	 conf_text_where(const struct conf_text *, int cline, size_t *file,
	    int *fline);

#endif
