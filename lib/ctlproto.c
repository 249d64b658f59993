/* ctlproto.c - the control protocol between bunrictl and bunrid: parsing and formatting, no I/O. */
#include <stdio.h>
#include <string.h>

#include "ctlproto.h"

static const char *const cmd_names[CTLP_NCMDS] = {
	[CTLP_STATUS] = "status",
	[CTLP_FLOWS] = "flows",
	[CTLP_RELOAD] = "reload",
	[CTLP_ISOLATE] = "isolate",
	[CTLP_RESTORE] = "restore",
	[CTLP_APPLY] = "apply",
	[CTLP_CONFIRM] = "confirm",
	[CTLP_ALLOW] = "allow",
};

static const char *const status_names[CTLP_NSTATUS] = {
	[CTLP_OK] = "ok",
	[CTLP_INVALID] = "invalid",
	[CTLP_REFUSED] = "refused",
	[CTLP_FAILED] = "failed",
};

const char *
ctlp_cmd_name(enum ctlp_cmd c)
{
	return (unsigned)c < CTLP_NCMDS ? cmd_names[c] : NULL;
}

bool
ctlp_cmd_changes(enum ctlp_cmd c)
{
	return c == CTLP_RELOAD || c == CTLP_ISOLATE || c == CTLP_RESTORE ||
	    c == CTLP_APPLY || c == CTLP_CONFIRM || c == CTLP_ALLOW;
}

bool
ctlp_cmd_has_text(enum ctlp_cmd c)
{
	return c == CTLP_APPLY || c == CTLP_ALLOW;
}

bool
ctlp_cmd_has_arg(enum ctlp_cmd c)
{
	return c == CTLP_ISOLATE || c == CTLP_RESTORE;
}

const char *
ctlp_status_name(enum ctlp_status s)
{
	return (unsigned)s < CTLP_NSTATUS ? status_names[s] : NULL;
}

static bool
arg_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
	    c == '-';
}

/* Check a zone argument; NULL if fine, else why not. */
static const char *
arg_problem(const char *a, size_t len)
{
	size_t i;

	if (len == 0)
		return "empty zone name";
	if (len > CTLP_MAX_ARG)
		return "zone name too long";
	for (i = 0; i < len; i++)
		if (!arg_char(a[i]))
			return "zone name with a character other than"
			    " A-Z a-z 0-9 _ . : -";
	return NULL;
}

int
ctlp_parse_request(const char *line, size_t len, struct ctlp_req *r,
    char *err, size_t errlen)
{
	const char *p, *end = line + len, *w, *why;
	size_t vlen = strlen(CTLP_VERSION), wl;
	int c;

	memset(r, 0, sizeof(*r));
	if (len >= CTLP_MAX_LINE) {
		snprintf(err, errlen, "request longer than %d bytes",
		    CTLP_MAX_LINE - 1);
		return -1;
	}
	for (p = line; p < end; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
			snprintf(err, errlen, "request with a control or"
			    " non-ASCII byte at offset %zu", (size_t)(p - line));
			return -1;
		}
	if (len < vlen + 1 || memcmp(line, CTLP_VERSION, vlen) != 0 ||
	    line[vlen] != ' ') {
		snprintf(err, errlen, "not a %s request (protocol version"
		    " mismatch or garbage)", CTLP_VERSION);
		return -1;
	}
	w = line + vlen + 1;
	for (p = w; p < end && *p != ' '; p++)
		;
	wl = (size_t)(p - w);
	for (c = 0; c < CTLP_NCMDS; c++)
		if (strlen(cmd_names[c]) == wl && memcmp(cmd_names[c], w, wl) == 0)
			break;
	if (c == CTLP_NCMDS) {
		snprintf(err, errlen, "unknown command \"%.*s\"",
		    wl > 32 ? 32 : (int)wl, w);
		return -1;
	}
	r->cmd = (enum ctlp_cmd)c;
	if (ctlp_cmd_has_text(r->cmd)) {
		if (p == end || p + 1 == end) {
			snprintf(err, errlen, "%s needs its arguments",
			    cmd_names[c]);
			return -1;
		}
		/* Printable ASCII was checked above; the words are the command's. */
		memcpy(r->text, p + 1, (size_t)(end - p - 1));
		r->text[end - p - 1] = '\0';
		return 0;
	}
	if (!ctlp_cmd_has_arg(r->cmd)) {
		if (p != end) {
			snprintf(err, errlen, "%s takes no argument",
			    cmd_names[c]);
			return -1;
		}
		return 0;
	}
	if (p == end) {
		snprintf(err, errlen, "%s needs a zone name", cmd_names[c]);
		return -1;
	}
	w = p + 1;
	wl = (size_t)(end - w);
	if (memchr(w, ' ', wl) != NULL) {
		snprintf(err, errlen, "%s takes one zone name", cmd_names[c]);
		return -1;
	}
	if ((why = arg_problem(w, wl)) != NULL) {
		snprintf(err, errlen, "%s: %s", cmd_names[c], why);
		return -1;
	}
	memcpy(r->arg, w, wl);
	r->arg[wl] = '\0';
	return 0;
}

int
ctlp_format_request(enum ctlp_cmd c, const char *arg, char *buf, size_t len,
    char *err, size_t errlen)
{
	const char *why;
	int n;

	if (ctlp_cmd_name(c) == NULL) {
		snprintf(err, errlen, "no such command");
		return -1;
	}
	if (ctlp_cmd_has_text(c)) {
		if (arg == NULL || *arg == '\0') {
			snprintf(err, errlen, "no arguments");
			return -1;
		}
		for (why = arg; *why != '\0'; why++)
			if ((unsigned char)*why < 0x20 ||
			    (unsigned char)*why > 0x7e) {
				snprintf(err, errlen, "arguments not encoded");
				return -1;
			}
		n = snprintf(buf, len, "%s %s %s\n", CTLP_VERSION,
		    cmd_names[c], arg);
	} else if (ctlp_cmd_has_arg(c)) {
		if (arg == NULL)
			arg = "";
		if ((why = arg_problem(arg, strlen(arg))) != NULL) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		n = snprintf(buf, len, "%s %s %s\n", CTLP_VERSION,
		    cmd_names[c], arg);
	} else
		n = snprintf(buf, len, "%s %s\n", CTLP_VERSION, cmd_names[c]);
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "request too long");
		return -1;
	}
	return n;
}

int
ctlp_parse_status(const char *line, size_t len, enum ctlp_status *st)
{
	size_t vlen = strlen(CTLP_VERSION), sl;
	int s;

	if (len < vlen + 2 || memcmp(line, CTLP_VERSION, vlen) != 0 ||
	    line[vlen] != ' ')
		return -1;
	sl = len - vlen - 1;
	for (s = 0; s < CTLP_NSTATUS; s++)
		if (strlen(status_names[s]) == sl &&
		    memcmp(status_names[s], line + vlen + 1, sl) == 0) {
			*st = (enum ctlp_status)s;
			return 0;
		}
	return -1;
}

int
ctlp_body_line(const char *line, const char **text)
{
	if (line[0] == '.' && line[1] == '\0')
		return 0;
	*text = line[0] == '.' ? line + 1 : line;
	return 1;
}

bool
ctlp_needs_stuffing(const char *text)
{
	return text[0] == '.';
}
