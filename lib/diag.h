/* diag.h - collected configuration errors and warnings, each with file:line. */
#ifndef BUNRI_DIAG_H
#define BUNRI_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_sev {
	DIAG_ERROR,
	DIAG_WARNING,
};

struct diag {
	enum diag_sev	 sev;
	char		*file;		/* owned copy */
	int		 line;		/* 0: no line (whole file) */
	char		*msg;		/* "SETTING: what is wrong; what would be right" */
};

/*
 * A bounded list: after DIAG_MAX entries further ones are only counted,
 * so a 10 MiB file of garbage cannot make a million messages.
 */
#define DIAG_MAX	200

struct diags {
	struct diag	*v;
	size_t		 n;
	size_t		 cap;
	size_t		 nerrors;	/* all errors, kept or not */
	size_t		 nwarnings;
	size_t		 dropped;	/* not kept because of DIAG_MAX */
};

void	 diags_init(struct diags *);
void	 diags_free(struct diags *);
/* file may be NULL ("-"); line 0 prints "FILE: ..." without a line. */
void	 diag_add(struct diags *, enum diag_sev, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void	 diag_vadd(struct diags *, enum diag_sev, const char *file, int line,
	    const char *fmt, va_list);
/* Sort by file order then line (stable), so output reads top to bottom. */
void	 diags_sort(struct diags *);
/* One line per entry: "FILE:LINE: error: MSG\n", then a "... N more" line. */
void	 diags_print(const struct diags *, FILE *);
bool	 diags_has_errors(const struct diags *);
/* Does any kept message contain this text?  For tests. */
bool	 diags_contain(const struct diags *, enum diag_sev, const char *needle);

#endif
