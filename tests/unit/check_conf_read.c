/* check_conf_read.c - hostile policy files and @include: clear errors, never exit, crash or hang. */
#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "check_main.h"
#include "conf.h"
#include "conf_fixture.h"

static char dir[64];
static char sub[128];		/* the policy directory, inside dir */

static void
setup(void)
{
	strcpy(dir, "/tmp/bunri-conf-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/etc", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* Write a file in the policy directory; returns its path (static). */
static const char *
put(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", sub, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

static const char *
puts_(const char *name, const char *text)
{
	return put(name, text, strlen(text));
}

/* Loading must fail with msg at line, in a file whose name ends in fend. */
static void
expect_file_error(const char *path, const char *msg, int line,
    const char *fend)
{
	struct diags d;
	struct policy *p;
	int i;
	size_t fl, el;

	diags_init(&d);
	p = conf_load(path, FIX_NOW, &d);
	i = diag_find(&d, DIAG_ERROR, msg);
	if (p != NULL || i < 0)
		dump_diags(&d);
	ck_assert_ptr_null(p);
	ck_assert_msg(i >= 0, "no error containing: %s", msg);
	ck_assert_int_eq(d.v[i].line, line);
	fl = strlen(d.v[i].file);
	el = strlen(fend);
	ck_assert_msg(fl >= el && strcmp(d.v[i].file + fl - el, fend) == 0,
	    "error in %s, expected ...%s", d.v[i].file, fend);
	ck_assert_uint_le(d.n, DIAG_MAX);
	diags_free(&d);
}

START_TEST(file_loads_and_hashes)
{
	struct diags d;
	struct policy *p;
	uint8_t want[32];
	const char *path = puts_("bunri.conf", EXAMPLE);

	diags_init(&d);
	p = conf_load(path, FIX_NOW, &d);
	if (p == NULL)
		dump_diags(&d);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nfiles, 1);
	ck_assert_str_eq(p->files[0], path);
	ck_assert_int_ge(sodium_init(), 0);
	crypto_hash_sha256(want, (const unsigned char *)EXAMPLE,
	    strlen(EXAMPLE));
	ck_assert_mem_eq(p->sha256, want, 32);
	policy_free(p);
	diags_free(&d);
}
END_TEST

START_TEST(not_a_file)
{
	char path[256];

	expect_file_error(sub, "is a directory; expected a policy file", 0,
	    "/etc");
	snprintf(path, sizeof(path), "%s/missing.conf", sub);
	expect_file_error(path, "cannot open: No such file or directory", 0,
	    "missing.conf");
	/* A FIFO must not block the reader. */
	snprintf(path, sizeof(path), "%s/fifo.conf", sub);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	expect_file_error(path, "is not a regular file; expected a policy "
	    "file", 0, "fifo.conf");
}
END_TEST

START_TEST(nul_and_utf8)
{
	static const char nul[] = "version = 1;\n# x\nfoo\0bar\n";
	static const char bad[] = "version = 1;\nname = \"\xc3\x28\";\n";
	static const char over[] = "# \xc0\xaf\n";

	expect_file_error(put("nul.conf", nul, sizeof(nul) - 1),
	    "NUL byte in the file; a policy is plain text", 3, "nul.conf");
	expect_file_error(put("utf.conf", bad, sizeof(bad) - 1),
	    "invalid UTF-8 (byte 0xc3); save the file as UTF-8", 2,
	    "utf.conf");
	expect_file_error(put("over.conf", over, sizeof(over) - 1),
	    "invalid UTF-8 (byte 0xc0)", 1, "over.conf");
}
END_TEST

START_TEST(random_bytes)
{
	size_t n = 10u << 20, i;
	unsigned char *b = malloc(n);
	struct diags d;

	ck_assert_ptr_nonnull(b);
	srandom(42);
	for (i = 0; i < n; i++)
		b[i] = (unsigned char)random();
	diags_init(&d);
	ck_assert_ptr_null(conf_load(put("rnd.conf", b, n), FIX_NOW, &d));
	ck_assert(diags_has_errors(&d));
	ck_assert_uint_le(d.n, DIAG_MAX);
	diags_free(&d);
	/* The same without NUL bytes and with ASCII only: libconfig's turn. */
	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(' ' + random() % 95);
	diags_init(&d);
	ck_assert_ptr_null(conf_load(put("asc.conf", b, n), FIX_NOW, &d));
	ck_assert(diags_has_errors(&d));
	ck_assert_uint_le(d.n, DIAG_MAX);
	diags_free(&d);
	free(b);
}
END_TEST

START_TEST(many_settings)
{
	size_t n = 10u << 20, i;
	char *b = malloc(n);
	time_t t0 = time(NULL);

	ck_assert_ptr_nonnull(b);
	for (i = 0; i + 7 <= n; i += 7)
		memcpy(b + i, "a = 1;\n", 7);
	expect_file_error(put("many.conf", b, i), "more than 1000 settings "
	    "in one group", 1001, "many.conf");
	/* distinct names would make libconfig quadratic; same limit */
	b[0] = '\0';
	for (i = 0; i < 2000; i++)
		sprintf(b + i * 15, "k%08zu = 1;\n", i);
	expect_file_error(puts_("keys.conf", b), "more than 1000 settings",
	    1001, "keys.conf");
	ck_assert_int_lt(time(NULL) - t0, 10);
	free(b);
}
END_TEST

START_TEST(too_large)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/big.conf", sub);
	ck_assert_int_ge(fd = open(path, O_WRONLY | O_CREAT, 0600), 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)CONF_MAX_SIZE + 1), 0);
	close(fd);
	expect_file_error(path, "too large (67108865 bytes); a policy with "
	    "its includes may be at most 64 MiB", 0, "big.conf");
}
END_TEST

