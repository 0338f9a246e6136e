# Production image: Debian bookworm's Python 3.11 in a venv, non-root user; two entry points:
#   ./boot.sh    the web app (migrations, then gunicorn) - the default CMD
#   ./worker.sh  the background-job worker (`flask worker`)
# BASE is any Debian bookworm with apt: `debian:bookworm-slim` where a registry is reachable, or
# the local image docker/check.sh makes with debootstrap (no registry needed; docs/deployment.md).
ARG BASE=localhost/survey-base:bookworm

# The sources alone, gathered in a throw-away stage so the final image gets them in one layer.
FROM scratch AS src
COPY pyproject.toml gunicorn.conf.py /src/
COPY docker/boot.sh docker/worker.sh /src/
COPY survey_app /src/survey_app
COPY household_forms /src/household_forms
COPY aggregation /src/aggregation
COPY migrations /src/migrations
COPY templates /src/templates
COPY static /src/static

FROM ${BASE}
ENV LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PORT=8000

# Python 3.11 and the libraries WeasyPrint loads at run time (Pango), the fonts of the PDFs
# (DejaVu; Liberation for the Times-compatible serif, docs/reports.md), the time zones
# (SURVEY_TIMEZONE, Asia/Ho_Chi_Minh by default) and the CA list (rediss://, PostgreSQL over TLS).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation2 \
      tzdata ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && python3 -m venv /opt/venv \
 && useradd --create-home --uid 10001 --user-group --shell /usr/sbin/nologin survey

WORKDIR /app
# Exactly the locked versions (hash-checked). A network that intercepts HTTPS can hand its CA
# list to pip for this step only, without it ending up in the image:
#   podman build --secret id=ca-bundle,src=/etc/ssl/certs/ca-certificates.crt ...
RUN --mount=type=bind,source=requirements/app.txt,target=/tmp/requirements-app.txt \
    --mount=type=secret,id=ca-bundle \
    if [ -s /run/secrets/ca-bundle ]; then export PIP_CERT=/run/secrets/ca-bundle; fi \
 && pip install --require-hashes -r /tmp/requirements-app.txt

# The project itself, without resolving again; compiled once here, since the app's user cannot
# write into /app. It writes only to instance/ (export and import files, the SQLite queue when
# QUEUE_URL is unset, a generated key when SECRET_KEY is unset) and to backups/ (the worker's
# nightly backup when BACKUP_DIR=/app/backups); mount volumes there.
COPY --from=src /src/ /app/
RUN --mount=type=secret,id=ca-bundle \
    if [ -s /run/secrets/ca-bundle ]; then export PIP_CERT=/run/secrets/ca-bundle; fi \
 && pip install --no-deps -e . \
 && python -m compileall -q survey_app household_forms aggregation migrations gunicorn.conf.py \
 && chmod 0755 boot.sh worker.sh \
 && install -d -o 10001 -g 10001 -m 0750 /app/instance /app/backups

USER 10001:10001
EXPOSE 8000
# Kept by `docker build` and by `podman build --format docker` (the OCI format has no healthcheck).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=3)"
CMD ["./boot.sh"]
