# eID guide. Build: docker build -t eidguide .   Run: see docs/deploy.md.
ARG BASE_IMAGE=python:3.13-slim

# --- build: wheels, a virtual environment, compiled translations, collected static files ----
FROM ${BASE_IMAGE} AS build
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
SHELL ["/bin/sh", "-eu", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip wheel --wheel-dir /wheels -r requirements.txt \
 && /opt/venv/bin/pip install --no-index --find-links /wheels -r requirements.txt
COPY manage.py gunicorn.conf.py docker-entrypoint.sh ./
COPY eidguide eidguide
COPY guidance guidance
COPY templates templates
COPY static static
COPY locale locale
# A throwaway key: collectstatic needs settings, nothing is signed, and it is not kept.
RUN DEBUG=true /opt/venv/bin/python manage.py compilemessages --verbosity 0 \
 && SECRET_KEY=collectstatic-only-not-a-secret /opt/venv/bin/python manage.py collectstatic --noinput --verbosity 0 \
 && find /app /opt/venv -name __pycache__ -type d -prune -exec rm -rf {} +

# --- runtime: the venv and the app, run as an unprivileged user --------------------------------
FROM ${BASE_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=eidguide.settings \
    PORT=8000
SHELL ["/bin/sh", "-eu", "-c"]
RUN groupadd --system --gid 10001 eidguide \
 && useradd --system --uid 10001 --gid eidguide --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin eidguide \
 && mkdir /data \
 && chown eidguide:eidguide /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python3", "-c", "import os, sys, urllib.request; url = 'http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'); sys.exit(urllib.request.urlopen(url, timeout=2).status != 200)"]
ENTRYPOINT ["/app/docker-entrypoint.sh"]
CMD ["gunicorn", "eidguide.wsgi"]
