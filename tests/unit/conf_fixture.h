/* conf_fixture.h - the config.md example policy and helpers for the loader tests. */
#ifndef BUNRI_CONF_FIXTURE_H
#define BUNRI_CONF_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

/* The example of config.md, verbatim. */
static const char EXAMPLE[] =
    "version = 1;\n"
    "\n"
    "gateway = {\n"
    "  name = \"city-gw1\";                      # appears in every alert\n"
    "  mode = \"enforce\";                       # enforce | monitor\n"
    "  control_socket = \"/run/bunri/bunrid.sock\";\n"
    "  state_dir = \"/var/lib/bunri\";\n"
    "  admin = { from = [ \"mgmt:noc\" ]; ports = [ 22 ]; };   # who may reach the gateway itself\n"
    "};\n"
    "\n"
    "zones = (\n"
    "  { name = \"mynumber\"; kind = \"mynumber\"; description = \"マイナンバー利用事務系\";\n"
    "    interfaces = [ \"mn0\" ];\n"
    "    networks = [ \"192.0.2.0/26\", \"2001:db8:10::/64\" ];\n"
    "    unknown_hosts = \"block\";              # block | alert | allow\n"
    "    hosts = (\n"
    "      { name = \"juki\"; mac = \"02:00:00:00:10:0a\"; addresses = [ \"192.0.2.10\", \"2001:db8:10::a\" ]; }\n"
    "    );\n"
    "  },\n"
    "  { name = \"lgwan\"; kind = \"lgwan\"; interfaces = [ \"lg0\" ];\n"
    "    networks = [ \"198.51.100.0/24\" ];\n"
    "    unknown_hosts = \"alert\";\n"
    "    hosts = (\n"
    "      { name = \"mail-gw\"; mac = \"02:00:00:00:20:19\"; addresses = [ \"198.51.100.25\" ]; },\n"
    "      { name = \"vdi-client\"; mac = \"02:00:00:00:20:33\"; addresses = [ \"198.51.100.33\" ]; },\n"
    "      { name = \"chukan-gw\"; mac = \"02:00:00:00:20:50\"; addresses = [ \"198.51.100.50\" ]; }\n"
    "    );\n"
    "  },\n"
    "  { name = \"internet\"; kind = \"internet\"; interfaces = [ \"in0\" ];\n"
    "    networks = [ \"0.0.0.0/0\", \"::/0\" ];   # the Internet side: everything not claimed by another zone\n"
    "    hosts = (\n"
    "      { name = \"sanitizer\"; addresses = [ \"203.0.113.25\" ]; },   # MAC optional outside mynumber\n"
    "      { name = \"vdi\"; addresses = [ \"203.0.113.40\" ]; }\n"
    "    );\n"
    "  },\n"
    "  { name = \"mgmt\"; kind = \"mgmt\"; interfaces = [ \"mg0\" ];\n"
    "    networks = [ \"192.0.2.192/26\" ];\n"
    "    hosts = ( { name = \"noc\"; mac = \"02:00:00:00:40:01\"; addresses = [ \"192.0.2.200\" ]; } );\n"
    "  }\n"
    ");\n"
    "\n"
    "flows = (\n"
    "  { id = \"F-001\"; from = \"internet:sanitizer\"; to = \"lgwan:mail-gw\";\n"
    "    proto = \"tcp\"; ports = [ 25 ];\n"
    "    sanitize = \"mail-text\"; reason = \"無害化したメール本文の取込み\";\n"
    "    approval = \"R8-041\"; },\n"
    "  { id = \"F-002\"; from = \"lgwan:vdi-client\"; to = \"internet:vdi\";\n"
    "    proto = \"tcp\"; ports = [ 3389 ];\n"
    "    sanitize = \"screen-transfer\"; reason = \"画面転送方式によるインターネット閲覧\";\n"
    "    approval = \"R8-042\"; expires = \"2027-03-31\"; },\n"
    "  { id = \"F-010\"; from = \"mynumber:juki\"; to = \"lgwan:chukan-gw\";\n"
    "    proto = \"tcp\"; ports = [ 443 ];\n"
    "    reason = \"中間サーバー連携 (特定通信)\"; approval = \"R8-007\"; }\n"
    ");\n"
    "\n"
    "monitor = {\n"
    "  interfaces = [ ];                       # empty: every zone interface\n"
    "  span = ( { interface = \"span0\"; zone = \"lgwan\"; } );   # mirror ports; optional\n"
    "  scan = { ports = 64; hosts = 32; window = 10; };       # behaviour detection\n"
    "  evidence_packets = 16;                  # packets kept per flagged flow\n"
    "};\n"
    "\n"
    "alerts = {\n"
    "  file = \"/var/log/bunri/eve.json\";       # EVE-style JSON lines, see alerts.md\n"
    "  syslog = true;\n"
    "  facility = \"local4\";\n"
    "  rate_limit = 100;                       # alerts per second per signature; the rest counted\n"
    "};\n";

/* 2026-01-01T00:00:00Z: before every expiry of the example. */
#define FIX_NOW	((time_t)1767225600)

/* 1-based line of the first occurrence of needle in text. */
static inline int
line_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle), *q;
	int line = 1;

	if (p == NULL)
		ck_abort_msg("fixture lacks \"%s\"", needle);
	for (q = text; q < p; q++)
		if (*q == '\n')
			line++;
	return line;
}

/* text with the first `from` replaced by `to`; the caller frees. */
static inline char *
subst(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	size_t pre, tl, fl, rest;
	char *out;

	if (p == NULL)
		ck_abort_msg("fixture lacks \"%s\"", from);
	pre = (size_t)(p - text);
	tl = strlen(to);
	fl = strlen(from);
	rest = strlen(p + fl);
	if ((out = malloc(pre + tl + rest + 1)) == NULL)
		ck_abort_msg("out of memory");
	memcpy(out, text, pre);
	memcpy(out + pre, to, tl);
	memcpy(out + pre + tl, p + fl, rest + 1);
	return out;
}

static inline void
dump_diags(const struct diags *d)
{
	diags_print(d, stderr);
}

/* The index of the first kept message containing needle, or -1. */
static inline int
diag_find(const struct diags *d, enum diag_sev sev, const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == sev && strstr(d->v[i].msg, needle) != NULL)
			return (int)i;
	return -1;
}

/* Loading text must fail with an error containing msg at file:line. */
static inline void
expect_error(const char *text, const char *msg, int line)
{
	struct diags d;
	struct policy *p;
	int i;

	diags_init(&d);
	p = conf_load_string(text, strlen(text), "t.conf", FIX_NOW, &d);
	if (p != NULL || (i = diag_find(&d, DIAG_ERROR, msg)) < 0)
		dump_diags(&d);
	ck_assert_ptr_null(p);
	i = diag_find(&d, DIAG_ERROR, msg);
	ck_assert_msg(i >= 0, "no error containing: %s", msg);
	ck_assert_int_eq(d.v[i].line, line);
	ck_assert_str_eq(d.v[i].file, "t.conf");
	diags_free(&d);
}

/* Replace from by to in the example; expect msg at the line of `at`. */
static inline void
expect_subst(const char *from, const char *to, const char *at,
    const char *msg)
{
	char *t = subst(EXAMPLE, from, to);

	expect_error(t, msg, line_of(t, at));
	free(t);
}

#endif