START_TEST(deep_nesting)
{
	size_t n = 10000, i;
	char *b = malloc(n + 16);

	ck_assert_ptr_nonnull(b);
	strcpy(b, "a = ");
	for (i = 0; i < n; i++)
		b[4 + i] = '(';
	b[4 + n] = '\0';
	expect_file_error(puts_("deep.conf", b), "nesting deeper than 32 "
	    "levels", 1, "deep.conf");
	free(b);
}
END_TEST

/* Brackets, '=' and @include inside strings and comments do not count. */
START_TEST(lexer_skips_strings_and_comments)
{
	struct diags d;
	struct policy *p;
	char *t, *u;

	t = subst(EXAMPLE, "version = 1;", "version = 1; # (((((((((((((((("
	    "((((((((((((((((((((((((((\n/* {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"
	    "{{{{\n@include \"x.conf\" */ // [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
	u = subst(t, "description = \"マイナンバー利用事務系\"",
	    "description = \"\\\"((((((((((((((((((((((((((((((((((((((((\n"
	    "@include \\\"y.conf\\\"\"");
	diags_init(&d);
	p = conf_load(puts_("lex.conf", u), FIX_NOW, &d);
	if (p == NULL)
		dump_diags(&d);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p->zones[0].description, "@include"));
	policy_free(p);
	diags_free(&d);
	free(t);
	free(u);
}
END_TEST

START_TEST(include_hostile)
{
	char path[256], link[256];
	const char *m;

	m = puts_("dot.conf", "version = 1;\n@include \".\"\n");
	expect_file_error(m, "@include \".\": ", 2, "dot.conf");
	expect_file_error(m, "is a directory; expected a policy file", 2,
	    "dot.conf");
	m = puts_("etc.conf", "version = 1;\n\n  @include \"/etc\"\n");
	expect_file_error(m, "@include \"/etc\": \"/etc\" is a directory", 3,
	    "etc.conf");
	m = puts_("self.conf", "version = 1;\n@include \"self.conf\"\n");
	expect_file_error(m, "@include \"self.conf\": ", 2, "self.conf");
	expect_file_error(m, "is already being read", 2, "self.conf");
	puts_("a.conf", "x = 1;\n@include \"b.conf\"\n");
	puts_("b.conf", "y = 2;\n\n@include \"a.conf\"\n");
	m = puts_("cyc.conf", "@include \"a.conf\"\n");
	expect_file_error(m, "@include \"a.conf\": ", 3, "b.conf");
	snprintf(path, sizeof(path), "%s/outside.conf", dir);
	put("../outside.conf", "x = 1;\n", 7);
	m = puts_("out.conf", "version = 1;\n@include \"../outside.conf\"\n");
	expect_file_error(m, "is outside the policy's directory", 2, "out.conf");
	snprintf(link, sizeof(link), "%s/link.conf", sub);
	ck_assert_int_eq(symlink(path, link), 0);
	m = puts_("ln.conf", "@include \"link.conf\"\n");
	expect_file_error(m, "is outside the policy's directory", 1, "ln.conf");
	m = puts_("no.conf", "@include \"none.conf\"\n");
	expect_file_error(m, "@include \"none.conf\": cannot open", 1,
	    "no.conf");
	m = puts_("bad.conf", "@include none.conf\n");
	expect_file_error(m, "@include: malformed; expected @include \"file\"",
	    1, "bad.conf");
	m = puts_("tail.conf", "@include \"a.conf\"; x = 1;\n");
	expect_file_error(m, "text after the file name", 1, "tail.conf");
	puts_("open.conf", "x = 1;\n/* never closed\n");
	m = puts_("oc.conf", "@include \"open.conf\"\ny = 1;\n");
	expect_file_error(m, "file ends inside a comment", 2, "open.conf");
}
END_TEST

