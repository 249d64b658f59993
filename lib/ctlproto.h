/* ctlproto.h - the control protocol between bunrictl and bunrid: parsing and formatting, no I/O. */
#ifndef BUNRI_CTLPROTO_H
#define BUNRI_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Version 1, over a Unix stream socket, one request per connection.
 *
 * Request: one line of printable ASCII ending in "\n":
 *
 *	v1 COMMAND [ARG]\n
 *
 * words separated by one space; COMMAND is one of the names below;
 * ARG (only and always for isolate/restore) is a zone name of at most
 * CTLP_MAX_ARG characters from [A-Za-z0-9_.:-].  A line longer than
 * CTLP_MAX_LINE bytes (newline included) is refused without being read
 * further.
 *
 * Response: a status line, body lines, an end marker, then the server
 * closes the connection:
 *
 *	v1 STATUS\n		STATUS: ok | invalid | refused | failed
 *	LINE\n ...		free text; a line starting with "." is sent
 *				with one more "." in front (as SMTP does)
 *	.\n			the end
 *
 * "invalid": the request or its argument is wrong (unknown zone, invalid
 * policy on reload); "refused": the peer may not change anything;
 * "failed": the daemon could not do it (kernel refused, busy).
 */
#define CTLP_VERSION	"v1"
#define CTLP_MAX_LINE	4096
#define CTLP_MAX_ARG	64

enum ctlp_cmd {
	CTLP_STATUS,
	CTLP_FLOWS,
	CTLP_RELOAD,
	CTLP_ISOLATE,
	CTLP_RESTORE,
	CTLP_APPLY,		/* text: confirm=SECONDS path=/ABS/FILE */
	CTLP_CONFIRM,
	CTLP_ALLOW,		/* text: from= to= proto= [port=] ttl= reason= ... */
	CTLP_NCMDS
};

enum ctlp_status {
	CTLP_OK,
	CTLP_INVALID,
	CTLP_REFUSED,
	CTLP_FAILED,
	CTLP_NSTATUS
};

struct ctlp_req {
	enum ctlp_cmd	 cmd;
	char		 arg[CTLP_MAX_ARG + 1];	/* "" when the command has none */
	char		 text[CTLP_MAX_LINE];	/* text commands: the rest of the line */
};

/* The command's name on the wire ("status", ...); NULL if out of range. */
const char	*ctlp_cmd_name(enum ctlp_cmd);
/* Does the command change the daemon's state (needs the bunri group)? */
bool		 ctlp_cmd_changes(enum ctlp_cmd);
/* Does the command take a zone argument? */
bool		 ctlp_cmd_has_arg(enum ctlp_cmd);
/*
 * Does it take a text argument (apply, allow)?  Its text is the rest of
 * the line: words KEY=VALUE separated by one space, each VALUE
 * percent-encoded (ctlp_kv_append) so it holds no space and any UTF-8.
 */
bool		 ctlp_cmd_has_text(enum ctlp_cmd);
const char	*ctlp_status_name(enum ctlp_status);

/*
 * Parse one request line of `len` bytes (without its "\n").  0 on
 * success; -1 with a one-line reason in err (never longer than errlen).
 */
int	 ctlp_parse_request(const char *line, size_t len, struct ctlp_req *,
	    char *err, size_t errlen);
/*
 * Write the request line (with "\n") into buf.  Returns its length, or
 * -1 when the argument is not acceptable (reason in err).
 */
int	 ctlp_format_request(enum ctlp_cmd, const char *arg, char *buf,
	    size_t len, char *err, size_t errlen);

/* Parse a status line (without "\n"); -1 when it is not one. */
int	 ctlp_parse_status(const char *line, size_t len, enum ctlp_status *);

/*
 * A body line as received (without "\n"): returns 1 and sets *text to
 * the line without its stuffing dot, or 0 for the end marker.
 */
int	 ctlp_body_line(const char *line, const char **text);
/* Does this body text need a stuffing dot when sent? */
bool	 ctlp_needs_stuffing(const char *text);

/*
 * KEY=VALUE words of a text argument (ctlproto_kv.c).  Append one word
 * to the NUL-terminated buf (VALUE percent-encoded except for
 * [A-Za-z0-9_.:/,+-]); 0, or -1 when it does not fit in len.
 */
int	 ctlp_kv_append(char *buf, size_t len, const char *key,
	    const char *val);
/*
 * The decoded value of KEY in text into out: 1 found, 0 absent, -1 bad
 * encoding, a decoded NUL or control byte, or longer than outlen - 1.
 */
int	 ctlp_kv_get(const char *text, const char *key, char *out,
	    size_t outlen);

#endif
