#!/bin/bash
# 135_csirt_tls.sh - the same delivery proof as 130, as syslog over TLS (RFC 5425: omfwd/imtcp with gtls, octet-counted) with a CA and certificates the test makes.
#
# The collector accepts only certificates of *.city.example signed by the
# test CA; the gateway accepts only collector.csirt.example.  Everything
# else is 130_csirt_relp.sh with bunri-forward-tls.conf and
# csirt-collector-tls.conf.
CSIRT_TEST_MODE=tls
. "$(dirname "$0")/130_csirt_relp.sh"