START_TEST(include_depth)
{
	char name[256], text[64];
	int i;

	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "d%d.conf", i);
		snprintf(text, sizeof(text), "@include \"d%d.conf\"\n", i + 1);
		puts_(name, text);
	}
	puts_("d12.conf", "x = 1;\n");
	snprintf(name, sizeof(name), "%s/d0.conf", sub);
	expect_file_error(name, "includes nested deeper than 8", 1, "d8.conf");
}
END_TEST

/* A real include: expanded in place, messages and locations map back. */
START_TEST(include_works)
{
	struct diags d;
	struct policy *p;
	char *main_text, *zones, *t;
	const char *zs = strstr(EXAMPLE, "zones = (");
	const char *fl = strstr(EXAMPLE, "flows = (");
	const char *path;

	ck_assert_ptr_nonnull(zs);
	ck_assert_ptr_nonnull(fl);
	ck_assert(asprintf(&zones, "# zones of the city\n%.*s",
	    (int)(fl - zs), zs) != -1);
	ck_assert(asprintf(&main_text, "%.*s@include \"zones.conf\"\n"
	    "/*\n@include \"commented.conf\"\n*/\n%s", (int)(zs - EXAMPLE),
	    EXAMPLE, fl) != -1);
	/* zones.conf without its last newline */
	zones[strlen(zones) - 1] = '\0';
	puts_("zones.conf", zones);
	path = puts_("bunri.conf", main_text);
	diags_init(&d);
	p = conf_load(path, FIX_NOW, &d);
	if (p == NULL)
		dump_diags(&d);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nfiles, 2);
	ck_assert_ptr_eq(p->zones[0].loc.file, p->files[1]);
	ck_assert_int_eq(p->zones[0].loc.line, line_of(zones,
	    "{ name = \"mynumber\""));
	ck_assert_ptr_eq(p->flows[0].loc.file, p->files[0]);
	ck_assert_int_eq(p->flows[0].loc.line, line_of(main_text,
	    "id = \"F-001\""));
	ck_assert_int_eq(p->gw.loc.line, line_of(main_text, "gateway = {"));
	policy_free(p);
	diags_free(&d);
	/* An error inside the included file names it and its line. */
	t = subst(zones, "\"02:00:00:00:10:0a\"", "\"02:00:00:00:10:0g\"");
	puts_("zones.conf", t);
	path = puts_("bunri.conf", main_text);
	expect_file_error(path, "zones[0].hosts[0].mac: \"02:00:00:00:10:0g\"",
	    line_of(t, "0g"), "/etc/zones.conf");
	free(t);
	/* A syntax error too. */
	t = subst(zones, "kind = \"lgwan\";", "kind = ;");
	puts_("zones.conf", t);
	expect_file_error(path, "syntax error", line_of(t, "kind = ;"),
	    "/etc/zones.conf");
	free(t);
	free(zones);
	free(main_text);
}
END_TEST

START_TEST(string_refuses_include)
{
	static const char text[] = "version = 1;\n@include \"x.conf\"\n";

	expect_error(text, "@include \"x.conf\": not allowed in a policy "
	    "given as text", 2);
}
END_TEST

static Suite *
conf_read_suite(void)
{
	Suite *s = suite_create("conf_read");
	TCase *tc = tcase_create("read");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, file_loads_and_hashes);
	tcase_add_test(tc, not_a_file);
	tcase_add_test(tc, nul_and_utf8);
	tcase_add_test(tc, random_bytes);
	tcase_add_test(tc, many_settings);
	tcase_add_test(tc, too_large);
	tcase_add_test(tc, deep_nesting);
	tcase_add_test(tc, lexer_skips_strings_and_comments);
	tcase_add_test(tc, include_hostile);
	tcase_add_test(tc, include_depth);
	tcase_add_test(tc, include_works);
	tcase_add_test(tc, string_refuses_include);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(conf_read_suite)
