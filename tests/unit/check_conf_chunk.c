/* check_conf_chunk.c - flows parsed piece by piece give the same model and messages as one parse. */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "conf.h"
#include "conf_fixture.h"
#include "conf_parse.h"

/* Everything a reader sees of a load: messages, counts, and the flows. */
static char *
render(const struct policy *p, struct diags *d)
{
	char *buf = NULL;
	size_t len = 0, i, j;
	FILE *fp;

	ck_assert_ptr_nonnull(fp = open_memstream(&buf, &len));
	diags_sort(d);
	diags_print(d, fp);
	fprintf(fp, "errors %zu warnings %zu dropped %zu\n", d->nerrors,
	    d->nwarnings, d->dropped);
	if (p == NULL) {
		fputs("refused\n", fp);
		fclose(fp);
		return buf;
	}
	fprintf(fp, "zones %zu flows %zu\n", p->nzones, p->nflows);
	for (i = 0; i < p->nflows; i++) {
		const struct flow *f = &p->flows[i];
		char a[128], b[128];

		fprintf(fp, "%zu %s %s %s %d %zu %d %s:%d %d %d %d %d %d %d %s %s"
		    " %d %lld:", f->index, f->id, endpoint_fmt(&f->from, a,
		    sizeof(a)), endpoint_fmt(&f->to, b, sizeof(b)), f->proto,
		    f->nports, f->sanitize, f->loc.file, f->loc.line,
		    f->from_loc.line, f->to_loc.line, f->proto_loc.line,
		    f->ports_loc.line, f->sanitize_loc.line, f->expires_loc.line,
		    f->reason, f->approval ? f->approval : "-", f->has_expires,
		    (long long)f->expires);
		for (j = 0; j < f->nports; j++)
			fprintf(fp, " %u-%u", f->ports[j].lo, f->ports[j].hi);
		fputc('\n', fp);
	}
	fclose(fp);
	return buf;
}

static char *
load_file(const char *path, size_t per)
{
	struct policy *p;
	struct diags d;
	char *out;

	conf_chunk_flows = per;
	diags_init(&d);
	p = conf_load(path, FIX_NOW, &d);
	out = render(p, &d);
	policy_free(p);
	diags_free(&d);
	return out;
}

static char *
load_text(const char *text, size_t per)
{
	struct policy *p;
	struct diags d;
	char *out;

	conf_chunk_flows = per;
	diags_init(&d);
	p = conf_load_string(text, strlen(text), "t.conf", FIX_NOW, &d);
	out = render(p, &d);
	policy_free(p);
	diags_free(&d);
	return out;
}

static const size_t pers[] = { 1, 2, 3, 5, 256 };

static void
same_text(const char *text, const char *what)
{
	char *whole = load_text(text, 0), *cut;
	size_t i;

	for (i = 0; i < sizeof(pers) / sizeof(pers[0]); i++) {
		cut = load_text(text, pers[i]);
		if (strcmp(whole, cut) != 0)
			ck_abort_msg("%s, %zu per piece:\n--- whole\n%s--- "
			    "pieces\n%s", what, pers[i], whole, cut);
		free(cut);
	}
	free(whole);
}

/* Every policy of the corpus, good and bad. */
START_TEST(corpus)
{
	glob_t g;
	char *whole, *cut;
	size_t i, k, n = 0;

	memset(&g, 0, sizeof(g));
	glob("tests/conf/bad/*.conf", 0, NULL, &g);
	glob("tests/conf/good/*.conf", GLOB_APPEND, NULL, &g);
	glob("conf/bunri.conf", GLOB_APPEND, NULL, &g);
	ck_assert_uint_gt(g.gl_pathc, 10);
	for (i = 0; i < g.gl_pathc; i++) {
		whole = load_file(g.gl_pathv[i], 0);
		for (k = 0; k < sizeof(pers) / sizeof(pers[0]); k++) {
			cut = load_file(g.gl_pathv[i], pers[k]);
			if (strcmp(whole, cut) != 0)
				ck_abort_msg("%s, %zu per piece:\n--- whole\n%s"
				    "--- pieces\n%s", g.gl_pathv[i], pers[k],
				    whole, cut);
			free(cut);
			n++;
		}
		free(whole);
	}
	globfree(&g);
	ck_assert_uint_gt(n, 0);
}
END_TEST

