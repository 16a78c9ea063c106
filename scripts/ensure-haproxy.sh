#!/usr/bin/env bash
# The distributed mode with several gateways (SLUICE_GATEWAYS > 1) puts Debian's HAProxy in front of them; its e2e test
# starts one too. Quiet and idempotent: does nothing when haproxy is on the PATH.
set -euo pipefail
command -v haproxy >/dev/null 2>&1 && exit 0
echo "Installing HAProxy (apt-get install haproxy), the load balancer in front of several gateways…"
bash "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" haproxy
command -v haproxy >/dev/null 2>&1 || { echo "haproxy is still missing after apt-get install haproxy" >&2; exit 1; }
