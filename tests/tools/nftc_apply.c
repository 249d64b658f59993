/* nftc_apply.c - test helper: compile a policy, print its nft text or install it over netlink (run inside a scratch netns). */
/*
 * Build: cc -std=c11 -D_GNU_SOURCE -Ilib -o build/nftc_apply tests/tools/nftc_apply.c \
 *          build/libbunri.a -lnftnl -lmnl -lconfig -lsodium
 * Usage: nftc_apply text|apply POLICY NOW
 * Used to check that both back-ends give the same `nft list table inet bunri`.
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "conf.h"
#include "diag.h"
#include "nftc.h"

static int
send_out(const struct nftc_out *o)
{
	struct mnl_socket *nl;
	struct mnl_nlmsg_batch *b;
	struct nlmsghdr *nlh;
	static char big[256 << 20];
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = 1;
	size_t i;
	int ret;

	b = mnl_nlmsg_batch_start(big, sizeof(big));
	nftnl_batch_begin(mnl_nlmsg_batch_current(b), seq++);
	mnl_nlmsg_batch_next(b);
#define nftnl_batch_update(b) mnl_nlmsg_batch_next(b)
#define MSG(type, flags) nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), type, \
	    NFPROTO_INET, (flags) | NLM_F_ACK, seq++)
	nlh = MSG(NFT_MSG_NEWTABLE, NLM_F_CREATE);
	nftnl_table_nlmsg_build_payload(nlh, o->table);
	nftnl_batch_update(b);
	for (i = 0; i < o->nchains; i++) {
		nlh = MSG(NFT_MSG_NEWCHAIN, NLM_F_CREATE);
		nftnl_chain_nlmsg_build_payload(nlh, o->chains[i]);
		nftnl_batch_update(b);
	}
	for (i = 0; i < o->nobjs; i++) {
		nlh = MSG(NFT_MSG_NEWOBJ, NLM_F_CREATE);
		nftnl_obj_nlmsg_build_payload(nlh, o->objs[i]);
		nftnl_batch_update(b);
	}
	for (i = 0; i < o->nsets; i++) {
		struct nftnl_set_elems_iter *it;

		nlh = MSG(NFT_MSG_NEWSET, NLM_F_CREATE);
		nftnl_set_nlmsg_build_payload(nlh, o->sets[i]);
		nftnl_batch_update(b);
		it = nftnl_set_elems_iter_create(o->sets[i]);
		while (nftnl_set_elems_iter_cur(it) != NULL) {
			nlh = MSG(NFT_MSG_NEWSETELEM, NLM_F_CREATE);
			ret = nftnl_set_elems_nlmsg_build_payload_iter(nlh, it);
			nftnl_batch_update(b);
			if (ret <= 0)
				break;	/* 1: message full, more follow */
		}
		nftnl_set_elems_iter_destroy(it);
	}
	for (i = 0; i < o->nrules; i++) {
		nlh = MSG(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
		nftnl_rule_nlmsg_build_payload(nlh, o->rules[i]);
		nftnl_batch_update(b);
	}
	nftnl_batch_end(mnl_nlmsg_batch_current(b), seq++);
	nftnl_batch_update(b);
	nl = mnl_socket_open(NETLINK_NETFILTER);
	mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID);
	/* one sendmsg of the whole batch: the socket buffer must hold it (as nft does) */
	int sz = (int)mnl_nlmsg_batch_size(b) + 4096;
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &sz,
	    sizeof(sz));
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b),
	    mnl_nlmsg_batch_size(b)) < 0) {
		perror("sendto");
		return -1;
	}
	ret = 0;
	for (;;) {
		int n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (mnl_cb_run(buf, (size_t)n, 0, mnl_socket_get_portid(nl),
		    NULL, NULL) < 0) {
			fprintf(stderr, "netlink: %s\n", strerror(errno));
			ret = -1;
			break;
		}
		/* acks: stop when the socket has nothing more */
		struct timeval tv = { 0, 200000 };
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv));
	}
	mnl_socket_close(nl);
	mnl_nlmsg_batch_stop(b);
	return ret;
}

int
main(int argc, char **argv)
{
	struct diags d;
	struct policy *p;
	struct nft_ir *ir;
	struct nftc_opts o = { 0 };
	struct nftc_out out;
	int rc = 0;

	if (argc < 4)
		return 2;
	memset(&d, 0, sizeof(d));
	o.now = (time_t)strtoll(argv[3], NULL, 10);
	if ((p = conf_load(argv[2], o.now, &d)) == NULL) {
		fprintf(stderr, "policy does not load\n");
		return 1;
	}
	if ((ir = nftc_compile(p, &o)) == NULL)
		return 1;
	if (strcmp(argv[1], "text") == 0)
		rc = nftc_render(ir, stdout);
	else {
		if (nftc_to_nftnl(ir, &out) == -1)
			return 1;
		rc = send_out(&out);
		nftc_out_free(&out);
	}
	nft_ir_free(ir);
	policy_free(p);
	return rc == 0 ? 0 : 1;
}