/* The example with its flows list rewritten: syntax and model must match. */
static const struct {
	const char	*from, *to, *what;
} edits[] = {
	{ "flows = (", "flows = (", "unchanged" },
	{ "approval = \"R8-007\"; }\n", "approval = \"R8-007\"; },\n",
	    "trailing comma" },
	{ "approval = \"R8-041\"; },", "approval = \"R8-041\"; },,",
	    "double comma" },
	{ "flows = (", "flows = ( ,", "leading comma" },
	{ "flows = (", "flows = ( # a ( , ) \" comment\n /* , ) */",
	    "comments" },
	{ "reason = \"無害化したメール本文の取込み\"",
	    "reason = \"a, ) ( \\\" b\" \" c,\"", "strings with brackets" },
	{ "flows = (", "flows :\n (", "colon and a newline" },
	{ "flows = (", "flows = [", "array of groups" },
	{ "flows = (", "flows = ( \"x\", 42,", "elements not groups" },
	{ "from = \"internet:sanitizer\"", "from = \"internet:nosuch\"",
	    "unknown host" },
	{ "from = \"lgwan:vdi-client\"", "from = \"lgwen:vdi-client\"",
	    "unknown zone" },
	{ "sanitize = \"mail-text\"; ", "", "rule 4" },
	{ "proto = \"tcp\"; ports = [ 3389 ];", "proto = \"tcp\" ports = [ ];",
	    "empty ports" },
	{ "id = \"F-010\";", "id = \"F-010\"; id = \"F-011\";",
	    "duplicate key" },
	{ "id = \"F-010\";", "id = \"F-001\";", "duplicate id" },
	{ "ports = [ 443 ];", "ports = [ 443 ]; };", "extra brace" },
	{ "monitor = {", "flows = ( );\nmonitor = {", "second flows" },
	{ "rate_limit = 100;", "rate_limit = 100", "syntax after flows" },
	{ "flows = (", "xflows = 1; flows = (", "a name ending in flows" },
	{ "flows = (", "flows = (\n);\nflows2 = (", "empty list first" },
	{ "approval = \"R8-007\"; }\n);", "approval = \"R8-007\"; }\n",
	    "unterminated" },
};

START_TEST(edited)
{
	char *t = subst(EXAMPLE, edits[_i].from, edits[_i].to);

	same_text(t, edits[_i].what);
	free(t);
}
END_TEST

/* Many flows, with bad ones on and around the cuts. */
START_TEST(many)
{
	static const char *const bad[] = {
		"from = \"lgwan:nosuch\"", "proto = \"icmp\"",
		"ports = [ 0 ]", "sanitize = \"none\"", "x = 1",
	};
	char *text, *p;
	size_t i, cap = 64 * 1024, off;

	ck_assert_ptr_nonnull(text = malloc(cap));
	p = strstr(EXAMPLE, "flows = (");
	off = (size_t)(p - EXAMPLE);
	memcpy(text, EXAMPLE, off);
	off += (size_t)snprintf(text + off, cap - off, "flows = (\n");
	for (i = 0; i < 60; i++)
		off += (size_t)snprintf(text + off, cap - off,
		    "%s{ id = \"G-%zu\"; from = \"lgwan:mail-gw\"; to = "
		    "\"mgmt:noc\"; proto = \"tcp\"; ports = [ %zu ]; %s%s "
		    "reason = \"r\"; }%s", i ? "," : "", i, 1000 + i,
		    i % 7 == 3 ? bad[i % 5] : "", i % 7 == 3 ? ";" : "",
		    i % 4 == 0 ? "\n" : " ");
	p = strstr(EXAMPLE, "\n);\n\nmonitor");
	ck_assert_ptr_nonnull(p);
	off += (size_t)snprintf(text + off, cap - off, "%s", p);
	same_text(text, "60 flows");
	free(text);
}
END_TEST

/*
 * The example mutated at random (fixed seed) around and in its flows:
 * commas, brackets, quotes, comments, names.  Whatever libconfig makes of
 * each text, whole or in pieces of 1-3 flows must read the same.
 */
static const char *const muts[] = {
	",", ",,", "(", ")", "{", "}", "[", "]", ";", "\"", "#", "/*", "*/",
	"//", "\n", " ", "flows", "=", ":", "x", "1", "\\", "\"a,b\"",
	"{ id = \"Z\"; },",
};

static unsigned long
lcg(unsigned long *s)
{
	*s = *s * 6364136223846793005ul + 1442695040888963407ul;
	return *s >> 33;
}

