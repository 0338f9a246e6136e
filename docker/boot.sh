#!/bin/sh
# Container entry point: bring the schema up to date, then hand the process over to gunicorn.
set -e
flask --app survey_app db upgrade
# Two sync workers per core unless WEB_WORKERS says otherwise (measured: docs/scaling.md).
exec gunicorn --config gunicorn.conf.py --bind "0.0.0.0:${PORT:-8000}" \
  --workers "${WEB_WORKERS:-$((2 * $(nproc)))}" 'survey_app:create_app()'
