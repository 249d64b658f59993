/* nlwatch.c - watch nftables events: restore table inet bunri when others change it, report foreign base chains. */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/epoll.h>
#include <sys/timerfd.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>

#include "basetable.h"
#include "enforce.h"
#include "log.h"
#include "nftc.h"
#include "nl.h"
#include "nlwatch.h"

/* Events of a large apply of our own can fill this; then ENOBUFS, then one dump. */
#define EV_RCVBUF	(8 * 1024 * 1024)
#define BOOT_ID		"/proc/sys/kernel/random/boot_id"

static void	 ev_ready(struct source *, uint32_t);
static int	 getgen(struct nlwatch *, uint32_t *);

static struct mnl_socket *
sock_open(void)
{
	struct mnl_socket *s;

	if ((s = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC)) == NULL)
		return NULL;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) == -1) {
		mnl_socket_close(s);
		return NULL;
	}
	return s;
}

/*
 * Our table as it was left (by the last bunrid, or by others since), and
 * the generation it was read at.  -1 + errno.
 */
static int
read_before(struct nlwatch *w)
{
	if ((w->dumpsock = sock_open()) == NULL ||
	    getgen(w, &w->gen_before) == -1 ||
	    tablefp_dump(w->dumpsock, &w->before) == -1)
		return -1;
	return 0;
}

/* Nothing open, nothing read: what nlwatch_close() leaves, too. */
static void
reset(struct nlwatch *w)
{
	memset(w, 0, sizeof(*w));
	w->ev.fd = -1;
	w->redo.fd = -1;
}

static void *
prefetch_main(void *arg)
{
	struct nlwatch *w = arg;

	w->pre_rc = read_before(w) == -1 ? (errno != 0 ? errno : EIO) : 0;
	return NULL;
}

int
nlwatch_prefetch(struct nlwatch *w)
{
	sigset_t all, old;
	int rc;

	reset(w);
	/* A signal for the daemon's signalfd must never land in the thread. */
	sigfillset(&all);
	if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
		return -1;
	rc = pthread_create(&w->pre, NULL, prefetch_main, w);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -1;
	w->pre_running = true;
	return 0;
}

/* 0 when the thread read it all. */
static int
prefetch_join(struct nlwatch *w)
{
	if (!w->pre_running)
		return -1;
	(void)pthread_join(w->pre, NULL);
	w->pre_running = false;
	return w->pre_rc == 0 ? 0 : -1;
}

