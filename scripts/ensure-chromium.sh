#!/usr/bin/env bash
# The dashboard's browser tests drive Debian's Chromium (never a downloaded browser): install it when missing.
# Quiet and idempotent: does nothing when `chromium` is on the PATH.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
echo "Installing Chromium (apt-get install chromium) for the dashboard's browser tests…"
bash "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" chromium
command -v chromium >/dev/null 2>&1 || { echo "chromium is still not on the PATH after apt-get install" >&2; exit 1; }
