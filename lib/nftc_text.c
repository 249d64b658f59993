/* nftc_text.c - the IR as `nft -f` text (what `bunrictl show --nft` prints). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "nft_ir.h"
#include "nftc.h"

static const char *
type_name(enum nir_type t)
{
	switch (t) {
	case NT_VERDICT:	return "verdict";
	case NT_ETHER:		return "ether_addr";
	case NT_IPV4:		return "ipv4_addr";
	case NT_IPV6:		return "ipv6_addr";
	case NT_PROTO:		return "inet_proto";
	case NT_SERVICE:	return "inet_service";
	case NT_ICMP:		return "icmp_type";
	case NT_ICMPV6:		return "icmpv6_type";
	case NT_IFNAME:		return "ifname";
	}
	return "?";
}

static const char *
field_name(enum nir_field f)
{
	switch (f) {
	case NF_IIFNAME:	return "iifname";
	case NF_OIFNAME:	return "oifname";
	case NF_ETHER_SADDR:	return "ether saddr";
	case NF_IP_SADDR:	return "ip saddr";
	case NF_IP_DADDR:	return "ip daddr";
	case NF_IP6_SADDR:	return "ip6 saddr";
	case NF_IP6_DADDR:	return "ip6 daddr";
	case NF_L4PROTO:	return "meta l4proto";
	case NF_TH_DPORT:	return "th dport";
	case NF_TH_SPORT:	return "th sport";
	case NF_TCP_DPORT:	return "tcp dport";
	case NF_ICMP_TYPE:	return "icmp type";
	case NF_ICMPV6_TYPE:	return "icmpv6 type";
	}
	return "?";
}

static void
proto_text(FILE *fp, unsigned v)
{
	switch (v) {
	case 1:		fputs("icmp", fp); break;
	case 6:		fputs("tcp", fp); break;
	case 17:	fputs("udp", fp); break;
	case 58:	fputs("ipv6-icmp", fp); break;
	default:	fprintf(fp, "%u", v); break;
	}
}

static void
icmp_text(FILE *fp, bool v6, unsigned v)
{
	static const struct { bool v6; unsigned v; const char *n; } tab[] = {
		{ false, 3, "destination-unreachable" },
		{ false, 11, "time-exceeded" },
		{ false, 12, "parameter-problem" },
		{ true, 1, "destination-unreachable" },
		{ true, 2, "packet-too-big" },
		{ true, 3, "time-exceeded" },
		{ true, 4, "parameter-problem" },
		{ true, 133, "nd-router-solicit" },
		{ true, 134, "nd-router-advert" },
		{ true, 135, "nd-neighbor-solicit" },
		{ true, 136, "nd-neighbor-advert" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].v6 == v6 && tab[i].v == v) {
			fputs(tab[i].n, fp);
			return;
		}
	fprintf(fp, "%u", v);
}

/* A range of addresses: one address, a prefix, or lo-hi. */
static void
addr_text(FILE *fp, int family, const uint8_t *lo, const uint8_t *hi)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int len = family == AF_INET ? 4 : 16, plen = 0, k;
	bool prefix = true;

	inet_ntop(family, lo, a, sizeof(a));
	if (memcmp(lo, hi, len) == 0) {
		fputs(a, fp);
		return;
	}
	/* a prefix: common leading bits, then lo all 0 and hi all 1 */
	for (k = 0; k < len * 8; k++) {
		int bl = lo[k / 8] >> (7 - k % 8) & 1;
		int bh = hi[k / 8] >> (7 - k % 8) & 1;

		if (bl == bh && prefix && plen == k)
			plen++;
		else if (bl != 0 || bh != 1)
			prefix = false;
	}
	if (prefix) {
		fprintf(fp, "%s/%d", a, plen);
		return;
	}
	inet_ntop(family, hi, b, sizeof(b));
	fprintf(fp, "%s-%s", a, b);
}

