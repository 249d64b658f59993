/* nl.c - the netfilter netlink socket: ruleset generation and atomic batches. */
#include <sys/socket.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "basetable.h"
#include "nftc.h"
#include "nl.h"

#ifndef NFT_TABLE_F_PERSIST
#define NFT_TABLE_F_PERSIST	0x4
#endif

/* Pages as nft sizes them: one message is at most 64 KiB of attributes. */
#define BATCH_PAGE	(2u * 1024 * 1024)
#define NLMSG_MAX	(65535u + 4096u)
/* Another process changing the ruleset at the wrong moment, more than this: give up. */
#define GENID_TRIES	5
/* Acks are small (NETLINK_CAP_ACK) but each costs about 1 KiB of socket memory. */
#define ACK_COST	1024u
#define RCVBUF_MAX	(256u * 1024 * 1024)

struct nl {
	struct mnl_socket *sock;
	uint32_t	 portid;
	uint32_t	 seq;
};

/* What each message of a batch is about, to turn an error's seq into words. */
enum msg_kind {
	MK_BEGIN, MK_TABLE_ENSURE, MK_TABLE_DEL, MK_TABLE_NEW, MK_BASE, MK_OBJ,
	MK_SET, MK_ELEMS, MK_DELELEMS, MK_CHAIN, MK_RULE, MK_END,
};

struct msgref {
	enum msg_kind	 kind;
	uint32_t	 n;		/* rule position in its chain, elems message */
	void		*obj;
};

struct batch {
	struct nftnl_batch *nb;
	struct msgref	*refs;
	size_t		 n, cap;
	uint32_t	 base;		/* seq of refs[0] */
	unsigned char	*genid;		/* NFNL_BATCH_GENID payload, patched per try */
	size_t		 nacked;	/* messages carrying NLM_F_ACK */
};

struct nl *
nl_open(void)
{
	struct nl *nl;
	int one = 1;

	if ((nl = calloc(1, sizeof(*nl))) == NULL)
		return NULL;
	if ((nl->sock = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC)) == NULL)
		goto fail;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) == -1)
		goto fail;
	/* Acks without a copy of our message; error text when the kernel has one. */
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return nl;
fail:
	nl_close(nl);
	return NULL;
}

uint32_t
nl_portid(const struct nl *nl)
{
	return nl->portid;
}

void
nl_close(struct nl *nl)
{
	int saved = errno;

	if (nl == NULL)
		return;
	if (nl->sock != NULL)
		mnl_socket_close(nl->sock);
	free(nl);
	errno = saved;
}

/*
 * The kernel answers a request before sendmsg() returns, so everything
 * there is to read is queued by then; stale messages of an earlier
 * request are dropped before a new one.
 */
static void
nl_drain(struct nl *nl)
{
	char buf[8192];

	while (recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf),
	    MSG_DONTWAIT) > 0 || errno == EINTR || errno == ENOBUFS)
		;
}

int
nl_getgen(struct nl *nl, uint32_t *gen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nftnl_gen *g;
	const struct nlmsgerr *err;
	uint32_t seq = ++nl->seq;
	ssize_t n;
	int left, rc = -1;

	nl_drain(nl);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, 0, seq);
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) == -1)
		return -1;
	while ((n = recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf),
	    MSG_DONTWAIT)) > 0) {
		left = (int)n;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		    nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				err = mnl_nlmsg_get_payload(nlh);
				if (err->error != 0) {
					errno = -err->error;
					return -1;
				}
				continue;
			}
			if ((g = nftnl_gen_alloc()) == NULL)
				return -1;
			if (nftnl_gen_nlmsg_parse(nlh, g) == 0) {
				*gen = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
				rc = 0;
			}
			nftnl_gen_free(g);
		}
	}
	if (rc == -1 && errno == EAGAIN)
		errno = EPROTO;		/* no answer to a synchronous request */
	return rc;
}

static void
batch_free(struct batch *b)
{
	if (b->nb != NULL)
		nftnl_batch_free(b->nb);
	free(b->refs);
	memset(b, 0, sizeof(*b));
}

