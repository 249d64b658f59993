/* ctlsock_auth.c - who may change things over the control socket: root and group bunri. */
#include <sys/socket.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlsock.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS	59
#endif

/* The peer's supplementary groups as they were at connect (Linux >= 4.13). */
static int
peer_in_group_sock(int fd, gid_t want)
{
	gid_t small[64], *g = small;
	socklen_t len = sizeof(small);
	size_t i, n;
	int rc = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == -1) {
		if (errno != ERANGE)
			return -1;
		if ((g = malloc(len)) == NULL)
			return -1;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == -1) {
			free(g);
			return -1;
		}
	}
	n = len / sizeof(*g);
	for (i = 0; i < n; i++)
		if (g[i] == want)
			rc = 1;
	if (g != small)
		free(g);
	return rc;
}

/* Fallback: the Groups: line of /proc/PID/status. */
static int
peer_in_group_proc(pid_t pid, gid_t want)
{
	char path[64], *line = NULL, *p, *end;
	size_t cap = 0;
	unsigned long v;
	FILE *f;
	int rc = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (getline(&line, &cap, f) != -1) {
		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		rc = 0;
		for (p = line + 7; *p != '\0'; p = end) {
			errno = 0;
			v = strtoul(p, &end, 10);
			if (end == p)
				break;
			if (errno == 0 && v == (unsigned long)want)
				rc = 1;
		}
		break;
	}
	free(line);
	fclose(f);
	return rc;
}

bool
ctlsock_peer_in_group(const struct ctl_peer *peer, gid_t gid)
{
	int in;

	if (peer->gid == gid)
		return true;
	if ((in = peer_in_group_sock(peer->fd, gid)) == -1)
		in = peer_in_group_proc(peer->pid, gid);
	return in == 1;
}

bool
ctlsock_may_change(const struct ctl_peer *peer, char *why, size_t len)
{
	struct group *gr;
	int in;

	if (peer->uid == 0)
		return true;
	if ((gr = getgrnam(CTLSOCK_GROUP)) == NULL) {
		snprintf(why, len, "uid %u is not root and there is no group"
		    " %s", (unsigned)peer->uid, CTLSOCK_GROUP);
		return false;
	}
	if (peer->gid == gr->gr_gid)
		return true;
	if ((in = peer_in_group_sock(peer->fd, gr->gr_gid)) == -1)
		in = peer_in_group_proc(peer->pid, gr->gr_gid);
	if (in == 1)
		return true;
	snprintf(why, len, "uid %u is neither root nor a member of group %s",
	    (unsigned)peer->uid, CTLSOCK_GROUP);
	return false;
}