static void
field_text(FILE *fp, enum nir_type t, const uint8_t *lo, const uint8_t *hi)
{
	unsigned p, q;

	switch (t) {
	case NT_IFNAME:
		fprintf(fp, "\"%.16s\"", (const char *)lo);
		break;
	case NT_IPV4:
		addr_text(fp, AF_INET, lo, hi);
		break;
	case NT_IPV6:
		addr_text(fp, AF_INET6, lo, hi);
		break;
	case NT_ETHER:
		fprintf(fp, "%02x:%02x:%02x:%02x:%02x:%02x", lo[0], lo[1],
		    lo[2], lo[3], lo[4], lo[5]);
		break;
	case NT_PROTO:
		proto_text(fp, lo[0]);
		break;
	case NT_SERVICE:
		p = (unsigned)lo[0] << 8 | lo[1];
		q = (unsigned)hi[0] << 8 | hi[1];
		if (p == q)
			fprintf(fp, "%u", p);
		else
			fprintf(fp, "%u-%u", p, q);
		break;
	case NT_ICMP:
		icmp_text(fp, false, lo[0]);
		break;
	case NT_ICMPV6:
		icmp_text(fp, true, lo[0]);
		break;
	case NT_VERDICT:
		break;
	}
}

/*
 * d/h/m/s/ms parts as nft prints them: nft 1.0.6 refuses a number of
 * nine digits or more before a unit ("timeout 126316800s": value too large).
 */
static void
timeout_text(FILE *fp, uint64_t ms)
{
	static const struct { uint64_t ms; const char *u; } part[] = {
		{ 86400000, "d" }, { 3600000, "h" }, { 60000, "m" },
		{ 1000, "s" }, { 1, "ms" },
	};
	size_t i;

	fputs(" timeout ", fp);
	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++)
		if (ms / part[i].ms != 0) {
			fprintf(fp, "%" PRIu64 "%s", ms / part[i].ms, part[i].u);
			ms %= part[i].ms;
		}
}

static void
elem_text(FILE *fp, const struct nft_ir *ir, const struct nir_set *s,
    const struct nir_elem *e)
{
	int i, off;

	for (i = 0; i < s->ntypes; i++) {
		off = nir_field_off(s, i);
		if (i > 0)
			fputs(" . ", fp);
		field_text(fp, s->types[i], e->lo + off, e->hi + off);
	}
	if (e->timeout_ms != 0)
		timeout_text(fp, e->timeout_ms);
	if (s->data == ND_VERDICT) {
		if (e->verdict == NV_JUMP)
			fprintf(fp, " : jump %s", ir->chains[e->ref].name);
		else
			fprintf(fp, " : %s", e->verdict == NV_ACCEPT ?
			    "accept" : "drop");
	} else if (s->data == ND_COUNTER)
		fprintf(fp, " : \"%s\"", ir->counters[e->ref]);
}

static void
set_text(FILE *fp, const struct nft_ir *ir, const struct nir_set *s)
{
	size_t i;
	int k;

	fprintf(fp, "\t%s %s {\n\t\ttype ", s->data == ND_NONE ? "set" : "map",
	    s->name);
	for (k = 0; k < s->ntypes; k++)
		fprintf(fp, "%s%s", k > 0 ? " . " : "", type_name(s->types[k]));
	if (s->data == ND_VERDICT)
		fputs(" : verdict", fp);
	else if (s->data == ND_COUNTER)
		fputs(" : counter", fp);
	fputc('\n', fp);
	if (nir_set_size(s) > 0)
		fprintf(fp, "\t\tsize %u\n", nir_set_size(s));
	if (s->interval || s->timeout)
		fprintf(fp, "\t\tflags %s%s%s\n", s->interval ? "interval" : "",
		    s->interval && s->timeout ? "," : "",
		    s->timeout ? "timeout" : "");
	if (s->nelems > 0) {
		fputs("\t\telements = {\n", fp);
		for (i = 0; i < s->nelems; i++) {
			fputs("\t\t\t", fp);
			elem_text(fp, ir, s, &s->elems[i]);
			fputs(i + 1 < s->nelems ? ",\n" : "\n", fp);
		}
		fputs("\t\t}\n", fp);
	}
	fputs("\t}\n", fp);
}

