#!/usr/bin/env bash
# The AWS-compatible API's e2e test drives Debian's AWS CLI v2 (package `awscli`, /usr/bin/aws): install it when missing.
# Quiet and idempotent: does nothing when /usr/bin/aws exists.
set -euo pipefail
[ -x /usr/bin/aws ] && exit 0
echo "Installing the AWS CLI (apt-get install awscli) for the AWS-compatible API's e2e test…"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends awscli >/dev/null
[ -x /usr/bin/aws ] || { echo "/usr/bin/aws is still missing after apt-get install awscli" >&2; exit 1; }