static int
batch_init(struct batch *b, struct nl *nl)
{
	memset(b, 0, sizeof(*b));
	if ((b->nb = nftnl_batch_alloc(BATCH_PAGE, NLMSG_MAX)) == NULL)
		return -1;
	b->base = nl->seq + 1;
	return 0;
}

/* Remember what the next message is about; its seq is base + index. */
static int
ref_add(struct batch *b, enum msg_kind kind, void *obj, uint32_t n)
{
	struct msgref *r;
	size_t cap;

	if (b->n == b->cap) {
		cap = b->cap ? b->cap * 2 : 256;
		if ((r = reallocarray(b->refs, cap, sizeof(*r))) == NULL)
			return -1;
		b->refs = r;
		b->cap = cap;
	}
	r = &b->refs[b->n++];
	r->kind = kind;
	r->obj = obj;
	r->n = n;
	return 0;
}

/* Start the next message; NULL when out of memory. */
static struct nlmsghdr *
batch_msg(struct batch *b, struct nl *nl, uint16_t type, uint16_t flags,
    enum msg_kind kind, void *obj, uint32_t n)
{
	if (ref_add(b, kind, obj, n) == -1)
		return NULL;
	if (flags & NLM_F_ACK)
		b->nacked++;
	return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->nb), type,
	    NFPROTO_INET, flags, ++nl->seq);
}

/* Close the message just built; a new page is allocated when this one is full. */
static int
batch_next(struct batch *b)
{
	return nftnl_batch_update(b->nb) < 0 ? -1 : 0;
}

static int
batch_begin(struct batch *b, struct nl *nl)
{
	struct nlmsghdr *nlh;
	struct nlattr *a;

	if (ref_add(b, MK_BEGIN, NULL, 0) == -1)
		return -1;
	nlh = nftnl_batch_begin(nftnl_batch_buffer(b->nb), ++nl->seq);
	/* The generation is filled in just before each send (batch_commit). */
	a = (struct nlattr *)mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, 0);
	b->genid = mnl_attr_get_payload(a);
	return batch_next(b);
}

static int
batch_end(struct batch *b, struct nl *nl)
{
	if (ref_add(b, MK_END, NULL, 0) == -1)
		return -1;
	nftnl_batch_end(nftnl_batch_buffer(b->nb), ++nl->seq);
	return batch_next(b);
}

static int
batch_table(struct batch *b, struct nl *nl, uint16_t type, uint16_t flags,
    enum msg_kind kind, uint32_t tflags, bool with_flags, const char *name)
{
	struct nftnl_table *t;
	struct nlmsghdr *nlh;

	if ((t = nftnl_table_alloc()) == NULL)
		return -1;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, name);
	if (with_flags)
		nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, tflags);
	if ((nlh = batch_msg(b, nl, type, flags, kind, NULL, tflags)) == NULL) {
		nftnl_table_free(t);
		return -1;
	}
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return batch_next(b);
}

/* NEWSETELEM/DELSETELEM split over as many messages as the elements need. */
static int
batch_elems(struct batch *b, struct nl *nl, struct nftnl_set *s,
    uint16_t type, enum msg_kind kind)
{
	struct nftnl_set_elems_iter *it;
	struct nlmsghdr *nlh;
	uint32_t part = 0;
	int ret, rc = -1;

	if ((it = nftnl_set_elems_iter_create(s)) == NULL)
		return -1;
	while (nftnl_set_elems_iter_cur(it) != NULL) {
		nlh = batch_msg(b, nl, type, NLM_F_ACK |
		    (type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0), kind, s,
		    ++part);
		if (nlh == NULL)
			goto out;
		ret = nftnl_set_elems_nlmsg_build_payload_iter(nlh, it);
		if (batch_next(b) == -1)
			goto out;
		if (ret <= 0)
			break;		/* 1: the message is full, more follow */
	}
	rc = 0;
out:
	nftnl_set_elems_iter_destroy(it);
	return rc;
}

