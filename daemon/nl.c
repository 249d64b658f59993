/* nl.c - the netfilter netlink socket: ruleset generation and sending atomic batches. */
#include <sys/socket.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>

#include "nl.h"
#include "nl_batch.h"

/* Another process changing the ruleset at the wrong moment, more than this: give up. */
#define GENID_TRIES	5
/* Acks are small (NETLINK_CAP_ACK) but each costs about 1 KiB of socket memory. */
#define ACK_COST	1024u
#define RCVBUF_MAX	(256u * 1024 * 1024)

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
		nl_acks_read(nl, b, &k);
		if (k.nerr > 0 && k.first == 0 && k.code == ERESTART)
			continue;	/* the ruleset changed under us: again */
		if (k.nerr > 0) {
			nl_acks_explain(b, &k, e);
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

/* Send a batch just built (built: 0) or report why building it failed. */
static int
batch_finish(struct nl *nl, struct batch *b, int built, struct nl_error *e)
{
	int rc = -1;

	if (built == -1) {
		e->code = errno ? errno : ENOMEM;
		snprintf(e->msg, sizeof(e->msg), "building the batch: %s",
		    strerror(e->code));
	} else
		rc = batch_commit(nl, b, e);
	nl_batch_free(b);
	return rc;
}

int
nl_replace_table(struct nl *nl, const struct nftc_out *o, struct nl_error *e)
{
	struct batch b;
	int built;

	memset(e, 0, sizeof(*e));
	built = nl_batch_init(&b, nl) == -1 ||
	    nl_batch_replace(&b, nl, o) == -1 ? -1 : 0;
	return batch_finish(nl, &b, built, e);
}

int
nl_set_elems(struct nl *nl, struct nftnl_set *s, bool add,
    struct nl_error *e)
{
	struct batch b;
	int built;

	memset(e, 0, sizeof(*e));
	built = nl_batch_init(&b, nl) == -1 || nl_batch_begin(&b, nl) == -1 ||
	    nl_batch_elems(&b, nl, s, add ? NFT_MSG_NEWSETELEM :
	    NFT_MSG_DELSETELEM, add ? MK_ELEMS : MK_DELELEMS) == -1 ||
	    nl_batch_end(&b, nl) == -1 ? -1 : 0;
	return batch_finish(nl, &b, built, e);
}
