/* bunrid.c - the bunri daemon: validate the policy, enforce it, stay resident. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "allow.h"
#include "basetable.h"
#include "clockcheck.h"
#include "conf.h"
#include "confirm.h"
#include "ctlsock.h"
#include "diag.h"
#include "enforce.h"
#include "history.h"
#include "hugeheap.h"
#include "log.h"
#include "loop.h"
#include "monitor.h"
#include "nlwatch.h"
#include "notify.h"
#include "policy.h"

#define DEFAULT_CONF	"/etc/bunri/bunri.conf"

/* All of the daemon's state; passed around, never global. */
struct daemon {
	const char	*conf;
	bool		 foreground;
	int		 verbose;
	struct loop	*loop;
	struct source	 sig;
	struct enforce	 enf;
	struct monitor	 mon;
	struct nlwatch	 nw;		/* enforce mode: the tamper watch */
	struct notify	 nt;		/* systemd */
	struct ctlsock	 ctl;
	struct history	 hist;		/* state_dir/history.log */
	struct confirm	 cf;		/* apply --confirm */
	struct allow	 allow;		/* temporary exceptions */
	struct clockcheck clk;
};

/* To stdout with exit 0 when asked for (-h, --help), else to stderr, 1. */
static void __attribute__((noreturn))
usage(int asked)
{
	fprintf(asked ? stdout : stderr, "usage: bunrid [-dfhnv] [-c FILE]\n"
	    "  -c FILE  the policy (default %s)\n"
	    "  -f       stay in the foreground, log to stderr as well\n"
	    "  -h       this help\n"
	    "  -n       only check the policy, then exit\n"
	    "  -v       verbose (debug messages)\n", DEFAULT_CONF);
	exit(asked ? 0 : 1);
}

/* SIGHUP and `bunrictl reload`: 0 when the new policy runs. */
static int
reload(void *arg)
{
	struct daemon *d = arg;
	uint8_t sha[32];
	bool sig = d->hist.who == WHO_DAEMON;

	if (sig)		/* not asked through the socket */
		d->hist.who = WHO_SIGNAL;
	/* logrotate sends SIGHUP too: a fresh alerts.file first */
	monitor_reopen(&d->mon);
	if (enforce_reload(&d->enf) == -1) {
		monitor_policy_event(&d->mon, "refused", d->enf.path, d->enf.pol,
		    d->enf.why);
		history_event(&d->hist, "reload", history_file_sha(d->enf.path,
		    sha) == 0 ? sha : NULL, "refused", d->enf.why, false);
		if (sig)
			history_who_reset(&d->hist);
		return -1;
	}
	(void)monitor_policy(&d->mon, d->enf.pol, d->enf.isolated);
	enforce_retire(&d->enf);
	monitor_policy_event(&d->mon, "reloaded", d->enf.path, d->enf.pol, NULL);
	(void)history_keep(&d->hist, d->enf.path, d->enf.pol->sha256);
	history_event(&d->hist, "reload", d->enf.pol->sha256, "ok", d->enf.path,
	    false);
	if (sig)
		history_who_reset(&d->hist);
	return 0;
}

/*
 * nlwatch: a change to table inet bunri that bunrid did not make (it is
 * restored) or a foreign base chain on forward/input: sid 7.
 */
static void
on_tamper(void *arg, const char *what, bool restored)
{
	struct daemon *d = arg;
	struct alert_rec r;
	char sig[1400];

	log_warnx("ruleset-tampered: %s%s", what, restored ? "; restored" :
	    strncmp(what, "base chain", 10) == 0 ? "" : "; NOT restored");
	if (!d->mon.al_open)
		return;
	snprintf(sig, sizeof(sig), "ruleset tampered: %s", what);
	memset(&r, 0, sizeof(r));
	r.kind = EV_ALERT;
	gettimeofday(&r.ts, NULL);
	r.host = d->enf.pol->gw.name;
	r.sid = SIG_TAMPERED;
	r.signature = sig;
	r.blocked = restored;
	r.detail = restored ? "table inet bunri restored to the running policy" :
	    strncmp(what, "base chain", 10) == 0 ? "another table filters"
	    " here; left as is" : "re-applying the policy failed";
	d->mon.own_alerts[SIG_TAMPERED]++;
	(void)alertlog_write(&d->mon.al, &r);
}

/*
 * Signals arrive through a signalfd, so this runs in the loop like any
 * other source, never inside a handler.
 */
