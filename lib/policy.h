/* policy.h - the zone policy model: zones, hosts, flows and their lookups. */
#ifndef BUNRI_POLICY_H
#define BUNRI_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"

/*
 * The model is built once by the loader (conf.h) and is read-only after
 * that; every later part (decision function, nft compiler, sniffer) only
 * borrows it.  Arrays are allocated at their final size before any pointer
 * into them is taken, so host->zone and endpoint->host stay valid.
 */

enum zone_kind {
	ZK_MYNUMBER,		/* マイナンバー利用事務系 */
	ZK_LGWAN,		/* LGWAN接続系 */
	ZK_INTERNET,		/* インターネット接続系 */
	ZK_MGMT,		/* 管理系 */
	ZK_OTHER,
};

enum unknown_hosts {
	UH_BLOCK,
	UH_ALERT,
	UH_ALLOW,
};

enum gw_mode {
	MODE_ENFORCE,
	MODE_MONITOR,
};

/* IANA protocol numbers, so they can go straight into packets and nft. */
enum proto {
	PROTO_ICMP = 1,
	PROTO_TCP = 6,
	PROTO_UDP = 17,
	PROTO_ICMPV6 = 58,
};

enum sanitize {
	SAN_NONE,
	SAN_MAIL_TEXT,		/* メール無害化 */
	SAN_SCREEN_TRANSFER,	/* 画面転送 */
	SAN_FILE_SANITIZE,	/* ファイル無害化 */
};

/* Where a setting came from; file points into policy->files. */
struct srcloc {
	const char	*file;
	int		 line;
};

struct zone;

struct host {
	char		*name;
	struct zone	*zone;
	bool		 has_mac;
	struct mac	 mac;
	struct addr	*addrs;		/* full-length, v4 and v6 */
	size_t		 naddrs;
	struct srcloc	 loc;		/* the host's group */
	struct srcloc	 mac_loc;
	struct srcloc	 addrs_loc;
	size_t		 index;		/* position in the zone's hosts list */
};

struct zone {
	char		*name;
	enum zone_kind	 kind;
	char		*description;	/* may be NULL */
	char	       **ifaces;
	size_t		 nifaces;
	struct addr	*nets;		/* prefixes */
	size_t		 nnets;
	bool		 attached;	/* hosts on the gateway's L2: MACs seen */
	enum unknown_hosts unknown;
	struct host	*hosts;
	size_t		 nhosts;
	struct host    **by_name;	/* hosts sorted by name; NULL: scan */
	struct srcloc	 loc;		/* the zone's group */
	struct srcloc	 ifaces_loc;
	struct srcloc	 nets_loc;
	struct srcloc	 attached_loc;
	struct srcloc	 unknown_loc;
	size_t		 index;		/* position in policy->zones (also isolation flags) */
};

enum ep_kind {
	EP_ZONE,		/* "zone": the whole zone */
	EP_HOST,		/* "zone:host": a registered host */
	EP_PREFIX,		/* "zone:ADDRESS" or "zone:CIDR" */
};

struct endpoint {
	enum ep_kind	 kind;
	struct zone	*zone;
	struct host	*host;		/* EP_HOST */
	struct addr	 prefix;	/* EP_PREFIX; full length for an address */
};

struct flow {
	char		*id;
	struct endpoint	 from;		/* opens the connection */
	struct endpoint	 to;
	enum proto	 proto;
	struct portrange *ports;	/* tcp/udp: destination ports */
	size_t		 nports;
	enum sanitize	 sanitize;
	char		*reason;
	char		*approval;	/* may be NULL */
	bool		 has_expires;
	time_t		 expires;	/* not allowed from this instant on */
	struct srcloc	 loc;		/* the flow's group */
	struct srcloc	 from_loc, to_loc, proto_loc, ports_loc;
	struct srcloc	 sanitize_loc, expires_loc;
	size_t		 index;		/* position in the file's flows list (messages) */
};

struct span {
	char		*iface;
	struct zone	*zone;
	struct srcloc	 loc;
};

struct gateway_conf {
	char		*name;
	enum gw_mode	 mode;
	char		*control_socket;
	char		*state_dir;
	struct endpoint	*admin_from;
	size_t		 nadmin_from;
	uint16_t	*admin_ports;	/* TCP */
	size_t		 nadmin_ports;
	struct srcloc	 loc;		/* the gateway group */
	struct srcloc	 admin_loc;
};

struct monitor_conf {
	char	       **ifaces;	/* empty: every zone interface */
	size_t		 nifaces;
	struct span	*spans;
	size_t		 nspans;
	unsigned	 scan_ports;
	unsigned	 scan_hosts;
	unsigned	 scan_window;	/* seconds */
	unsigned	 evidence_packets;
	unsigned	 max_flows;	/* flow table bound */
	unsigned	 flow_timeout;	/* idle seconds */
	unsigned	 evidence_max_mb;	/* evidence pcaps on disk, MiB */
};

