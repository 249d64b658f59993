/* fuzz_decode.h - how the decoder fuzzer's first input byte picks the link type (shared with the seed writer). */
#ifndef BUNRI_FUZZ_DECODE_H
#define BUNRI_FUZZ_DECODE_H

#include "decode.h"

/*
 * Input: one selector byte, then the frame.  Low 4 bits: index into
 * fuzz_linktypes (modulo its size); bit 7: the frame was cut by a snap
 * length (wire length larger than the bytes given).
 */
static const int fuzz_linktypes[] = {
	DLT_BUNRI_EN10MB, DLT_BUNRI_SLL, DLT_BUNRI_SLL2, DLT_BUNRI_RAW,
	DLT_BUNRI_RAW12, DLT_BUNRI_RAW14, DLT_BUNRI_IPV4, DLT_BUNRI_IPV6,
	DLT_BUNRI_NULL, DLT_BUNRI_LOOP, 105,
};
#define FUZZ_NLINKTYPES	((int)(sizeof(fuzz_linktypes) / sizeof(fuzz_linktypes[0])))
#define FUZZ_SNAPPED	0x80

/* The selector byte for a link type; -1 if the fuzzer does not try it. */
static inline int
fuzz_selector(int linktype)
{
	int	 i;

	for (i = 0; i < FUZZ_NLINKTYPES; i++)
		if (fuzz_linktypes[i] == linktype)
			return i;
	return -1;
}

#endif
