/* nl_counters.c - read the named counters of table inet bunri (NFT_MSG_GETOBJ dump). */
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/object.h>

#include "nftc.h"
#include "nl_counters.h"

/* A kernel that does not answer within this is treated as an error. */
#define DUMP_TIMEOUT_MS	2000
#define DUMP_BUF	(64u * 1024)

struct dump {
	struct nl_counter *v;
	size_t		 n, cap;
	int		 err;
};

static int
obj_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump *d = arg;
	struct nftnl_obj *o;
	struct nl_counter *nv;
	const char *name, *table;
	size_t cap;

	if ((o = nftnl_obj_alloc()) == NULL) {
		d->err = ENOMEM;
		return MNL_CB_ERROR;
	}
	if (nftnl_obj_nlmsg_parse(nlh, o) == -1)
		goto out;	/* not a counter we can read: skip it */
	/* The kernel filters by table, but a dump is read defensively. */
	table = nftnl_obj_get_str(o, NFTNL_OBJ_TABLE);
	name = nftnl_obj_get_str(o, NFTNL_OBJ_NAME);
	if (table == NULL || name == NULL || strcmp(table, NFTC_TABLE) != 0 ||
	    nftnl_obj_get_u32(o, NFTNL_OBJ_FAMILY) != NFPROTO_INET ||
	    nftnl_obj_get_u32(o, NFTNL_OBJ_TYPE) != NFT_OBJECT_COUNTER)
		goto out;
	if (d->n == d->cap) {
		cap = d->cap ? 2 * d->cap : 64;
		if ((nv = reallocarray(d->v, cap, sizeof(*nv))) == NULL) {
			d->err = ENOMEM;
			nftnl_obj_free(o);
			return MNL_CB_ERROR;
		}
		d->v = nv;
		d->cap = cap;
	}
	if ((d->v[d->n].name = strdup(name)) == NULL) {
		d->err = ENOMEM;
		nftnl_obj_free(o);
		return MNL_CB_ERROR;
	}
	d->v[d->n].packets = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_PKTS);
	d->v[d->n].bytes = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_BYTES);
	d->n++;
out:
	nftnl_obj_free(o);
	return MNL_CB_OK;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct nl_counter *)a)->name,
	    ((const struct nl_counter *)b)->name);
}

int
nl_counters_dump(struct nl_counter **v, size_t *n)
{
	struct mnl_socket *sock;
	struct nftnl_obj *o = NULL;
	struct nlmsghdr *nlh;
	struct timeval tv = { DUMP_TIMEOUT_MS / 1000,
	    (DUMP_TIMEOUT_MS % 1000) * 1000 };
	struct dump d;
	uint32_t seq = (uint32_t)time(NULL), portid;
	char *buf = NULL;
	ssize_t len;
	int ret, rc = -1, saved;

	memset(&d, 0, sizeof(d));
	*v = NULL;
	*n = 0;
	if ((sock = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC)) == NULL)
		return -1;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) == -1 ||
	    setsockopt(mnl_socket_get_fd(sock), SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == -1)
		goto out;
	portid = mnl_socket_get_portid(sock);
	if ((buf = malloc(DUMP_BUF)) == NULL || (o = nftnl_obj_alloc()) == NULL)
		goto out;
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, NFTC_TABLE);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETOBJ, NFPROTO_INET,
	    NLM_F_DUMP, seq);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) == -1)
		goto out;
	for (;;) {
		len = mnl_socket_recvfrom(sock, buf, DUMP_BUF);
		if (len == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				errno = ETIMEDOUT;
			goto out;
		}
		ret = mnl_cb_run(buf, (size_t)len, seq, portid, obj_cb, &d);
		if (ret == MNL_CB_ERROR) {
			if (d.err != 0)
				errno = d.err;
			goto out;
		}
		if (ret == MNL_CB_STOP)
			break;
	}
	qsort(d.v, d.n, sizeof(*d.v), by_name);
	*v = d.v;
	*n = d.n;
	d.v = NULL;
	d.n = 0;
	rc = 0;
out:
	saved = errno;
	nl_counters_free(d.v, d.n);
	nftnl_obj_free(o);
	free(buf);
	mnl_socket_close(sock);
	errno = saved;
	return rc;
}

void
nl_counters_free(struct nl_counter *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

const struct nl_counter *
nl_counter_find(const struct nl_counter *v, size_t n, const char *name)
{
	struct nl_counter key;

	if (n == 0)
		return NULL;
	key.name = (char *)(uintptr_t)name;	/* only read by by_name */
	return bsearch(&key, v, n, sizeof(*v), by_name);
}
