#!/bin/sh
# Apply migrations (instances take turns on PostgreSQL), then hand the process over to the
# command (gunicorn by default) so it receives SIGTERM directly and shuts down gracefully.
set -eu
if [ "${MIGRATE_ON_START:-true}" = "true" ]; then
  python3 manage.py migrate_locked --verbosity 1
fi
exec "$@"
