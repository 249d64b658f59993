/* nft_ir.h - the ruleset IR of table inet bunri, shared by the libnftnl and the text back-ends. */
#ifndef BUNRI_NFT_IR_H
#define BUNRI_NFT_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The IR is deliberately small: sets with typed elements, named counters,
 * chains, and rules made of a fixed vocabulary of matches and statements.
 * Each primitive has exactly one spelling in nft text and one expression
 * sequence in bytecode (the one nft 1.0.6 generates for that text), so the
 * two back-ends cannot drift apart.
 */

/* Element data types; values are nft's datatype ids (key type encoding). */
enum nir_type {
	NT_VERDICT = 1,
	NT_ETHER = 9,
	NT_IPV4 = 7,
	NT_IPV6 = 8,
	NT_PROTO = 12,		/* inet_proto */
	NT_SERVICE = 13,	/* inet_service */
	NT_ICMP = 14,		/* icmp_type */
	NT_ICMPV6 = 29,		/* icmpv6_type */
	NT_IFNAME = 41,
};

/* Packet fields a rule loads (as a match key or a map key). */
enum nir_field {
	NF_IIFNAME,
	NF_OIFNAME,
	NF_ETHER_SADDR,
	NF_IP_SADDR,
	NF_IP_DADDR,
	NF_IP6_SADDR,
	NF_IP6_DADDR,
	NF_L4PROTO,		/* meta l4proto */
	NF_TH_DPORT,
	NF_TH_SPORT,
	NF_TCP_DPORT,
	NF_ICMP_TYPE,
	NF_ICMPV6_TYPE,
};

#define NIR_MAXFIELDS	5
#define NIR_KEYMAX	64	/* padded concatenation: ether . ip6 . ip6 . proto . port = 48 */

enum nir_data {
	ND_NONE,		/* plain set */
	ND_VERDICT,		/* vmap */
	ND_COUNTER,		/* map to a named counter */
};

enum nir_verdict {
	NV_NONE,		/* no verdict (vmap statements) */
	NV_ACCEPT,
	NV_DROP,
	NV_JUMP,
};

struct nir_elem {
	uint8_t		 lo[NIR_KEYMAX];	/* padded layout: fields at 4-byte offsets */
	uint8_t		 hi[NIR_KEYMAX];	/* == lo unless an interval set */
	uint64_t	 timeout_ms;		/* 0: none */
	uint32_t	 prio;			/* lower wins on overlap (flow order) */
	int		 verdict;		/* enum nir_verdict (ND_VERDICT) */
	size_t		 ref;			/* chain (NV_JUMP) or counter index */
	bool		 dead;			/* removed by overlap resolution */
};

struct nir_set {
	char		 name[64];
	enum nir_type	 types[NIR_MAXFIELDS];
	int		 ntypes;
	bool		 interval;
	bool		 timeout;		/* some element has a timeout */
	bool		 dynamic;		/* elements change after the apply */
	enum nir_data	 data;
	struct nir_elem	*elems;
	size_t		 nelems, cap;
};

enum nir_mkind {
	NM_NFPROTO,		/* meta nfproto ipv4|ipv6: val 2 or 10 */
	NM_L4PROTO,		/* meta l4proto N */
	NM_IIFTYPE_ETHER,	/* meta iiftype ether */
	NM_IIF_LO,		/* iif "lo" */
	NM_CT_DIRECTION,	/* ct direction original|reply: val 0 or 1 */
	NM_CT_STATE,		/* ct state <bits>: val NF_CT_STATE_BIT mask */
	NM_LOOKUP,		/* fields @set */
	NM_LOOKUP_NOT,		/* fields != @set */
};

struct nir_match {
	enum nir_mkind	 kind;
	uint32_t	 val;
	enum nir_field	 f[NIR_MAXFIELDS];
	int		 nf;
	size_t		 set;
};

enum nir_skind {
	NS_VERDICT,		/* accept | drop */
	NS_VMAP,		/* fields vmap @set */
	NS_COUNTER_MAP,		/* counter name fields map @set, then the verdict */
};

struct nir_rule {
	size_t		 chain;
	struct nir_match m[4];
	int		 nm;
	enum nir_skind	 stmt;
	enum nir_field	 f[NIR_MAXFIELDS];	/* NS_VMAP, NS_COUNTER_MAP */
	int		 nf;
	size_t		 set;
	int		 verdict;		/* enum nir_verdict */
};

enum nir_hook {
	NH_NONE,
	NH_FORWARD,
	NH_INPUT,
};

struct nir_chain {
	char		 name[64];
	enum nir_hook	 hook;			/* base chains: priority filter, policy drop */
};

struct nft_ir {
	uint32_t	 table_flags;
	char		**counters;		/* counter object names, flow order */
	size_t		 ncounters;
	struct nir_set	*sets;
	size_t		 nsets, capsets;
	struct nir_chain *chains;
	size_t		 nchains, capchains;
	struct nir_rule	*rules;
	size_t		 nrules, caprules;
	bool		 oom;			/* a builder failed; nftc_compile returns NULL */
};

/* Byte length of one field value, and its padded (register) length. */
int	 nir_type_len(enum nir_type);
int	 nir_type_padlen(enum nir_type);
enum nir_type nir_field_type(enum nir_field);
/* Length of the key as the kernel sees it (unpadded for one field). */
int	 nir_set_keylen(const struct nir_set *);
uint32_t nir_set_size(const struct nir_set *);
/* Offset of field i in the padded layout. */
int	 nir_field_off(const struct nir_set *, int i);

/* Builders: on failure they set ir->oom and return a harmless value. */
size_t	 nir_set_add(struct nft_ir *, const char *name, const enum nir_type *,
	    int ntypes, bool interval, enum nir_data);
struct nir_elem *nir_elem_add(struct nft_ir *, size_t set);
size_t	 nir_chain_add(struct nft_ir *, const char *name, enum nir_hook);
struct nir_rule *nir_rule_add(struct nft_ir *, size_t chain);
void	 nir_match_cmp(struct nir_rule *, enum nir_mkind, uint32_t val);
void	 nir_match_lookup(struct nir_rule *, bool neg, size_t set,
	    const enum nir_field *, int nf);

/*
 * Sort the elements, drop duplicates and make interval elements disjoint
 * (the kernel rejects overlapping concatenated intervals); overlapping
 * parts go to the element with the longest lifetime, then the widest
 * box, then the lowest prio (model order).
 * Returns -1 when out of memory.
 */
int	 nir_set_normalize(struct nir_set *);

/* Find a set/chain by name; (size_t)-1 if none. */
size_t	 nir_set_find(const struct nft_ir *, const char *);

#endif
