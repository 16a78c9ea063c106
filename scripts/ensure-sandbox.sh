#!/usr/bin/env bash
# The job sandbox (decision 0026): Debian's bubblewrap, and — when Sluice runs as root — the unprivileged
# user jobs run as (SLUICE_SANDBOX_USER, default sluice-job). Idempotent and quiet when all is there.
# Without root it installs nothing: it says what is missing and exits 1.
set -euo pipefail
user="${SLUICE_SANDBOX_USER:-sluice-job}"
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v prlimit >/dev/null 2>&1 || missing+=(util-linux)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
if [ "$(id -u)" != "0" ]; then
  if [ ${#missing[@]} -gt 0 ]; then
    echo "The job sandbox needs: ${missing[*]} (sudo apt-get install ${missing[*]})." >&2
    exit 1
  fi
  exit 0
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing the job sandbox (apt-get install ${missing[*]})…"
  bash "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" $(printf '%s\n' "${missing[@]}" | sort -u)
fi
if ! id -u "$user" >/dev/null 2>&1; then
  echo "Creating the unprivileged user $user that jobs run as…"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
fi
command -v bwrap >/dev/null 2>&1 || { echo "bwrap is still not on the PATH after apt-get install bubblewrap" >&2; exit 1; }
