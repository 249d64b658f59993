/* flowtab_mem.c - resident bytes per tracked flow with a full flow table. */
/*
 * Not part of `make check`.  Build and run from the top directory:
 *
 *   make build && cc -std=c11 -D_GNU_SOURCE -O2 -Ilib -o build/flowtab_mem \
 *       bench/flowtab_mem.c build/libbunri.a -lsodium && build/flowtab_mem
 *
 * The budget (monitor-design.md) is 128 bytes per flow including the
 * index.  Resident memory is read from /proc/self/statm before the table
 * is created and after it holds N flows (every page of the entry array
 * and the index touched), so allocator overhead counts too.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowtab.h"

#define BUDGET	128

static long
resident_bytes(void)
{
	FILE *f;
	long size, resident;

	if ((f = fopen("/proc/self/statm", "r")) == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

int
main(int argc, char *argv[])
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	struct flowtab *ft;
	struct flowtab_stats st;
	struct flowkey k;
	struct flow_entry *e;
	long before, after;
	double per;
	size_t i;

	before = resident_bytes();
	if ((ft = flowtab_new(n, 300ULL * 1000000)) == NULL) {
		fprintf(stderr, "flowtab_mem: cannot make a table of %zu\n", n);
		return 1;
	}
	for (i = 0; i < n; i++) {
		memset(&k, 0, sizeof(k));
		k.family = AF_INET6;
		k.proto = 6;
		k.src[0] = 0x20; k.src[1] = 0x01; k.src[2] = 0x0d; k.src[3] = 0xb8;
		memcpy(k.src + 12, &i, sizeof(uint32_t));
		k.dst[0] = 0x20; k.dst[1] = 0x01; k.dst[2] = 0x0d; k.dst[3] = 0xb8;
		k.dst[15] = 1;
		k.sport = (uint16_t)(i >> 16);
		k.dport = 443;
		e = flowtab_insert(ft, &k, i, NULL, NULL);
		flowtab_touch(ft, e, false, 1500, i);
	}
	after = resident_bytes();
	flowtab_stats(ft, &st);
	if (before < 0 || after < 0) {
		fprintf(stderr, "flowtab_mem: cannot read /proc/self/statm\n");
		return 1;
	}
	per = (double)(after - before) / (double)n;
	printf("flows %llu, evictions %llu\n", (unsigned long long)st.entries,
	    (unsigned long long)st.evictions);
	printf("entry %zu bytes, table allocated %zu bytes (%.1f per flow)\n",
	    sizeof(struct flow_entry), flowtab_memsize(ft),
	    (double)flowtab_memsize(ft) / (double)n);
	printf("resident before %ld, after %ld: %.1f bytes per flow "
	    "(budget %d): %s\n", before, after, per, BUDGET,
	    per <= BUDGET ? "ok" : "OVER");
	flowtab_free(ft);
	return per <= BUDGET ? 0 : 1;
}
