# Production image: slim Python, non-root user, migrations then gunicorn.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=8000
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Exactly the locked versions (hash-checked), then the project itself without resolving again.
COPY requirements/app.txt ./requirements/app.txt
RUN pip install --require-hashes -r requirements/app.txt
COPY pyproject.toml ./
COPY survey_app ./survey_app
COPY household_forms ./household_forms
COPY aggregation ./aggregation
RUN pip install --no-deps -e .
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY docker/boot.sh ./boot.sh
COPY gunicorn.conf.py ./

RUN useradd --create-home --uid 10001 survey && mkdir -p /app/instance && chown survey /app/instance
USER survey
EXPOSE 8000
CMD ["./boot.sh"]