static void
sig_ready(struct source *s, uint32_t events)
{
	struct daemon *d = s->arg;
	int signo;

	(void)events;
	while ((signo = sigfd_read(s->fd)) > 0) {
		switch (signo) {
		case SIGHUP:
			log_info("SIGHUP: reloading %s", d->conf);
			(void)reload(d);
			break;
		case SIGTERM:
		case SIGINT:
			/* Fail closed: the ruleset stays; alerts reach the disk. */
			log_info("%s: stopping%s", signo == SIGTERM ?
			    "SIGTERM" : "SIGINT", d->enf.nl != NULL ?
			    "; table inet bunri stays in the kernel" : "");
			loop_stop(d->loop);
			return;
		default:
			break;
		}
	}
	if (signo == -1)
		log_warn("reading signals");
}

/* Validate before anything else; invalid: every message, exit 1, nothing touched. */
static struct policy *
load_or_exit(const char *path)
{
	struct policy *p;
	struct diags dg;
	struct stat st;

	if (access(path, R_OK) == -1) {
		fprintf(stderr, "bunrid: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	/*
	 * Load and compile touch about 16 bytes of heap per byte of policy
	 * (24 MB for 10,000 flows): on huge pages that is ~50 ms less start.
	 * Given back once the start is over (main).
	 */
	if (stat(path, &st) == 0 && st.st_size > 0)
		hugeheap_reserve((size_t)st.st_size * 16);
	diags_init(&dg);
	p = conf_load(path, time(NULL), &dg);
	diags_sort(&dg);
	diags_print(&dg, stderr);
	if (p == NULL) {
		fprintf(stderr, "bunrid: %s: invalid policy (%zu error%s);"
		    " nothing was changed\n", path, dg.nerrors,
		    dg.nerrors == 1 ? "" : "s");
		diags_free(&dg);
		exit(1);
	}
	diags_free(&dg);
	return p;
}

int
main(int argc, char *argv[])
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT, 0 };
	struct daemon d;
	struct policy *p;
	bool check_only = false;
	int ch;

	memset(&d, 0, sizeof(d));
	d.conf = DEFAULT_CONF;
	d.enf.timer.fd = -1;
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		usage(1);
	while ((ch = getopt(argc, argv, "c:dfhnv")) != -1) {
		switch (ch) {
		case 'c':
			d.conf = optarg;
			break;
		case 'd':
		case 'f':
			d.foreground = true;
			break;
		case 'n':
			check_only = true;
			break;
		case 'v':
			d.verbose++;
			break;
		case 'h':
			usage(1);
		default:
			usage(0);
		}
	}
	if (optind != argc)
		usage(0);

	/* The table as found is read while the policy loads (nlwatch.h). */
	if (!check_only)
		(void)nlwatch_prefetch(&d.nw);
	p = load_or_exit(d.conf);
	if (p->gw.mode != MODE_ENFORCE)
		nlwatch_close(&d.nw);	/* no watch: the read is not needed */
	if (check_only) {
		fprintf(stderr, "%s: valid\n", d.conf);
		policy_free(p);
		return 0;
	}

	/* stderr too until we detach: a failed start must be seen. */
	log_init("bunrid", 1, d.verbose);
	/* Blocked before anything is applied: a SIGTERM now waits in the fd. */
	if ((d.sig.fd = sigfd_open(sigs)) == -1)
		fatal("signalfd");
	signal(SIGPIPE, SIG_IGN);
	if ((d.loop = loop_new()) == NULL)
		fatal("epoll");
	d.sig.ready = sig_ready;
	d.sig.arg = &d;
	if (loop_add(d.loop, &d.sig, EPOLLIN) == -1)
		fatal("epoll");
	if (enforce_init(&d.enf, d.conf, d.loop) == -1)
		fatal("timerfd");
	if (notify_init(&d.nt, d.loop) == -1)
		log_warn("systemd notification socket");
	/* Tests only: BUNRID_TABLE_FLAGS=0 runs without owner,persist. */
	if (getenv("BUNRID_TABLE_FLAGS") != NULL)
		d.enf.table_flags = (uint32_t)strtoul(getenv("BUNRID_TABLE_FLAGS"),
		    NULL, 0);
	/* The old table read before our first apply; events joined after it. */
	if (p->gw.mode == MODE_ENFORCE && nlwatch_open(&d.nw, d.loop) == -1)
		fatal("watching nftables");
	if (enforce_start(&d.enf, p) == -1)
		fatalx("%s: not applied; nothing was changed", d.conf);
	/*
	 * Capture stays root for now (privilege separation is to come); the
	 * log is opened only once the policy is in force.  In enforce mode
	 * the capture rings are opened just after READY=1 (they cost 15-25
	 * ms each and the policy is in force without them); in monitor mode
	 * monitoring is what READY=1 announces.
	 */
	if (monitor_open(&d.mon, d.enf.pol, d.enf.isolated, d.loop) == -1 ||
	    (d.enf.nl == NULL && monitor_capture(&d.mon) == -1)) {
		/* Without alerts a monitor is nothing; a firewall still is. */
		if (d.enf.nl == NULL)
			fatalx("monitor mode: monitoring could not start");
		log_warnx("monitoring could not start: no alerts are written;"
		    " the policy is enforced");
	} else
		monitor_policy_event(&d.mon, "applied", d.conf, d.enf.pol,
		    NULL);
	/* Change history, apply --confirm, allow, the clock check (sid 8). */
	if (history_open(&d.hist, d.enf.pol->gw.state_dir != NULL ?
	    d.enf.pol->gw.state_dir : DEF_STATE_DIR) == -1)
		log_warnx("no change history is kept");
	d.hist.mon = &d.mon;
	(void)history_keep(&d.hist, d.conf, d.enf.pol->sha256);
	history_event(&d.hist, "start", d.enf.pol->sha256, "ok", d.conf, false);
	if (confirm_init(&d.cf, d.loop, &d.enf, &d.mon, &d.hist) == -1 ||
	    allow_init(&d.allow, d.loop, &d.enf, &d.mon, &d.hist) == -1)
		fatal("timerfd");
	if (clockcheck_start(&d.clk, &d.mon, d.loop) == -1)
		log_warn("clock check");
	if (d.enf.nl != NULL) {
		if (nlwatch_start(&d.nw, &d.enf, d.enf.pol, on_tamper, &d) == -1)
			fatalx("cannot watch nftables; table inet bunri stays in"
			    " the kernel");
		d.enf.applied = nlwatch_applied;
		d.enf.batch = nlwatch_batch;
		d.enf.applied_arg = &d.nw;
	} else if (basetable_remove() == 1)
		log_info("monitor mode: removed the boot-time table inet %s;"
		    " nothing is enforced", BASE_TABLE);
	/* Without it bunrid still enforces; bunrictl then says unreachable. */
	if (ctlsock_open(&d.ctl, d.enf.pol->gw.control_socket != NULL ?
	    d.enf.pol->gw.control_socket : DEF_CONTROL_SOCKET, d.loop, &d.enf,
	    &d.mon, reload, &d) == -1)
		log_warnx("running without a control socket");
	d.ctl.hist = &d.hist;
	d.ctl.cf = &d.cf;
	d.ctl.allow = &d.allow;

	/* The policy is in the kernel: systemd may start what follows. */
	notify_sendf(&d.nt, "READY=1\nSTATUS=%s", d.enf.nl == NULL ?
	    "monitor mode, nothing enforced" : d.enf.table_flags != 0 ?
	    "enforcing; table inet bunri owned and persistent" :
	    "enforcing; the kernel refuses owner,persist: others' changes"
	    " are detected and undone, not prevented");
	if (d.enf.nl != NULL) {
		if (d.mon.det != NULL && monitor_capture(&d.mon) == -1)
			log_warnx("capture could not start: no packets are"
			    " monitored; the policy is enforced");
		/* The read-back of our table, the reference against tampering. */
		nlwatch_verify(&d.nw, d.enf.pol);
	}

	hugeheap_release();
	/* Detach only now, so a failed start is seen in the exit status. */
	if (!d.foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init("bunrid", 0, d.verbose);
	}

	if (loop_run(d.loop) == -1)
		log_warn("event loop");
	ctlsock_close(&d.ctl);
	notify_send(&d.nt, "STOPPING=1");
	if (d.enf.nl != NULL)
		nlwatch_close(&d.nw);
	clockcheck_stop(&d.clk);
	allow_fini(&d.allow);
	monitor_stop(&d.mon);
	confirm_fini(&d.cf);
	history_close(&d.hist);
	enforce_fini(&d.enf);
	loop_free(d.loop);
	close(d.sig.fd);
	return 0;
}
