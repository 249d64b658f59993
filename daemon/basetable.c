/* basetable.c - the boot-time barrier table inet bunri_base (systemd/base.nft) and its removal. */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/table.h>

#include "basetable.h"

static int
put_table(char *buf, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nftnl_table *t;
	struct nlmsghdr *nlh;

	if ((t = nftnl_table_alloc()) == NULL)
		return -1;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, BASE_TABLE);
	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET, flags, seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return (int)nlh->nlmsg_len;
}

/* Is the table there?  GETTABLE: 1 yes, 0 no, -1 + errno. */
static int
exists(struct mnl_socket *s, uint32_t seq, uint32_t portid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;
	int len;

	if ((len = put_table(buf, NFT_MSG_GETTABLE, NLM_F_ACK, seq)) == -1)
		return -1;
	if (mnl_socket_sendto(s, buf, (size_t)len) == -1)
		return -1;
	if ((n = mnl_socket_recvfrom(s, buf, sizeof(buf))) == -1)
		return -1;
	if (mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL) == -1)
		return errno == ENOENT ? 0 : -1;
	return 1;
}

int
basetable_remove(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *s;
	struct mnl_nlmsg_batch *b;
	uint32_t seq = (uint32_t)time(NULL), portid;
	ssize_t n;
	int len, rc = -1, ret;

	if ((s = mnl_socket_open(NETLINK_NETFILTER)) == NULL)
		return -1;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) == -1)
		goto out;
	portid = mnl_socket_get_portid(s);
	if ((ret = exists(s, seq++, portid)) != 1) {
		rc = ret;
		goto out;
	}
	if ((b = mnl_nlmsg_batch_start(buf, sizeof(buf))) == NULL)
		goto out;
	nftnl_batch_begin(mnl_nlmsg_batch_current(b), seq++);
	mnl_nlmsg_batch_next(b);
	len = put_table(mnl_nlmsg_batch_current(b), NFT_MSG_DELTABLE,
	    NLM_F_ACK, seq++);
	mnl_nlmsg_batch_next(b);
	nftnl_batch_end(mnl_nlmsg_batch_current(b), seq++);
	mnl_nlmsg_batch_next(b);
	if (len == -1 || mnl_socket_sendto(s, mnl_nlmsg_batch_head(b),
	    mnl_nlmsg_batch_size(b)) == -1) {
		mnl_nlmsg_batch_stop(b);
		goto out;
	}
	mnl_nlmsg_batch_stop(b);
	/* One ack, for the DELTABLE (begin/end carry no NLM_F_ACK). */
	if ((n = mnl_socket_recvfrom(s, buf, sizeof(buf))) == -1)
		goto out;
	if (mnl_cb_run(buf, (size_t)n, 0, portid, NULL, NULL) == -1)
		goto out;
	rc = 1;
out:
	mnl_socket_close(s);
	return rc;
}
