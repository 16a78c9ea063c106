#!/usr/bin/env bash
# Installs Debian packages, quietly, through sudo when not root: the install step of the ensure-*.sh scripts.
# Usage: apt-install.sh PACKAGE…
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
