#!/usr/bin/env bash
# The AWS-compatible API's e2e test drives Debian's AWS CLI v2 (package `awscli`, /usr/bin/aws): install it when missing.
# Quiet and idempotent: does nothing when /usr/bin/aws exists.
set -euo pipefail
[ -x /usr/bin/aws ] && exit 0
echo "Installing the AWS CLI (apt-get install awscli) for the AWS-compatible API's e2e test…"
bash "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" awscli
[ -x /usr/bin/aws ] || { echo "/usr/bin/aws is still missing after apt-get install awscli" >&2; exit 1; }
