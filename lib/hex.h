/* hex.h - hexadecimal digits, encoding and decoding bytes. */
#ifndef BUNRI_HEX_H
#define BUNRI_HEX_H

#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit of either case, -1 if c is not one. */
int	 hex_digit(int c);
/* 2*n lowercase digits and a NUL into out (2*n + 1 bytes). */
void	 hex_encode(const uint8_t *, size_t n, char *out);
/* Exactly 2*n digits of either case (slen == 2*n) into n bytes; -1 else. */
int	 hex_decode(const char *s, size_t slen, uint8_t *out, size_t n);

#endif
