/* rules_fixture.h - test policies for the cross-setting checks, loaded through conf_load_string(). */
#ifndef BUNRI_RULES_FIXTURE_H
#define BUNRI_RULES_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "conf_rules.h"
#include "diag.h"
#include "policy.h"

/* 2026-11-23T00:00:00Z: expiry tests are relative to it. */
#define NOW	((time_t)1795392000)
#define DAY	86400

/*
 * A policy is built from one-line pieces so that line numbers are known:
 *   1 version, 2 gateway, 3 "zones = (", 4.. one zone per line,
 *   then ");", "flows = (", one flow per line, ");", extra.
 * With the four default zones the first flow is on line 10.
 */
/* ZXX_(x, h): x more settings of the zone, h more hosts (", { ... }"). */
#define ZMN_(x, h) "{ name = \"mynumber\"; kind = \"mynumber\"; " x \
	" interfaces = [ \"mn0\" ]; networks = [ \"192.0.2.0/26\" ]; hosts = ( " \
	"{ name = \"juki\"; mac = \"02:00:00:00:10:0a\"; addresses = [ \"192.0.2.10\" ]; }, " \
	"{ name = \"tax\"; mac = \"02:00:00:00:10:1e\"; addresses = [ \"192.0.2.30\" ]; }" \
	h " ); }"
#define ZLG_(x, h) "{ name = \"lgwan\"; kind = \"lgwan\"; " x \
	" interfaces = [ \"lg0\" ]; networks = [ \"198.51.100.0/24\" ]; hosts = ( " \
	"{ name = \"mail-gw\"; mac = \"02:00:00:00:20:19\"; addresses = [ \"198.51.100.25\" ]; }, " \
	"{ name = \"chukan-gw\"; mac = \"02:00:00:00:20:50\"; addresses = [ \"198.51.100.50\" ]; }, " \
	"{ name = \"pc\"; mac = \"02:00:00:00:20:82\"; addresses = [ \"198.51.100.130\" ]; }" \
	h " ); }"
#define ZIN_(x, h) "{ name = \"internet\"; kind = \"internet\"; " x \
	" interfaces = [ \"in0\" ]; networks = [ \"0.0.0.0/0\", \"::/0\" ]; hosts = ( " \
	"{ name = \"sanitizer\"; addresses = [ \"203.0.113.25\" ]; }, " \
	"{ name = \"vdi\"; addresses = [ \"203.0.113.40\" ]; }" h " ); }"
#define ZMG_(x, h) "{ name = \"mgmt\"; kind = \"mgmt\"; " x \
	" interfaces = [ \"mg0\" ]; networks = [ \"192.0.2.192/26\" ]; hosts = ( " \
	"{ name = \"noc\"; mac = \"02:00:00:00:40:01\"; addresses = [ \"192.0.2.200\" ]; }" \
	h " ); }"
#define ZMN	ZMN_("", "")
#define ZLG	ZLG_("", "")
#define ZIN	ZIN_("", "")
#define ZMG	ZMG_("", "")
#define ZONES	ZMN ",\n" ZLG ",\n" ZIN ",\n" ZMG

/* A flow with a reason and an approval; `rest` holds proto, ports, ... */
#define FLOW(id, from, to, rest) \
	"{ id = \"" id "\"; from = \"" from "\"; to = \"" to "\"; " rest \
	" reason = \"r\"; approval = \"A-" id "\"; }"
#define TCP(p)	"proto = \"tcp\"; ports = [ " #p " ];"

#define F_MAIL	FLOW("F-001", "internet:sanitizer", "lgwan:mail-gw", \
	TCP(25) " sanitize = \"mail-text\";")
#define F_VDI	FLOW("F-002", "lgwan:pc", "internet:vdi", \
	TCP(3389) " sanitize = \"screen-transfer\";")
#define F_MN	FLOW("F-010", "mynumber:juki", "lgwan:chukan-gw", TCP(443))
#define FLOWS	F_MAIL ",\n" F_VDI ",\n" F_MN

struct loaded {
	struct policy	*p;
	struct diags	 d;
};

static inline char *
fx_text(const char *gw, const char *zones, const char *flows,
    const char *extra)
{
	size_t	 len;
	char	*s;

	len = strlen(gw) + strlen(zones) + strlen(flows) + strlen(extra) + 256;
	s = malloc(len);
	ck_assert_ptr_nonnull(s);
	snprintf(s, len, "version = 1;\ngateway = { name = \"t\"; %s };\n"
	    "zones = (\n%s\n);\nflows = (\n%s\n);\n%s\n", gw, zones, flows,
	    extra);
	return s;
}

static inline void
fx_dump(const struct diags *d)
{
	diags_print(d, stderr);
}

/* Load gw/zones/flows/extra; the caller frees with fx_free(). */
static inline struct loaded
fx_load(const char *gw, const char *zones, const char *flows,
    const char *extra)
{
	struct loaded	 l;
	char		*s = fx_text(gw, zones, flows, extra);

	diags_init(&l.d);
	l.p = conf_load_string(s, strlen(s), "t.conf", NOW, &l.d);
	free(s);
	return l;
}

static inline void
fx_free(struct loaded *l)
{
	policy_free(l->p);
	diags_free(&l->d);
}

/* Is there a message of this severity at this line containing needle? */
static inline int
fx_has(const struct diags *d, enum diag_sev sev, int line, const char *needle)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == sev && (line == 0 || d->v[i].line == line) &&
		    strstr(d->v[i].msg, needle) != NULL)
			return 1;
	return 0;
}

/* The policy is refused with this error (line 0: any line). */
#define EXPECT_ERROR(gw, zones, flows, extra, line, needle) do {	\
	struct loaded l_ = fx_load(gw, zones, flows, extra);		\
	if (!fx_has(&l_.d, DIAG_ERROR, line, needle))			\
		fx_dump(&l_.d);						\
	ck_assert_msg(fx_has(&l_.d, DIAG_ERROR, line, needle),		\
	    "no error at line %d containing: %s", line, needle);	\
	ck_assert_ptr_null(l_.p);					\
	fx_free(&l_);							\
} while (0)

/* The policy loads with no error and no warning at all. */
#define EXPECT_CLEAN(gw, zones, flows, extra) do {			\
	struct loaded l_ = fx_load(gw, zones, flows, extra);		\
	if (l_.d.n != 0)						\
		fx_dump(&l_.d);						\
	ck_assert_ptr_nonnull(l_.p);					\
	ck_assert_uint_eq(l_.d.n, 0);					\
	fx_free(&l_);							\
} while (0)

/* The policy loads (still applied) with this warning. */
#define EXPECT_WARNING(gw, zones, flows, extra, line, needle) do {	\
	struct loaded l_ = fx_load(gw, zones, flows, extra);		\
	if (!fx_has(&l_.d, DIAG_WARNING, line, needle) ||		\
	    l_.d.nerrors != 0)						\
		fx_dump(&l_.d);						\
	ck_assert_ptr_nonnull(l_.p);					\
	ck_assert_uint_eq(l_.d.nerrors, 0);				\
	ck_assert_msg(fx_has(&l_.d, DIAG_WARNING, line, needle),	\
	    "no warning at line %d containing: %s", line, needle);	\
	fx_free(&l_);							\
} while (0)

#endif
