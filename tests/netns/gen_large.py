#!/usr/bin/env python3
# gen_large.py - a large lab policy: pairs.conf plus N generated lgwan -> mgmt flows.
#
# usage: gen_large.py BASE.conf N VARIANT > out.conf
# Flow i goes from lgwan:198.51.100.(100 + i % 100) to
# mgmt:192.0.2.(220 + i // 100 % 30), udp, port 10000 + i (variant 0) or
# 40000 + i (variant 1): the two variants share no generated element, so a
# half-applied table would be neither.  No lab host has these addresses.
import sys

base, n, variant = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
text = open(base, encoding="utf-8").read()
lines = []
for i in range(n):
    lines.append('  { id = "G-%05d"; from = "lgwan:198.51.100.%d"; to = "mgmt:192.0.2.%d"; '
                 'proto = "udp"; ports = [ %d ]; reason = "generated"; approval = "LAB"; },'
                 % (i, 100 + i % 100, 220 + i // 100 % 30, (40000 if variant else 10000) + i))
text = text.replace("flows = (\n", "flows = (\n" + "\n".join(lines) + "\n", 1)
sys.stdout.write(text)
