/* nl_ack.c - reading a batch's acks and naming the message the kernel refused. */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>

#include "basetable.h"
#include "nftc.h"
#include "nl.h"
#include "nl_batch.h"

/* The message in words, from what was remembered when it was built. */
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

/* Read every ack queued for this batch; the first error (by message order) wins. */
void
nl_acks_read(struct nl *nl, const struct batch *b, struct acks *k)
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

/* The first error in words: which message, the kernel's text, a hint. */
void
nl_acks_explain(const struct batch *b, const struct acks *k,
    struct nl_error *e)
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