int
nlwatch_open(struct nlwatch *w, struct loop *l)
{
	int sz = EV_RCVBUF;

	if (prefetch_join(w) == -1) {
		/* not prefetched, or it failed: read now (errno says why) */
		nlwatch_close(w);
		reset(w);
		if (read_before(w) == -1)
			goto fail;
	}
	w->loop = l;
	if ((w->evsock = sock_open()) == NULL)
		goto fail;
	if (setsockopt(mnl_socket_get_fd(w->evsock), SOL_SOCKET,
	    SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		setsockopt(mnl_socket_get_fd(w->evsock), SOL_SOCKET, SO_RCVBUF,
		    &sz, sizeof(sz));
	return 0;
fail:
	nlwatch_close(w);
	return -1;
}

void
nlwatch_close(struct nlwatch *w)
{
	int saved = errno;

	(void)prefetch_join(w);
	/* Both sources exist only once started (a zeroed w holds fd 0). */
	if (w->ev.fd != -1 && w->started)
		loop_del(w->loop, &w->ev);
	w->ev.fd = -1;
	if (w->started)
		loop_close_source(w->loop, &w->redo);
	w->started = false;
	if (w->evsock != NULL)
		mnl_socket_close(w->evsock);
	if (w->dumpsock != NULL)
		mnl_socket_close(w->dumpsock);
	w->evsock = w->dumpsock = NULL;
	tablefp_free(&w->want);
	tablefp_free(&w->before);
	free(w->state_path);
	w->state_path = NULL;
	errno = saved;
}

/* The ruleset generation on the dump socket; -1 + errno. */
static int
getgen(struct nlwatch *w, uint32_t *gen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nftnl_gen *g;
	uint32_t seq = (uint32_t)time(NULL);
	ssize_t n;
	int rc = -1;

	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, 0, seq);
	if (mnl_socket_sendto(w->dumpsock, nlh, nlh->nlmsg_len) == -1 ||
	    (n = mnl_socket_recvfrom(w->dumpsock, buf, sizeof(buf))) == -1)
		return -1;
	nlh = (struct nlmsghdr *)buf;
	if (!mnl_nlmsg_ok(nlh, (int)n) || nlh->nlmsg_type == NLMSG_ERROR) {
		errno = EPROTO;
		return -1;
	}
	if ((g = nftnl_gen_alloc()) == NULL)
		return -1;
	if (nftnl_gen_nlmsg_parse(nlh, g) == 0) {
		*gen = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
		rc = 0;
	} else
		errno = EPROTO;
	nftnl_gen_free(g);
	return rc;
}

static void
read_boot_id(char *buf, size_t len)
{
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if ((fd = open(BOOT_ID, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if ((n = read(fd, buf, len - 1)) > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
	} else
		buf[0] = '\0';
	close(fd);
}

static void
sha_hex(const struct policy *p, char *buf)
{
	size_t i;

	for (i = 0; i < sizeof(p->sha256); i++)
		snprintf(buf + 2 * i, 3, "%02x", p->sha256[i]);
}

/* "boot ID\npolicy SHA256\n": what the last bunrid installed, and in which boot. */
static void
state_save(struct nlwatch *w, const struct policy *p)
{
	char boot[64], sha[65], tmp[4096];
	FILE *f;
	int fd;

	if (w->state_path == NULL)
		return;
	read_boot_id(boot, sizeof(boot));
	sha_hex(p, sha);
	snprintf(tmp, sizeof(tmp), "%s.tmp", w->state_path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		log_warn("%s", tmp);
		return;
	}
	fprintf(f, "boot %s\npolicy %s\n", boot, sha);
	if (fflush(f) == EOF || fsync(fd) == -1 || fclose(f) == EOF) {
		log_warn("%s", tmp);
		unlink(tmp);
		return;
	}
	if (rename(tmp, w->state_path) == -1)
		log_warn("%s", w->state_path);
}

/* 1: the same boot (and *same_policy set), 0: another boot or no state. */
static int
state_load(struct nlwatch *w, const struct policy *p, bool *same_policy)
{
	char line[256], boot[64], sha[65], want_boot[64] = "", want_sha[65] = "";
	FILE *f;

	*same_policy = false;
	if (w->state_path == NULL || (f = fopen(w->state_path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "boot %63s", want_boot) == 1)
			continue;
		sscanf(line, "policy %64s", want_sha);
	}
	fclose(f);
	read_boot_id(boot, sizeof(boot));
	sha_hex(p, sha);
	if (boot[0] == '\0' || strcmp(boot, want_boot) != 0)
		return 0;
	*same_policy = strcmp(sha, want_sha) == 0;
	return 1;
}

void
nlwatch_applied(void *arg, const struct policy *p)
{
	struct nlwatch *w = arg;

	if (w->dumpsock == NULL)
		return;
	tablefp_free(&w->want);
	if (getgen(w, &w->gen) == -1 || tablefp_dump(w->dumpsock, &w->want) == -1) {
		log_warn("reading back table inet %s", NFTC_TABLE);
		w->gen = 0;
	}
	state_save(w, p);
}

static void
tamper(struct nlwatch *w, const char *what, bool restored)
{
	if (w->tamper != NULL)
		w->tamper(w->arg, what, restored);
	else
		log_warnx("ruleset-tampered: %s%s", what, restored ?
		    "; restored" : "");
}

/* The timer of nlwatch_batch: another program committed during ours. */
static void
redo_ready(struct source *s, uint32_t events)
{
	struct nlwatch *w = s->arg;
	uint64_t n;

	(void)events;
	if (read(s->fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return;
	log_info("nftables changed by another program during our apply;"
	    " applying table inet %s again", NFTC_TABLE);
	if (enforce_apply(w->enf, time(NULL)) == -1)
		log_warnx("applying table inet %s again failed", NFTC_TABLE);
}

void
nlwatch_batch(void *arg, bool begin, bool committed)
{
	static const struct itimerspec soon = { .it_value = { 0, 1000000 } };
	struct nlwatch *w = arg;
	int grp = NFNLGRP_NFTABLES;
	uint32_t gen;

	if (!w->started || w->redo.fd == -1)
		return;
	if (begin) {
		if (getgen(w, &w->gen_paused) == -1 ||
		    mnl_socket_setsockopt(w->evsock, NETLINK_DROP_MEMBERSHIP,
		    &grp, sizeof(grp)) == -1) {
			log_warn("leaving nftables events for our batch");
			return;		/* then heard, as before */
		}
		w->paused = true;
		return;
	}
	if (!w->paused)
		return;
	w->paused = false;
	if (w->test_unheard_ms > 0)
		(void)usleep(w->test_unheard_ms * 1000);
	if (mnl_socket_setsockopt(w->evsock, NETLINK_ADD_MEMBERSHIP, &grp,
	    sizeof(grp)) == -1) {
		log_warn("joining nftables events again: changes by other"
		    " programs are no longer seen");
		return;
	}
	/* Only our commit (or none, if ours failed) in between? */
	if (getgen(w, &gen) == -1 ||
	    gen - w->gen_paused != (committed ? 1u : 0u))
		(void)timerfd_settime(w->redo.fd, 0, &soon, NULL);
}

int
nlwatch_start(struct nlwatch *w, struct enforce *e, const struct policy *p,
    nlwatch_tamper_fn fn, void *arg)
{
	int grp = NFNLGRP_NFTABLES;
	uint32_t gen;

	w->enf = e;
	w->tamper = fn;
	w->arg = arg;
	/*
	 * Tests only: stay out of the event group this long after each of
	 * our batches, so that another program's commit falls in the gap.
	 */
	if (getenv("BUNRID_TEST_UNHEARD_MS") != NULL)
		w->test_unheard_ms = (unsigned)strtoul(
		    getenv("BUNRID_TEST_UNHEARD_MS"), NULL, 10) % 10000;
	if (p->gw.state_dir != NULL && asprintf(&w->state_path,
	    "%s/table.state", p->gw.state_dir) == -1) {
		w->state_path = NULL;
		log_warn("nlwatch");
		return -1;
	}
	/* Join now: from here on, every commit is seen (ours by our port). */
	if (mnl_socket_setsockopt(w->evsock, NETLINK_ADD_MEMBERSHIP, &grp,
	    sizeof(grp)) == -1 || getgen(w, &gen) == -1) {
		log_warn("watching nftables events");
		return -1;
	}
	if (gen != w->gen_before + 1) {
		/* Not only our commit: apply ours again, watched this time. */
		log_info("nftables changed by another program during our first"
		    " apply (generation %u, then %u); applying table inet %s"
		    " again", w->gen_before, gen, NFTC_TABLE);
		if (enforce_apply(e, time(NULL)) == -1)
			log_warnx("applying table inet %s again failed",
			    NFTC_TABLE);
	} else
		w->gen = gen;	/* ours alone; `want` is read in nlwatch_verify */
	w->ev.ready = ev_ready;
	w->ev.arg = w;
	w->ev.fd = mnl_socket_get_fd(w->evsock);
	if (loop_add(w->loop, &w->ev, EPOLLIN) == -1) {
		log_warn("watching nftables events");
		w->ev.fd = -1;
		return -1;
	}
	/* Without it our batches are heard, as before (nlwatch_batch). */
	if (loop_add_timer(w->loop, &w->redo, CLOCK_MONOTONIC, NULL,
	    redo_ready, w) == -1)
		log_warn("nlwatch: timer; bunrid's own batches are heard");
	w->started = true;
	return 0;
}

/*
 * Read back what our first apply left (the reference for later
 * comparisons) and compare it with the table found at start.  Deferred
 * by bunrid until after READY=1: the read-back of a large table is the
 * longest step of a start, and the events are watched meanwhile.
 */
void
nlwatch_verify(struct nlwatch *w, const struct policy *p)
{
	char what[1024], msg[1200];
	bool same_policy;
	int same_boot;

	same_boot = state_load(w, p, &same_policy);
	nlwatch_applied(w, p);
	if (tablefp_diff(&w->want, &w->before, what, sizeof(what)) > 0) {
		if (!w->before.present && !same_boot)
			;	/* first start of this boot */
		else if (w->before.present && same_boot && !same_policy)
			log_info("table inet %s differed from %s, which changed"
			    " since the last bunrid: %s", NFTC_TABLE,
			    "the policy", what);
		else {
			snprintf(msg, sizeof(msg), "while no bunrid ran: %s",
			    what);
			w->ntampered++;
			tamper(w, msg, true);
		}
	}
	tablefp_free(&w->before);
}

/*
 * Remember one change of this read; the same change again only counts.
 * A table deletion comes after the deletion of everything in it, which
 * it then stands for.
 */
static void
note(struct nlwatch *w, bool deletion, const char *fmt, ...)
{
	char text[sizeof(w->notes[0].text)];
	va_list ap;
	size_t i, j;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (strncmp(text, "table ", 6) == 0 && strstr(text, " deleted") != NULL) {
		for (i = j = 0; i < w->nnotes; i++)
			if (!w->notes[i].deletion)
				w->notes[j++] = w->notes[i];
		w->nnotes = j;
		w->more = 0;
	}
	for (i = 0; i < w->nnotes; i++)
		if (strcmp(w->notes[i].text, text) == 0) {
			w->notes[i].count++;
			return;
		}
	if (w->nnotes == sizeof(w->notes) / sizeof(w->notes[0])) {
		w->more++;
		return;
	}
	memcpy(w->notes[w->nnotes].text, text, sizeof(text));
	w->notes[w->nnotes].deletion = deletion;
	w->notes[w->nnotes++].count = 1;
}

/* The notes as one line: "rule added to chain forward (x3); ...". */
static void
notes_fmt(struct nlwatch *w)
{
	size_t i, used = 0;
	int n;

	w->what[0] = '\0';
	for (i = 0; i < w->nnotes && used < sizeof(w->what); i++) {
		if (w->notes[i].count > 1)
			n = snprintf(w->what + used, sizeof(w->what) - used,
			    "%s%s (x%u)", i ? "; " : "", w->notes[i].text,
			    w->notes[i].count);
		else
			n = snprintf(w->what + used, sizeof(w->what) - used,
			    "%s%s", i ? "; " : "", w->notes[i].text);
		used += n > 0 ? (size_t)n : 0;
	}
	if (w->more > 0 && used < sizeof(w->what))
		used += (size_t)snprintf(w->what + used, sizeof(w->what) - used,
		    "; %u more changes", w->more);
	if (used < sizeof(w->what))
		snprintf(w->what + used, sizeof(w->what) - used, "%s", w->who);
}

static const char *
family_name(uint8_t f)
{
	switch (f) {
	case NFPROTO_IPV4:	return "ip";
	case NFPROTO_IPV6:	return "ip6";
	case NFPROTO_INET:	return "inet";
	case NFPROTO_BRIDGE:	return "bridge";
	case NFPROTO_ARP:	return "arp";
	case NFPROTO_NETDEV:	return "netdev";
	default:		return "?";
	}
}

/* NFTA_*_TABLE is attribute 1 in every nf_tables message. */
static const char *
msg_table(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == 1 &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(a);
	return NULL;
}

/* A name attribute of a message (chain of a rule, set of elements, ...). */
static const char *
msg_str(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == type &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(a);
	return "?";
}

/* Who committed: NEWGEN names the process (kernel >= 5.x). */
static void
note_committer(struct nlwatch *w, const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t pid = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == NFTA_GEN_PROC_PID &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			pid = ntohl(mnl_attr_get_u32(a));
		else if (mnl_attr_get_type(a) == NFTA_GEN_PROC_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(a);
	}
	if (name != NULL)
		snprintf(w->who, sizeof(w->who), " (by %s, pid %u)", name, pid);
}

/* A base chain of another table on forward or input: someone else filters here. */
static void
foreign_chain(const struct nlmsghdr *nlh, uint8_t family, char *out,
    size_t outlen)
{
	struct nftnl_chain *c;
	uint32_t hook;

	out[0] = '\0';
	if (family != NFPROTO_IPV4 && family != NFPROTO_IPV6 &&
	    family != NFPROTO_INET)
		return;
	if ((c = nftnl_chain_alloc()) == NULL)
		return;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0 &&
	    nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM) &&
	    ((hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM)) ==
	    NF_INET_FORWARD || hook == NF_INET_LOCAL_IN))
		snprintf(out, outlen, "base chain %s %s %s of another program"
		    " hooks %s at priority %d, policy %s", family_name(family),
		    nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE),
		    nftnl_chain_get_str(c, NFTNL_CHAIN_NAME),
		    hook == NF_INET_FORWARD ? "forward" : "input",
		    (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_PRIO),
		    nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) &&
		    nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP ?
		    "drop" : "accept");
	nftnl_chain_free(c);
}

/* One event.  Ours (our port) and the kernel's own (port 0: element expiry) are skipped. */
static void
event(struct nlwatch *w, const struct nlmsghdr *nlh, uint32_t own,
    char *foreign, size_t flen)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	const char *t;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*g)))
		return;
	if (type == NFT_MSG_NEWGEN) {
		if (nlh->nlmsg_pid != own && w->dirty)
			note_committer(w, nlh);
		return;
	}
	if (nlh->nlmsg_pid == own || nlh->nlmsg_pid == 0 ||
	    (t = msg_table(nlh)) == NULL)
		return;
	if (g->nfgen_family != NFPROTO_INET || strcmp(t, NFTC_TABLE) != 0) {
		if (type == NFT_MSG_NEWCHAIN && !(g->nfgen_family ==
		    NFPROTO_INET && strcmp(t, BASE_TABLE) == 0))
			foreign_chain(nlh, g->nfgen_family, foreign, flen);
		return;
	}
	switch (type) {
	case NFT_MSG_NEWTABLE:
		note(w, false, "table inet %s created or its flags changed", t);
		break;
	case NFT_MSG_DELTABLE:
		note(w, true, "table inet %s deleted", t);
		break;
	case NFT_MSG_NEWCHAIN:
	case NFT_MSG_DELCHAIN:
		note(w, type == NFT_MSG_DELCHAIN, "chain %s %s", msg_str(nlh, NFTA_CHAIN_NAME),
		    type == NFT_MSG_NEWCHAIN ? "added or changed" : "deleted");
		break;
	case NFT_MSG_NEWRULE:
	case NFT_MSG_DELRULE:
		note(w, type == NFT_MSG_DELRULE, "rule %s chain %s", type == NFT_MSG_NEWRULE ?
		    "added to" : "deleted from", msg_str(nlh, NFTA_RULE_CHAIN));
		break;
	case NFT_MSG_NEWSET:
	case NFT_MSG_DELSET:
		note(w, type == NFT_MSG_DELSET, "set %s %s", msg_str(nlh, NFTA_SET_NAME),
		    type == NFT_MSG_NEWSET ? "added" : "deleted");
		break;
	case NFT_MSG_NEWSETELEM:
	case NFT_MSG_DELSETELEM:
		note(w, type == NFT_MSG_DELSETELEM, "elements %s set %s", type == NFT_MSG_NEWSETELEM ?
		    "added to" : "deleted from",
		    msg_str(nlh, NFTA_SET_ELEM_LIST_SET));
		break;
	case NFT_MSG_NEWOBJ:
	case NFT_MSG_DELOBJ:
		/* Counter updates and resets come as NEWOBJ too: not a change of policy. */
		if (type == NFT_MSG_NEWOBJ)
			return;
		note(w, true, "counter %s deleted", msg_str(nlh, NFTA_OBJ_NAME));
		break;
	default:
		note(w, false, "nftables message %u", type);
		break;
	}
	w->dirty = true;
}

