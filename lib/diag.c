/* diag.c - a bounded list of configuration errors and warnings, printed file:line first. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void
diags_init(struct diags *d)
{
	memset(d, 0, sizeof(*d));
}

void
diags_free(struct diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	diags_init(d);
}

void
diag_add(struct diags *d, enum diag_sev sev, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, sev, file, line, fmt, ap);
	va_end(ap);
}

/*
 * Out of memory while collecting messages only loses the text: the counts
 * stay right, so an error is never forgotten and the policy is refused.
 */
void
diag_vadd(struct diags *d, enum diag_sev sev, const char *file, int line,
    const char *fmt, va_list ap)
{
	struct diag *e;
	char *msg = NULL, *f = NULL;

	if (sev == DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
	if (d->n >= DIAG_MAX) {
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct diag *v;

		if (cap > DIAG_MAX)
			cap = DIAG_MAX;
		if ((v = reallocarray(d->v, cap, sizeof(*v))) == NULL) {
			d->dropped++;
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	if (vasprintf(&msg, fmt, ap) == -1 ||
	    (file != NULL && (f = strdup(file)) == NULL)) {
		free(msg);
		d->dropped++;
		return;
	}
	e = &d->v[d->n++];
	e->sev = sev;
	e->file = f;
	e->line = line < 0 ? 0 : line;
	e->msg = msg;
}

/* Key of one entry: rank of its file by first appearance, then line. */
struct diag_key {
	size_t		 frank;
	int		 line;
	size_t		 pos;
};

static int
key_cmp(const void *x, const void *y)
{
	const struct diag_key *a = x, *b = y;

	if (a->frank != b->frank)
		return a->frank < b->frank ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	/* qsort is not stable: the position keeps equal keys in order. */
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static bool
same_file(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

void
diags_sort(struct diags *d)
{
	struct diag_key *k;
	struct diag *v;
	size_t i, j;

	if (d->n < 2)
		return;
	k = calloc(d->n, sizeof(*k));
	v = calloc(d->n, sizeof(*v));
	if (k == NULL || v == NULL)
		goto out;	/* unsorted output is still correct output */
	/* At most DIAG_MAX entries, so the quadratic file ranking is cheap. */
	for (i = 0; i < d->n; i++) {
		for (j = 0; j < i; j++)
			if (same_file(d->v[j].file, d->v[i].file))
				break;
		k[i].frank = j < i ? k[j].frank : i;
		k[i].line = d->v[i].line;
		k[i].pos = i;
	}
	qsort(k, d->n, sizeof(*k), key_cmp);
	for (i = 0; i < d->n; i++)
		v[i] = d->v[k[i].pos];
	memcpy(d->v, v, d->n * sizeof(*v));
out:
	free(k);
	free(v);
}

static const char *
sev_name(enum diag_sev sev)
{
	return sev == DIAG_ERROR ? "error" : "warning";
}

static void
print_prefix(FILE *fp, const char *file, int line)
{
	if (line > 0)
		fprintf(fp, "%s:%d: ", file ? file : "-", line);
	else
		fprintf(fp, "%s: ", file ? file : "-");
}

void
diags_print(const struct diags *d, FILE *fp)
{
	const char *file = NULL;
	size_t i;

	for (i = 0; i < d->n; i++) {
		print_prefix(fp, d->v[i].file, d->v[i].line);
		fprintf(fp, "%s: %s\n", sev_name(d->v[i].sev), d->v[i].msg);
	}
	if (d->dropped == 0)
		return;
	if (d->n > 0)
		file = d->v[d->n - 1].file;
	print_prefix(fp, file, 0);
	fprintf(fp, "%s: %zu more message%s not shown (%zu error%s, "
	    "%zu warning%s in all); fix the ones above first\n",
	    d->nerrors > 0 ? "error" : "warning",
	    d->dropped, d->dropped == 1 ? "" : "s",
	    d->nerrors, d->nerrors == 1 ? "" : "s",
	    d->nwarnings, d->nwarnings == 1 ? "" : "s");
}

bool
diags_has_errors(const struct diags *d)
{
	return d->nerrors > 0;
}

bool
diags_contain(const struct diags *d, enum diag_sev sev, const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == sev && strstr(d->v[i].msg, needle) != NULL)
			return true;
	return false;
}
