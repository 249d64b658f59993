/* fuzz_decode.c - libFuzzer harness: decode_packet() on arbitrary bytes under every link type. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "fuzz_decode.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt	 p;
	uint8_t		*frame;
	size_t		 caplen;
	uint32_t	 wirelen;
	int		 lt, rc;

	if (size < 1 || size > 65536 + 1)
		return 0;
	lt = fuzz_linktypes[(data[0] & 0x0f) % FUZZ_NLINKTYPES];
	caplen = size - 1;
	wirelen = (uint32_t)caplen + (data[0] & FUZZ_SNAPPED ? 1500 : 0);
	/* An exact-size heap copy, so ASan sees a read one byte too far. */
	if ((frame = malloc(caplen ? caplen : 1)) == NULL)
		return 0;
	memcpy(frame, data + 1, caplen);
	rc = decode_packet(lt, frame, caplen, wirelen, &p);

	/* What the decoder says about itself must hold. */
	if (rc < DEC_OK || rc > DEC_UNSUPPORTED_LINK)
		abort();
	if (rc == DEC_OK && p.ipver != 4 && p.ipver != 6)
		abort();
	if (p.has_ports && (p.l4_off == 0 || p.l4_off + 4 > caplen))
		abort();
	if (p.has_ports && p.frag && !p.frag_first)
		abort();
	if (p.l3_off > caplen || p.caplen != caplen)
		abort();
	if (p.is_arp && rc != DEC_NOT_IP)
		abort();
	/* An ICMP error's quote: same family, and only from an ICMP packet. */
	if (p.has_inner && (!p.has_icmp || rc != DEC_OK ||
	    p.inner_src.family != p.src.family ||
	    p.inner_dst.family != p.src.family ||
	    (p.inner_has_ports && p.inner_has_icmp)))
		abort();
	free(frame);
	return 0;
}