/* Re-apply the policy; the applied hook takes the new reference. */
static void
restore(struct nlwatch *w, const char *what)
{
	int rc;

	rc = enforce_apply(w->enf, time(NULL));
	w->ntampered++;
	tamper(w, what, rc == 0);
}

/* Events were lost: did the generation move, and is our table still as we left it? */
static void
recheck(struct nlwatch *w)
{
	struct tablefp got;
	char what[1024];
	uint32_t gen;

	w->nlost++;
	if (getgen(w, &gen) == 0 && gen == w->gen && w->gen != 0)
		return;
	if (tablefp_dump(w->dumpsock, &got) == -1) {
		log_warn("events lost; reading table inet %s", NFTC_TABLE);
		return;
	}
	if (tablefp_diff(&w->want, &got, what, sizeof(what)) > 0)
		restore(w, what);
	else
		w->gen = gen;
	tablefp_free(&got);
}

static void
ev_ready(struct source *s, uint32_t events)
{
	struct nlwatch *w = s->arg;
	char buf[65536] __attribute__((aligned(4)));
	char foreign[512];
	const struct nlmsghdr *nlh;
	uint32_t own;
	bool lost = false;
	ssize_t n;
	int left;

	(void)events;
	own = w->enf != NULL && w->enf->nl != NULL ? nl_portid(w->enf->nl) : 0;
	w->dirty = false;
	w->nnotes = 0;
	w->more = 0;
	w->who[0] = '\0';
	for (;;) {
		n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				lost = true;
				continue;
			}
			break;
		}
		if (n == 0)
			break;
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		    nlh = mnl_nlmsg_next(nlh, &left)) {
			foreign[0] = '\0';
			event(w, nlh, own, foreign, sizeof(foreign));
			if (foreign[0] != '\0') {
				w->nforeign++;
				tamper(w, foreign, false);
			}
		}
	}
	if (w->dirty) {
		notes_fmt(w);
		restore(w, w->what);
	}
	else if (lost)
		recheck(w);
}
