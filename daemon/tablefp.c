/* tablefp.c - a fingerprint of table inet bunri as the kernel holds it, dumped over netlink, and its diff. */
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <sodium.h>

#include "nftc.h"
#include "tablefp.h"

/* A dump interrupted by a concurrent change (NLM_F_DUMP_INTR) is redone. */
#define DUMP_TRIES	3

struct dumpctx {
	struct tablefp	*fp;
	int		 err;		/* errno of a failure inside a callback */
	struct nftnl_set *set;		/* the set whose elements are dumped */
	uint64_t	 sum;		/* of element hashes: order does not matter */
	uint32_t	 count;
	bool		 timed;		/* the set has the timeout flag */
};

static void
h_str(crypto_generichash_state *st, const char *tag, const char *s)
{
	crypto_generichash_update(st, (const unsigned char *)tag, strlen(tag) + 1);
	if (s != NULL)
		crypto_generichash_update(st, (const unsigned char *)s,
		    strlen(s) + 1);
}

static void
h_bytes(crypto_generichash_state *st, const char *tag, const void *p,
    uint32_t len)
{
	crypto_generichash_update(st, (const unsigned char *)tag, strlen(tag) + 1);
	crypto_generichash_update(st, (const unsigned char *)&len, sizeof(len));
	crypto_generichash_update(st, p, len);
}

static void
h_u32(crypto_generichash_state *st, const char *tag, uint32_t v)
{
	h_bytes(st, tag, &v, sizeof(v));
}

static uint64_t
h_final(crypto_generichash_state *st)
{
	uint64_t h;

	crypto_generichash_final(st, (unsigned char *)&h, sizeof(h));
	return h;
}

static void
h_init(crypto_generichash_state *st)
{
	crypto_generichash_init(st, NULL, 0, sizeof(uint64_t));
}

static struct tablefp_item *
item_find(struct tablefp *fp, char kind, const char *name)
{
	size_t i;

	for (i = fp->n; i-- > 0; )
		if (fp->v[i].kind == kind && strcmp(fp->v[i].name, name) == 0)
			return &fp->v[i];
	return NULL;
}

static struct tablefp_item *
item_add(struct tablefp *fp, char kind, const char *name)
{
	struct tablefp_item *v;
	size_t cap;

	if (fp->n == fp->cap) {
		cap = fp->cap ? fp->cap * 2 : 32;
		if ((v = reallocarray(fp->v, cap, sizeof(*v))) == NULL)
			return NULL;
		fp->v = v;
		fp->cap = cap;
	}
	v = &fp->v[fp->n];
	memset(v, 0, sizeof(*v));
	if ((v->name = strdup(name)) == NULL)
		return NULL;
	v->kind = kind;
	fp->n++;
	return v;
}

void
tablefp_free(struct tablefp *fp)
{
	size_t i;

	for (i = 0; i < fp->n; i++)
		free(fp->v[i].name);
	free(fp->v);
	memset(fp, 0, sizeof(*fp));
}

/* Send one request and run cb on every answer until NLMSG_DONE or the ack. */
static int
request(struct mnl_socket *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[32768] __attribute__((aligned(4)));
	uint32_t seq = nlh->nlmsg_seq, portid = mnl_socket_get_portid(s);
	ssize_t n;
	int ret = -1;

	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) == -1)
		return -1;
	while ((n = mnl_socket_recvfrom(s, buf, sizeof(buf))) > 0) {
		if ((ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb,
		    data)) <= MNL_CB_STOP)
			break;
	}
	if (n == -1)
		return -1;
	return ret == -1 ? -1 : 0;
}

static int
table_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	((struct dumpctx *)data)->fp->present = true;
	return MNL_CB_OK;
}

static int
chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dumpctx *d = data;
	struct nftnl_chain *c;
	struct tablefp_item *it;
	crypto_generichash_state st;
	const char *t;

	if ((c = nftnl_chain_alloc()) == NULL) {
		d->err = errno;
		return MNL_CB_ERROR;
	}
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0 ||
	    (t = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE)) == NULL ||
	    strcmp(t, NFTC_TABLE) != 0)
		goto out;
	if ((it = item_add(d->fp, 'c',
	    nftnl_chain_get_str(c, NFTNL_CHAIN_NAME))) == NULL) {
		d->err = errno;
		nftnl_chain_free(c);
		return MNL_CB_ERROR;
	}
	h_init(&st);
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		h_u32(&st, "hook", nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM));
		h_u32(&st, "prio", nftnl_chain_get_u32(c, NFTNL_CHAIN_PRIO));
		h_u32(&st, "policy", nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY));
		h_str(&st, "type", nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE));
	}
	it->h = h_final(&st);