/* The whole replacement, in the order the kernel needs the objects. */
static int
batch_replace(struct batch *b, struct nl *nl, const struct nftc_out *o)
{
	const uint16_t cx = NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	const char *chain, *prev = NULL;
	struct nlmsghdr *nlh;
	uint32_t pos = 0;
	size_t i;

	if (batch_begin(b, nl) == -1)
		return -1;
	/* Created first without flags so the delete cannot fail with ENOENT. */
	if (batch_table(b, nl, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_ACK,
	    MK_TABLE_ENSURE, 0, false, NFTC_TABLE) == -1 ||
	    batch_table(b, nl, NFT_MSG_DELTABLE, NLM_F_ACK, MK_TABLE_DEL,
	    0, false, NFTC_TABLE) == -1)
		return -1;
	/*
	 * The boot-time barrier (basetable.h) goes in the same batch: its
	 * forward drop and our table must never both be live.
	 */
	if (batch_table(b, nl, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_ACK,
	    MK_BASE, 0, false, BASE_TABLE) == -1 ||
	    batch_table(b, nl, NFT_MSG_DELTABLE, NLM_F_ACK, MK_BASE,
	    0, false, BASE_TABLE) == -1)
		return -1;
	if ((nlh = batch_msg(b, nl, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_ACK,
	    MK_TABLE_NEW, o->table,
	    nftnl_table_get_u32(o->table, NFTNL_TABLE_FLAGS))) == NULL)
		return -1;
	nftnl_table_nlmsg_build_payload(nlh, o->table);
	if (batch_next(b) == -1)
		return -1;
	for (i = 0; i < o->nobjs; i++) {
		if ((nlh = batch_msg(b, nl, NFT_MSG_NEWOBJ, cx, MK_OBJ,
		    o->objs[i], 0)) == NULL)
			return -1;
		nftnl_obj_nlmsg_build_payload(nlh, o->objs[i]);
		if (batch_next(b) == -1)
			return -1;
	}
	/* Chains before sets: verdict map elements jump to them. */
	for (i = 0; i < o->nchains; i++) {
		if ((nlh = batch_msg(b, nl, NFT_MSG_NEWCHAIN, cx, MK_CHAIN,
		    o->chains[i], 0)) == NULL)
			return -1;
		nftnl_chain_nlmsg_build_payload(nlh, o->chains[i]);
		if (batch_next(b) == -1)
			return -1;
	}
	for (i = 0; i < o->nsets; i++) {
		if ((nlh = batch_msg(b, nl, NFT_MSG_NEWSET, cx, MK_SET,
		    o->sets[i], 0)) == NULL)
			return -1;
		nftnl_set_nlmsg_build_payload(nlh, o->sets[i]);
		if (batch_next(b) == -1 ||
		    batch_elems(b, nl, o->sets[i], NFT_MSG_NEWSETELEM,
		    MK_ELEMS) == -1)
			return -1;
	}
	for (i = 0; i < o->nrules; i++) {
		chain = nftnl_rule_get_str(o->rules[i], NFTNL_RULE_CHAIN);
		pos = (prev != NULL && chain != NULL && strcmp(prev, chain) == 0) ?
		    pos + 1 : 1;
		prev = chain;
		if ((nlh = batch_msg(b, nl, NFT_MSG_NEWRULE,
		    NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, MK_RULE,
		    o->rules[i], pos)) == NULL)
			return -1;
		nftnl_rule_nlmsg_build_payload(nlh, o->rules[i]);
		if (batch_next(b) == -1)
			return -1;
	}
	return batch_end(b, nl);
}

static void
describe(const struct msgref *r, char *buf, size_t len)
{
	switch (r->kind) {
	case MK_BEGIN:
		snprintf(buf, len, "starting the batch");
		break;
	case MK_TABLE_ENSURE:
		snprintf(buf, len, "creating table inet %s", NFTC_TABLE);
		break;
	case MK_TABLE_DEL:
		snprintf(buf, len, "deleting table inet %s", NFTC_TABLE);
		break;
	case MK_TABLE_NEW:
		snprintf(buf, len, "creating table inet %s with flags 0x%x",
		    NFTC_TABLE, r->n);
		break;
	case MK_BASE:
		snprintf(buf, len, "removing the boot-time table inet %s",
		    BASE_TABLE);
		break;
	case MK_OBJ:
		snprintf(buf, len, "adding counter %s",
		    nftnl_obj_get_str(r->obj, NFTNL_OBJ_NAME));
		break;
	case MK_SET:
		snprintf(buf, len, "adding set %s",
		    nftnl_set_get_str(r->obj, NFTNL_SET_NAME));
		break;
	case MK_ELEMS:
	case MK_DELELEMS:
		snprintf(buf, len, "%s elements of set %s (part %u)",
		    r->kind == MK_ELEMS ? "adding" : "deleting",
		    nftnl_set_get_str(r->obj, NFTNL_SET_NAME), r->n);
		break;
	case MK_CHAIN:
		snprintf(buf, len, "adding chain %s",
		    nftnl_chain_get_str(r->obj, NFTNL_CHAIN_NAME));
		break;
	case MK_RULE:
		snprintf(buf, len, "adding rule %u of chain %s", r->n,
		    nftnl_rule_get_str(r->obj, NFTNL_RULE_CHAIN));
		break;
	case MK_END:
		snprintf(buf, len, "committing the batch");
		break;
	}
}