struct alerts_conf {
	char		*file;
	bool		 syslog;
	char		*facility;
	unsigned	 rate_limit;	/* per second per signature */
	unsigned	 checkpoint;	/* seconds between stats checkpoints */
};

struct decide_index;
struct arena;

struct policy {
	int		 version;
	struct gateway_conf gw;
	struct zone	*zones;
	size_t		 nzones;
	struct flow	*flows;
	size_t		 nflows;
	struct monitor_conf mon;
	struct alerts_conf alerts;
	char	       **files;		/* every file read, main one first */
	size_t		 nfiles;
	uint8_t		 sha256[32];	/* of the policy text as read */
	struct policy_index *idx;	/* lookup tables, built by policy_index() */
	struct decide_index *didx;	/* flows by zone pair, built by decide_index() */
	/*
	 * Where the loader put the flows' id, reason, approval and ports
	 * (arena.h); NULL when each is its own malloc().  policy_free()
	 * frees what is not in the arena one by one, so flows added or
	 * removed later with malloc()/free() (allow.c) mix fine.
	 */
	struct arena	*arena;
};

/* Defaults of the contract (config.md). */
#define DEF_CONTROL_SOCKET	"/run/bunri/bunrid.sock"
#define DEF_STATE_DIR		"/var/lib/bunri"
#define DEF_ALERT_FILE		"/var/log/bunri/eve.json"
#define DEF_FACILITY		"local4"
#define DEF_RATE_LIMIT		100
#define DEF_CHECKPOINT		60
#define DEF_SCAN_PORTS		64
#define DEF_SCAN_HOSTS		32
#define DEF_SCAN_WINDOW		10
#define DEF_EVIDENCE_PACKETS	16
#define DEF_EVIDENCE_MAX_MB	256
#define EVIDENCE_MAX_MB_MAX	1048576	/* 1 TiB */
#define DEF_MAX_FLOWS		262144
#define DEF_FLOW_TIMEOUT	300
#define DEF_ADMIN_PORT		22

/*
 * Frees everything the loader allocated, the struct itself included; NULL
 * is a no-op.  Safe on a partly built model (NULL fields, zero counts).
 */
void	 policy_free(struct policy *);
/* Frees p->didx (decide.h); policy_free() calls it.  NULL is a no-op. */
void	 decide_index_free(struct decide_index *);

/*
 * Build the lookup tables below; the loader calls it once the model is
 * complete.  Returns -1 only when out of memory.
 */
int	 policy_index(struct policy *);

/*
 * Lookups; all borrow from the policy and return NULL when nothing fits.
 * With the index they take O(log n); without one (a model built by hand)
 * they scan, with the same results.  Among duplicates the first in model
 * order wins.
 */
struct zone	*policy_zone_by_name(const struct policy *, const char *);
struct zone	*policy_zone_of_iface(const struct policy *, const char *ifname);
/* Longest-prefix match over all zones' networks: a /0 catch-all yields. */
struct zone	*policy_zone_of_addr(const struct policy *, const struct addr *);
struct host	*policy_host_by_mac(const struct policy *, const struct mac *);
/* The registered host an address is bound to (first one, if several). */
struct host	*policy_host_by_addr(const struct policy *, const struct addr *);
struct host	*zone_host_by_name(const struct zone *, const char *);
/*
 * Sort the zone's hosts by name for zone_host_by_name(); the loader calls
 * it once the hosts are parsed, because every flow endpoint is resolved by
 * name and a 100,000-flow policy must not scan the hosts for each.
 * Returns -1 when out of memory (lookups then scan).
 */
int		 zone_index_names(struct zone *);
struct flow	*policy_flow_by_id(const struct policy *, const char *);

/*
 * Does the endpoint cover this single address?  Without the policy a zone
 * is plain prefix containment in its networks, so "internet" (0.0.0.0/0)
 * also covers an lgwan address.  endpoint_contains_in() uses ownership by
 * longest match instead: a zone, and a zone:CIDR, cover only the addresses
 * policy_zone_of_addr() gives to that zone; a host covers its addresses.
 */
bool	 endpoint_contains(const struct endpoint *, const struct addr *);
bool	 endpoint_contains_in(const struct policy *, const struct endpoint *,
	    const struct addr *);
/* "lgwan:mail-gw", "mgmt", "internet:203.0.113.0/24". Returns buf. */
const char *endpoint_fmt(const struct endpoint *, char *buf, size_t len);

const char *zone_kind_name(enum zone_kind);
const char *proto_name(enum proto);	/* "tcp", "udp", "icmp", "icmpv6" */
int	 proto_parse(const char *, enum proto *);
const char *sanitize_name(enum sanitize);
const char *unknown_hosts_name(enum unknown_hosts);

#endif
