/* detect_scan.c - placeholder until lib/scan.h lands. */
#include "detect_int.h"
int detect_scan_new(struct detect *d) { (void)d; return 0; }
void detect_scan_free(struct detect *d) { (void)d; }
void detect_scan_flow(struct detect *d, const struct obs *o, const struct flow_entry *e) { (void)d; (void)o; (void)e; }