/* The kernel's own words (extended ack), if it gave any. */
static const char *
extack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off = sizeof(*err);
	int len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += mnl_nlmsg_get_payload_len(&err->msg);
	if (off >= mnl_nlmsg_get_payload_len(nlh))
		return NULL;
	len = (int)(mnl_nlmsg_get_payload_len(nlh) - off);
	for (a = (const struct nlattr *)(const void *)((const char *)err + off);
	    mnl_attr_ok(a, len); a = mnl_attr_next(a)) {
		len -= (int)MNL_ALIGN(a->nla_len);
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(a);
	}
	return NULL;
}

struct acks {
	size_t	 ok;		/* acks with error 0 */
	size_t	 nerr;
	size_t	 first;		/* message index of the first error */
	int	 code;
	bool	 lost;		/* ENOBUFS: some acks were dropped */
	char	 ext[160];
};

/* Read every ack queued for this batch; the first error (by message order) wins. */
static void
read_acks(struct nl *nl, const struct batch *b, struct acks *k)
{
	char buf[65536] __attribute__((aligned(4)));
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *err;
	const char *ext;
	size_t idx;
	ssize_t n;
	int left;

	memset(k, 0, sizeof(*k));
	for (;;) {
		n = recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf),
		    MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				k->lost = true;
				continue;
			}
			break;		/* EAGAIN: all read */
		}
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		    nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
				continue;
			err = mnl_nlmsg_get_payload(nlh);
			idx = err->msg.nlmsg_seq - b->base;
			if (idx >= b->n)
				continue;	/* not ours */
			if (err->error == 0) {
				k->ok++;
				continue;
			}
			if (k->nerr++ == 0 || idx < k->first) {
				k->first = idx;
				k->code = -err->error;
				ext = extack_msg(nlh);
				snprintf(k->ext, sizeof(k->ext), "%s%s",
				    ext ? " - " : "", ext ? ext : "");
			}
		}
	}
}

static void
explain(const struct batch *b, const struct acks *k, struct nl_error *e)
{
	const struct msgref *r = &b->refs[k->first];
	char what[200];
	const char *hint = "";

	describe(r, what, sizeof(what));
	e->code = k->code;
	e->table_flags = r->kind == MK_TABLE_NEW &&
	    (k->code == EOPNOTSUPP || k->code == EINVAL);
	if (k->code == EPERM && (r->kind == MK_TABLE_ENSURE ||
	    r->kind == MK_TABLE_DEL))
		hint = " (the table belongs to another process, another"
		    " bunrid in this network namespace?  Or CAP_NET_ADMIN"
		    " is missing)";
	snprintf(e->msg, sizeof(e->msg), "%s: %s%s%s%s", what,
	    strerror(k->code), k->ext, hint,
	    k->nerr > 1 ? " (and later errors that follow from it)" : "");
}

/* Room for the whole batch in one sendmsg() and for every ack it earns. */
static void
size_buffers(struct nl *nl, const struct batch *b)
{
	int fd = mnl_socket_get_fd(nl->sock);
	uint64_t want;
	int cur = 0, v;
	socklen_t len = sizeof(cur);

	want = (uint64_t)nftnl_batch_iovec_len(b->nb) * (BATCH_PAGE + NLMSG_MAX);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &len) == 0 &&
	    (uint64_t)cur < want && want < INT32_MAX) {
		v = (int)want;
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) == -1)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	}
	want = (uint64_t)b->n * ACK_COST + 65536;
	if (want > RCVBUF_MAX)
		want = RCVBUF_MAX;
	len = sizeof(cur);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &cur, &len) == 0 &&
	    (uint64_t)cur < want) {
		v = (int)want;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) == -1)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	}
}

