/* alerthold.h - alerts held until their flow ends, so that they are printed with its final counters (bunrictl audit). */
#ifndef BUNRI_ALERTHOLD_H
#define BUNRI_ALERTHOLD_H

#include <stddef.h>

#include "alert.h"

/*
 * alerthold_add copies what is the alert's own (its texts included):
 * -1 when out of memory or a text longer than 65534 bytes.
 * alerthold_release passes each alert held for the flow of the flow event
 * f to out, oldest first, completed with f's flow part and final
 * counters (the flow part of an alert and of its flow's event are the
 * same: detect.h), and forgets it.  Memory is bounded by the alerts held
 * at once.
 */
struct alerthold;

struct alerthold *alerthold_new(void);
/* NULL is a no-op; alerts still held are dropped. */
void		 alerthold_free(struct alerthold *);
int		 alerthold_add(struct alerthold *, const struct alert_rec *);
void		 alerthold_release(struct alerthold *, const struct alert_rec *f,
		    void (*out)(void *arg, const struct alert_rec *), void *arg);
/* Alerts held now. */
size_t		 alerthold_count(const struct alerthold *);

#endif