out:
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* A rule as its expressions say it, counter values left out. */
static uint64_t
rule_hash(const struct nftnl_rule *r)
{
	crypto_generichash_state st;
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	const char *name;
	char buf[1024];

	h_init(&st);
	if ((it = nftnl_expr_iter_create(r)) == NULL)
		return 0;
	while ((e = nftnl_expr_iter_next(it)) != NULL) {
		name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
		if (name != NULL && strcmp(name, "counter") == 0) {
			h_str(&st, "expr", name);
			continue;
		}
		nftnl_expr_snprintf(buf, sizeof(buf), e, NFTNL_OUTPUT_DEFAULT, 0);
		h_str(&st, name ? name : "?", buf);
	}
	nftnl_expr_iter_destroy(it);
	return h_final(&st);
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dumpctx *d = data;
	struct nftnl_rule *r;
	struct tablefp_item *it;
	crypto_generichash_state st;
	const char *chain;
	uint64_t h[2];

	if ((r = nftnl_rule_alloc()) == NULL) {
		d->err = errno;
		return MNL_CB_ERROR;
	}
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0 ||
	    (chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN)) == NULL)
		goto out;
	if ((it = item_find(d->fp, 'c', chain)) == NULL &&
	    (it = item_add(d->fp, 'c', chain)) == NULL) {
		d->err = errno;
		nftnl_rule_free(r);
		return MNL_CB_ERROR;
	}
	/* Folded in order: the same rules in another order differ. */
	h[0] = it->h;
	h[1] = rule_hash(r);
	h_init(&st);
	h_bytes(&st, "rule", h, sizeof(h));
	it->h = h_final(&st);
	it->n++;
out:
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int
obj_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dumpctx *d = data;
	struct nftnl_obj *o;
	struct tablefp_item *it;

	if ((o = nftnl_obj_alloc()) == NULL) {
		d->err = errno;
		return MNL_CB_ERROR;
	}
	if (nftnl_obj_nlmsg_parse(nlh, o) == 0) {
		if ((it = item_add(d->fp, 'o',
		    nftnl_obj_get_str(o, NFTNL_OBJ_NAME))) == NULL) {
			d->err = errno;
			nftnl_obj_free(o);
			return MNL_CB_ERROR;
		}
		it->h = nftnl_obj_get_u32(o, NFTNL_OBJ_TYPE);
	}
	nftnl_obj_free(o);
	return MNL_CB_OK;
}

