/* nl_batch.h - what nl.c, nl_batch.c and nl_ack.c share: the socket, a batch, its acks. */
#ifndef BUNRI_NL_BATCH_H
#define BUNRI_NL_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mnl_socket;
struct nftc_out;
struct nftnl_batch;
struct nftnl_set;
struct nl;
struct nl_error;

/* Pages as nft sizes them: one message is at most 64 KiB of attributes. */
#define BATCH_PAGE	(2u * 1024 * 1024)
#define NLMSG_MAX	(65535u + 4096u)

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

/* What the kernel answered to one send of a batch. */
struct acks {
	size_t	 ok;		/* acks with error 0 */
	size_t	 nerr;
	size_t	 first;		/* message index of the first error */
	int	 code;
	bool	 lost;		/* ENOBUFS: some acks were dropped */
	char	 ext[160];
};

/* nl_batch.c: building, seq numbers taken from nl.  -1 + errno (out of memory). */
int	 nl_batch_init(struct batch *, struct nl *);
void	 nl_batch_free(struct batch *);
int	 nl_batch_begin(struct batch *, struct nl *);
int	 nl_batch_end(struct batch *, struct nl *);
int	 nl_batch_elems(struct batch *, struct nl *, struct nftnl_set *,
	    uint16_t type, enum msg_kind);
int	 nl_batch_replace(struct batch *, struct nl *, const struct nftc_out *);

/* nl_ack.c: reading the answers and putting the first error into words. */
void	 nl_acks_read(struct nl *, const struct batch *, struct acks *);
void	 nl_acks_explain(const struct batch *, const struct acks *,
	    struct nl_error *);

#endif