START_TEST(mutated)
{
	size_t base = strlen(EXAMPLE), len, pos, lo, hi, dl, tl, per;
	unsigned long seed = 1;
	char *buf, *fl, *mon, *whole, *cut;
	int it, m, nm, valid = 0;

	ck_assert_ptr_nonnull(buf = malloc(base + 1024));
	for (it = 0; it < 1500; it++) {
		memcpy(buf, EXAMPLE, base + 1);
		len = base;
		nm = 1 + (int)(lcg(&seed) % 3);
		for (m = 0; m < nm; m++) {
			fl = strstr(buf, "flows = (");
			lo = fl != NULL ? (size_t)(fl - buf) : 0;
			mon = strstr(buf, "\nmonitor");
			hi = mon != NULL && lcg(&seed) % 4 ? (size_t)(mon - buf) :
			    len;
			if (hi < lo)
				hi = len;
			pos = lo + lcg(&seed) % (hi - lo + 1);
			if (lcg(&seed) % 3 == 0 && pos < len) {
				dl = 1 + lcg(&seed) % 4;
				if (pos + dl > len)
					dl = len - pos;
				memmove(buf + pos, buf + pos + dl, len - pos - dl + 1);
				len -= dl;
			} else {
				const char *t = muts[lcg(&seed) %
				    (sizeof(muts) / sizeof(muts[0]))];

				tl = strlen(t);
				memmove(buf + pos + tl, buf + pos, len - pos + 1);
				memcpy(buf + pos, t, tl);
				len += tl;
			}
		}
		whole = load_text(buf, 0);
		valid += strstr(whole, "\nrefused\n") == NULL;
		for (per = 1; per <= 3; per++) {
			cut = load_text(buf, per);
			if (strcmp(whole, cut) != 0)
				ck_abort_msg("mutation %d, %zu per piece:\n%s\n--- "
				    "whole\n%s--- pieces\n%s", it, per, buf, whole,
				    cut);
			free(cut);
		}
		free(whole);
	}
	free(buf);
	/* Some texts must have stayed valid, or little was compared. */
	ck_assert_int_gt(valid, 50);
}
END_TEST

/* And the pieces are really used: the cuts, their lines, each parses. */
START_TEST(pieces)
{
	struct conf_text t;
	struct pchunks ch, ch2;
	struct diags d;
	config_setting_t *l;
	config_t cf;
	size_t k, n = 0;

	diags_init(&d);
	ck_assert_int_eq(conf_read_mem(EXAMPLE, strlen(EXAMPLE), "t.conf", &t,
	    &d), 0);
	ck_assert_int_eq(pch_split(&t, 2, &ch), 0);
	ck_assert_uint_eq(ch.n, 2);
	ck_assert_uint_eq(ch.ncommas, 2);
	ck_assert_int_eq(t.buf[ch.open], '(');
	ck_assert_int_eq(t.buf[ch.close], ')');
	ck_assert_int_eq(ch.line[0], line_of(EXAMPLE, "flows = ("));
	ck_assert_int_eq(ch.line[1], line_of(EXAMPLE, "approval = \"R8-042\""));
	ck_assert_int_eq(ch.line[2], line_of(EXAMPLE, "\n);\n\nmonitor") + 1);
	/* the rest keeps its lines */
	ck_assert_uint_eq(strlen(ch.head), t.len - (ch.close - ch.open - 1) +
	    (size_t)(ch.line[2] - ch.line[0]));
	ck_assert_ptr_nonnull(strstr(ch.head, "flows = (\n\n"));
	for (k = 0; k < ch.n; k++) {
		config_init(&cf);
		ck_assert_ptr_nonnull(l = pch_parse(&ch, k, &cf));
		n += (size_t)config_setting_length(l);
		config_destroy(&cf);
	}
	ck_assert_uint_eq(n, 3);
	pch_free(&ch);
	ck_assert_int_eq(pch_split(&t, 0, &ch), 1);
	conf_text_free(&t);

	/* The structure check cut it already, where pch_split's scan does. */
	conf_chunk_flows = 2;
	ck_assert_int_eq(conf_read_mem(EXAMPLE, strlen(EXAMPLE), "t.conf", &t,
	    &d), 0);
	ck_assert_uint_eq(t.fl_per, 2);
	ck_assert_uint_eq(t.fl_ncut, 3);
	ck_assert_uint_eq(t.fl_ncommas, 2);
	ck_assert_int_eq(pch_split(&t, 2, &ch), 0);
	t.fl_per = 0;		/* now pch_split must scan itself */
	ck_assert_int_eq(pch_split(&t, 2, &ch2), 0);
	ck_assert_uint_eq(ch.n, ch2.n);
	ck_assert_uint_eq(ch.ncommas, ch2.ncommas);
	ck_assert_mem_eq(ch.cut, ch2.cut, (ch.n + 1) * sizeof(*ch.cut));
	ck_assert_mem_eq(ch.line, ch2.line, (ch.n + 1) * sizeof(*ch.line));
	ck_assert_str_eq(ch.head, ch2.head);
	pch_free(&ch);
	pch_free(&ch2);
	conf_text_free(&t);
	/* not cut when not asked to */
	conf_chunk_flows = 0;
	ck_assert_int_eq(conf_read_mem(EXAMPLE, strlen(EXAMPLE), "t.conf", &t,
	    &d), 0);
	ck_assert_uint_eq(t.fl_per, 0);
	ck_assert_ptr_null(t.fl_cut);
	conf_text_free(&t);
	diags_free(&d);
}
END_TEST

static Suite *
conf_chunk_suite(void)
{
	Suite *s = suite_create("conf_chunk");
	TCase *tc = tcase_create("pieces");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, corpus);
	tcase_add_loop_test(tc, edited, 0, sizeof(edits) / sizeof(edits[0]));
	tcase_add_test(tc, many);
	tcase_add_test(tc, pieces);
	tcase_add_test(tc, mutated);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(conf_chunk_suite)
