#!/usr/bin/env bash
# Checks that the local PostgreSQL answers on 127.0.0.1:5432; starts the machine's cluster if not.
# Used by `npm test` (scripts/test.mjs). Override the target with SLUICE_TEST_POSTGRES_URL.
set -euo pipefail
url="${SLUICE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"

answers() { pg_isready -q -d "$url" 2>/dev/null; }

if answers; then exit 0; fi
if [ -n "${SLUICE_TEST_POSTGRES_URL:-}" ] || [ ! -d /etc/postgresql ]; then
  echo "PostgreSQL does not answer at $url; start it or set SLUICE_TEST_POSTGRES_URL." >&2
  exit 1
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
echo "PostgreSQL is not running; starting cluster $version/main…"
pg_ctlcluster --skip-systemctl-redirect "$version" main start
for _ in $(seq 1 30); do
  if answers; then echo "PostgreSQL is up."; exit 0; fi
  sleep 0.5
done
echo "PostgreSQL did not come up at $url (see /var/log/postgresql/)." >&2
exit 1