static int
set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dumpctx *d = data;
	struct nftnl_set *s;
	struct tablefp_item *it;
	crypto_generichash_state st;
	static const uint16_t attrs[] = { NFTNL_SET_FLAGS, NFTNL_SET_KEY_TYPE,
	    NFTNL_SET_KEY_LEN, NFTNL_SET_DATA_TYPE, NFTNL_SET_DATA_LEN,
	    NFTNL_SET_OBJ_TYPE };
	size_t i;

	if ((s = nftnl_set_alloc()) == NULL) {
		d->err = errno;
		return MNL_CB_ERROR;
	}
	if (nftnl_set_nlmsg_parse(nlh, s) == 0) {
		if ((it = item_add(d->fp, 's',
		    nftnl_set_get_str(s, NFTNL_SET_NAME))) == NULL) {
			d->err = errno;
			nftnl_set_free(s);
			return MNL_CB_ERROR;
		}
		h_init(&st);
		for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
			if (nftnl_set_is_set(s, attrs[i]))
				h_u32(&st, "a", nftnl_set_get_u32(s, attrs[i]));
		if (nftnl_set_is_set(s, NFTNL_SET_TIMEOUT))
			h_bytes(&st, "timeout", &(uint64_t){ nftnl_set_get_u64(s,
			    NFTNL_SET_TIMEOUT) }, sizeof(uint64_t));
		it->h = h_final(&st);
		it->timed = nftnl_set_is_set(s, NFTNL_SET_FLAGS) &&
		    (nftnl_set_get_u32(s, NFTNL_SET_FLAGS) & NFT_SET_TIMEOUT);
	}
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static int
elem_one(struct nftnl_set_elem *e, void *data)
{
	struct dumpctx *d = data;
	crypto_generichash_state st;
	static const uint16_t blobs[] = { NFTNL_SET_ELEM_KEY,
	    NFTNL_SET_ELEM_KEY_END, NFTNL_SET_ELEM_DATA };
	const void *p;
	uint32_t len, flags = 0;
	size_t i;

	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS))
		flags = nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS);
	/* The kernel removes timed elements by itself (and an interval's end with them). */
	if ((nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_TIMEOUT) &&
	    nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_TIMEOUT) != 0) ||
	    (d->timed && (flags & NFT_SET_ELEM_INTERVAL_END)))
		return 0;
	h_init(&st);
	h_u32(&st, "flags", flags);
	for (i = 0; i < sizeof(blobs) / sizeof(blobs[0]); i++)
		if (nftnl_set_elem_is_set(e, blobs[i]) &&
		    (p = nftnl_set_elem_get(e, blobs[i], &len)) != NULL)
			h_bytes(&st, "b", p, len);
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_VERDICT))
		h_u32(&st, "verdict", nftnl_set_elem_get_u32(e,
		    NFTNL_SET_ELEM_VERDICT));
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_CHAIN))
		h_str(&st, "chain", nftnl_set_elem_get_str(e,
		    NFTNL_SET_ELEM_CHAIN));
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_OBJREF))
		h_str(&st, "objref", nftnl_set_elem_get_str(e,
		    NFTNL_SET_ELEM_OBJREF));
	d->sum += h_final(&st);
	d->count++;
	return 0;
}

static int
elem_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dumpctx *d = data;
	struct nftnl_set *s;

	if ((s = nftnl_set_alloc()) == NULL) {
		d->err = errno;
		return MNL_CB_ERROR;
	}
	if (nftnl_set_elems_nlmsg_parse(nlh, s) == 0)
		nftnl_set_elem_foreach(s, elem_one, d);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

/* A request for table inet bunri's objects of one kind. */
static struct nlmsghdr *
build(char *buf, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh;

	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET, flags, seq);
	mnl_attr_put_strz(nlh, 1, NFTC_TABLE);	/* NFTA_*_TABLE / _NAME is 1 for all */
	return nlh;
}

static int
set_elems(struct mnl_socket *sock, struct dumpctx *d, struct tablefp_item *it,
    uint32_t *seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	crypto_generichash_state st;
	uint64_t h[2];

	d->sum = 0;
	d->count = 0;
	nlh = build(buf, NFT_MSG_GETSETELEM, NLM_F_DUMP, ++*seq);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, it->name);
	if (request(sock, nlh, elem_cb, d) == -1)
		return -1;
	h[0] = it->h;
	h[1] = d->sum;
	h_init(&st);
	h_bytes(&st, "elems", h, sizeof(h));
	it->h = h_final(&st);
	it->n = d->count;
	return 0;
}

static int
dump_once(struct mnl_socket *sock, struct tablefp *fp)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dumpctx d;
	uint32_t seq = (uint32_t)time(NULL);
	size_t i;

	memset(&d, 0, sizeof(d));
	d.fp = fp;
	if (request(sock, build(buf, NFT_MSG_GETTABLE, NLM_F_ACK, ++seq),
	    table_cb, &d) == -1)
		return errno == ENOENT ? 0 : -1;
	/* Chains cannot be filtered by table in a dump: inet's, few. */
	if (request(sock, nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN,
	    NFPROTO_INET, NLM_F_DUMP, ++seq), chain_cb, &d) == -1 ||
	    request(sock, build(buf, NFT_MSG_GETRULE, NLM_F_DUMP, ++seq),
	    rule_cb, &d) == -1 ||
	    request(sock, build(buf, NFT_MSG_GETOBJ, NLM_F_DUMP, ++seq),
	    obj_cb, &d) == -1 ||
	    request(sock, build(buf, NFT_MSG_GETSET, NLM_F_DUMP, ++seq),
	    set_cb, &d) == -1)
		goto fail;
	for (i = 0; i < fp->n; i++) {
		if (fp->v[i].kind != 's')
			continue;
		d.timed = fp->v[i].timed;
		if (set_elems(sock, &d, &fp->v[i], &seq) == -1)
			goto fail;
	}
	return 0;
