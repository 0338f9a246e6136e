#!/bin/sh
# Container entry point of the background-job worker: takes queued jobs (exports, large imports)
# and runs them until stopped. The broker is QUEUE_URL: unset, a SQLite file under instance/
# (one machine only); redis://host:6379/1 for Redis. Run the web container (./boot.sh) first:
# it applies the migrations this process expects.
set -e
# Below the web server's CPU priority: a long PDF must not slow volunteers' saves on the same
# machine (docs/scaling.md).
exec nice -n 10 flask --app survey_app worker "$@"