/* Send a built batch, with a fresh generation for each try. */
static int
batch_commit(struct nl *nl, struct batch *b, struct nl_error *e)
{
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	struct msghdr mh;
	struct iovec *iov;
	struct acks k;
	uint32_t gen, gen2, be;
	int try, niov, rc = -1;

	memset(e, 0, sizeof(*e));
	niov = nftnl_batch_iovec_len(b->nb);
	if ((iov = calloc((size_t)niov, sizeof(*iov))) == NULL) {
		e->code = errno;
		snprintf(e->msg, sizeof(e->msg), "batch: %s", strerror(errno));
		return -1;
	}
	nftnl_batch_iovec(b->nb, iov, (uint32_t)niov);
	size_buffers(nl, b);
	for (try = 1; try <= GENID_TRIES; try++) {
		if (nl_getgen(nl, &gen) == -1) {
			e->code = errno;
			snprintf(e->msg, sizeof(e->msg),
			    "reading the ruleset generation: %s", strerror(errno));
			goto out;
		}
		be = htonl(gen);
		memcpy(b->genid, &be, sizeof(be));
		nl_drain(nl);
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &snl;
		mh.msg_namelen = sizeof(snl);
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)niov;
		if (sendmsg(mnl_socket_get_fd(nl->sock), &mh, 0) == -1) {
			e->code = errno;
			snprintf(e->msg, sizeof(e->msg),
			    "sending the batch (%zu messages): %s", b->n,
			    strerror(errno));
			goto out;
		}
		read_acks(nl, b, &k);
		if (k.nerr > 0 && k.first == 0 && k.code == ERESTART)
			continue;	/* the ruleset changed under us: again */
		if (k.nerr > 0) {
			explain(b, &k, e);
			goto out;
		}
		if (k.lost || k.ok < b->nacked) {
			/* The commit bumps the generation: did it happen? */
			if (nl_getgen(nl, &gen2) == 0 && gen2 != gen) {
				rc = 0;
				goto out;
			}
			e->code = EPROTO;
			snprintf(e->msg, sizeof(e->msg), "the kernel acknowledged"
			    " %zu of %zu messages%s and did not apply the batch",
			    k.ok, b->nacked, k.lost ? " (acks lost)" : "");
			goto out;
		}
		rc = 0;
		goto out;
	}
	e->code = ERESTART;
	snprintf(e->msg, sizeof(e->msg), "the ruleset kept changing while"
	    " we applied ours (%d tries); another program is editing nftables",
	    GENID_TRIES);
out:
	free(iov);
	return rc;
}

int
nl_replace_table(struct nl *nl, const struct nftc_out *o, struct nl_error *e)
{
	struct batch b;
	int rc;

	memset(e, 0, sizeof(*e));
	if (batch_init(&b, nl) == -1 || batch_replace(&b, nl, o) == -1) {
		e->code = errno ? errno : ENOMEM;
		snprintf(e->msg, sizeof(e->msg), "building the batch: %s",
		    strerror(e->code));
		batch_free(&b);
		return -1;
	}
	rc = batch_commit(nl, &b, e);
	batch_free(&b);
	return rc;
}

int
nl_set_elems(struct nl *nl, struct nftnl_set *s, bool add,
    struct nl_error *e)
{
	struct batch b;
	int rc;

	memset(e, 0, sizeof(*e));
	if (batch_init(&b, nl) == -1 || batch_begin(&b, nl) == -1 ||
	    batch_elems(&b, nl, s, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
	    add ? MK_ELEMS : MK_DELELEMS) == -1 || batch_end(&b, nl) == -1) {
		e->code = errno ? errno : ENOMEM;
		snprintf(e->msg, sizeof(e->msg), "building the batch: %s",
		    strerror(e->code));
		batch_free(&b);
		return -1;
	}
	rc = batch_commit(nl, &b, e);
	batch_free(&b);
	return rc;
}
