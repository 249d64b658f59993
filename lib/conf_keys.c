/* conf_keys.c - unknown settings and "did you mean": a typo must never pass silently. */
#include <stdio.h>
#include <string.h>

#include "conf_parse.h"

#define LEV_MAX	64	/* longer words get no suggestion */

/* Edit distance (insert, delete, substitute); words of at most LEV_MAX. */
static size_t
lev(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, cur, tmp;
	size_t row[LEV_MAX + 1];

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < cur)
				cur = row[j] + 1;
			if (row[j - 1] + 1 < cur)
				cur = row[j - 1] + 1;
			tmp = row[j];
			row[j] = cur;
			prev = tmp;
		}
	}
	return row[lb];
}

/*
 * The closest candidate within edit distance 2, else the one sharing the
 * longest start (at least 3 letters, all but 2 of the shorter word); NULL
 * when nothing is close, so we never suggest nonsense.
 */
const char *
pc_suggest(const char *word, const char *const cands[], size_t n)
{
	const char *best = NULL;
	size_t i, dist, bestd = 3, lw = strlen(word), lc, m, cp;

	if (lw == 0 || lw > LEV_MAX)
		return NULL;
	for (i = 0; i < n; i++) {
		if (cands[i] == NULL || (lc = strlen(cands[i])) > LEV_MAX)
			continue;
		dist = lev(word, cands[i]);
		if (dist < bestd) {
			bestd = dist;
			best = cands[i];
		}
	}
	if (best != NULL)
		return best;
	/* "enforcing" -> "enforce": a long shared start is close enough. */
	bestd = 0;
	for (i = 0; i < n; i++) {
		if (cands[i] == NULL)
			continue;
		lc = strlen(cands[i]);
		m = lw < lc ? lw : lc;
		for (cp = 0; cp < m && word[cp] == cands[i][cp]; cp++)
			;
		if (cp >= 3 && cp + 2 >= m && cp > bestd) {
			bestd = cp;
			best = cands[i];
		}
	}
	return best;
}

void
pc_namelist(char *buf, size_t len, const char *const *names, size_t n)
{
	size_t i, shown = 0, off = 0;
	int w;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		if (names[i] == NULL)
			continue;
		if (shown == 8) {
			snprintf(buf + off, len - off, ", ...");
			return;
		}
		w = snprintf(buf + off, len - off, "%s\"%s\"",
		    shown ? ", " : "", names[i]);
		if (w < 0)
			return;
		off += (size_t)w;
		shown++;
	}
}

void
pc_keys(struct pctx *c, const config_setting_t *g, const char *gpath,
    const char *const keys[])
{
	const config_setting_t *m;
	const char *name, *sugg;
	size_t nkeys, k;
	int i, n;
	bool cached;

	for (nkeys = 0; keys[nkeys] != NULL; nkeys++)
		;
	cached = pc_group(c, g);
	n = cached ? c->mn : config_setting_length(g);
	for (i = 0; i < n; i++) {
		if (cached) {
			m = c->mset[i];
			name = c->mname[i][0] != '\0' ? c->mname[i] : NULL;
		} else {
			m = config_setting_get_elem(g, (unsigned)i);
			name = config_setting_name(m);
		}
		if (name == NULL)
			continue;
		for (k = 0; k < nkeys; k++)
			if (name[0] == keys[k][0] && strcmp(name, keys[k]) == 0)
				break;
		if (k < nkeys)
			continue;
		sugg = pc_suggest(name, keys, nkeys);
		if (gpath[0] == '\0' && sugg != NULL)
			pc_err(c, m, "unknown setting \"%s\" (did you mean "
			    "\"%s\"?)", name, sugg);
		else if (gpath[0] == '\0')
			pc_err(c, m, "unknown setting \"%s\"; remove it or "
			    "see bunri.conf(5)", name);
		else if (sugg != NULL)
			pc_err(c, m, "unknown setting \"%s\" in %s (did you "
			    "mean \"%s\"?)", name, gpath, sugg);
		else
			pc_err(c, m, "unknown setting \"%s\" in %s; remove it "
			    "or see bunri.conf(5)", name, gpath);
	}
}