static void
fields_text(FILE *fp, const enum nir_field *f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(fp, "%s%s", i > 0 ? " . " : "", field_name(f[i]));
}

static void
match_text(FILE *fp, const struct nft_ir *ir, const struct nir_match *m)
{
	switch (m->kind) {
	case NM_NFPROTO:
		fprintf(fp, "meta nfproto %s", m->val == 2 ? "ipv4" : "ipv6");
		break;
	case NM_L4PROTO:
		fputs("meta l4proto ", fp);
		proto_text(fp, m->val);
		break;
	case NM_IIFTYPE_ETHER:
		fputs("meta iiftype ether", fp);
		break;
	case NM_IIF_LO:
		fputs("iif \"lo\"", fp);
		break;
	case NM_CT_DIRECTION:
		fprintf(fp, "ct direction %s", m->val ? "reply" : "original");
		break;
	case NM_CT_STATE:
		fprintf(fp, "ct state %s%s%s",
		    m->val & 0x01 ? "invalid" : "",
		    m->val & 0x02 ? "established" : "",
		    (m->val & 0x06) == 0x06 ? ",related" :
		    m->val & 0x04 ? "related" : "");
		break;
	case NM_LOOKUP:
	case NM_LOOKUP_NOT:
		fields_text(fp, m->f, m->nf);
		fprintf(fp, " %s@%s", m->kind == NM_LOOKUP_NOT ? "!= " : "",
		    ir->sets[m->set].name);
		break;
	}
}

static void
rule_text(FILE *fp, const struct nft_ir *ir, const struct nir_rule *r)
{
	int i;

	fputs("\t\t", fp);
	for (i = 0; i < r->nm; i++) {
		match_text(fp, ir, &r->m[i]);
		fputc(' ', fp);
	}
	switch (r->stmt) {
	case NS_VMAP:
		fields_text(fp, r->f, r->nf);
		fprintf(fp, " vmap @%s", ir->sets[r->set].name);
		break;
	case NS_COUNTER_MAP:
		fputs("counter name ", fp);
		fields_text(fp, r->f, r->nf);
		fprintf(fp, " map @%s", ir->sets[r->set].name);
		break;
	case NS_VERDICT:
		break;
	}
	if (r->verdict == NV_ACCEPT || r->verdict == NV_DROP)
		fprintf(fp, "%s%s", r->stmt == NS_VERDICT ? "" : " ",
		    r->verdict == NV_ACCEPT ? "accept" : "drop");
	fputc('\n', fp);
}

int
nftc_render(const struct nft_ir *ir, FILE *fp)
{
	size_t i, c;

	fprintf(fp, "table inet %s\ndelete table inet %s\n", NFTC_TABLE,
	    NFTC_TABLE);
	fprintf(fp, "table inet %s {\n", NFTC_TABLE);
	if (ir->table_flags & 0x1)		/* the only flag nft 1.0.6 can spell */
		fputs("\tflags dormant\n", fp);
	for (i = 0; i < ir->ncounters; i++)
		fprintf(fp, "\tcounter %s {\n\t}\n", ir->counters[i]);
	for (i = 0; i < ir->nsets; i++)
		set_text(fp, ir, &ir->sets[i]);
	for (c = 0; c < ir->nchains; c++) {
		fprintf(fp, "\tchain %s {\n", ir->chains[c].name);
		if (ir->chains[c].hook != NH_NONE)
			fprintf(fp, "\t\ttype filter hook %s priority filter; "
			    "policy drop;\n", ir->chains[c].hook == NH_FORWARD ?
			    "forward" : "input");
		for (i = 0; i < ir->nrules; i++)
			if (ir->rules[i].chain == c)
				rule_text(fp, ir, &ir->rules[i]);
		fputs("\t}\n", fp);
	}
	fputs("}\n", fp);
	return ferror(fp) ? -1 : 0;
}