fail:
	if (d.err != 0)
		errno = d.err;
	return -1;
}

int
tablefp_dump(struct mnl_socket *sock, struct tablefp *fp)
{
	int try;

	memset(fp, 0, sizeof(*fp));
	for (try = 0; try < DUMP_TRIES; try++) {
		if (dump_once(sock, fp) == 0)
			return 0;
		tablefp_free(fp);
		if (errno != EINTR)
			return -1;
	}
	return -1;
}

static int
item_cmp(const void *a, const void *b)
{
	const struct tablefp_item *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->name, y->name);
}

static const char *
kind_word(char k)
{
	return k == 'c' ? "chain" : k == 's' ? "set" : "counter";
}

/* Append "; " and a formatted part while there is room. */
static void
say(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	if (*used > 0) {
		n = snprintf(buf + *used, len - *used, "; ");
		*used += n > 0 ? (size_t)n : 0;
		if (*used >= len)
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	*used += n > 0 ? (size_t)n : 0;
}

static void
say_changed(char *buf, size_t len, size_t *used, const struct tablefp_item *w,
    const struct tablefp_item *g)
{
	const char *what = w->kind == 'c' ? "rule" : "element";
	uint32_t d = g->n > w->n ? g->n - w->n : w->n - g->n;

	if (w->kind == 'o')
		say(buf, len, used, "counter %s changed type", w->name);
	else if (g->n != w->n)
		say(buf, len, used, "%s %s: %u %s%s %s (%u, %u expected)",
		    kind_word(w->kind), w->name, d, what, d == 1 ? "" : "s",
		    g->n > w->n ? "added" : "removed", g->n, w->n);
	else
		say(buf, len, used, "%s %s changed (%s or its %ss)",
		    kind_word(w->kind), w->name, w->kind == 'c' ? "its hook,"
		    " policy" : "its type", what);
}

size_t
tablefp_diff(const struct tablefp *want, const struct tablefp *got,
    char *buf, size_t len)
{
	struct tablefp_item *w = NULL, *g = NULL;
	size_t i = 0, j = 0, nd = 0, used = 0;
	int c;

	if (len > 0)
		buf[0] = '\0';
	if (want->present && !got->present) {
		say(buf, len, &used, "table inet %s deleted", NFTC_TABLE);
		return 1;
	}
	if (!want->present && got->present) {
		say(buf, len, &used, "table inet %s created", NFTC_TABLE);
		return 1;
	}
	if ((want->n > 0 && (w = malloc(want->n * sizeof(*w))) == NULL) ||
	    (got->n > 0 && (g = malloc(got->n * sizeof(*g))) == NULL)) {
		free(w);
		say(buf, len, &used, "(out of memory comparing)");
		return 1;
	}
	if (want->n > 0)
		memcpy(w, want->v, want->n * sizeof(*w));
	if (got->n > 0)
		memcpy(g, got->v, got->n * sizeof(*g));
	qsort(w, want->n, sizeof(*w), item_cmp);
	qsort(g, got->n, sizeof(*g), item_cmp);
	while (i < want->n || j < got->n) {
		c = i == want->n ? 1 : j == got->n ? -1 : item_cmp(&w[i], &g[j]);
		if (c < 0) {
			say(buf, len, &used, "%s %s deleted", kind_word(w[i].kind),
			    w[i].name);
			i++;
			nd++;
		} else if (c > 0) {
			say(buf, len, &used, "%s %s added", kind_word(g[j].kind),
			    g[j].name);
			j++;
			nd++;
		} else {
			if (w[i].h != g[j].h || w[i].n != g[j].n) {
				say_changed(buf, len, &used, &w[i], &g[j]);
				nd++;
			}
			i++;
			j++;
		}
	}
	free(w);
	free(g);
	return nd;
}
