# Production image: gunicorn serves the app, WhiteNoise the static files.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN DEBUG=false SECRET_KEY=collectstatic-only STATIC_MANIFEST=true python manage.py collectstatic --noinput
RUN useradd --create-home --uid 10001 app && mkdir -p /app/var && chown app /app/var
USER app
EXPOSE 8000
# --timeout 60, set explicitly: gunicorn's default of 30 s kills a worker mid-request.
# Long documents (more than DOCUMENT_INLINE_MAX_ENTRIES entries) are rendered by the Celery
# worker instead; 60 s leaves headroom for the largest ones still rendered in a request.
# A database that does not answer fails the request sooner, with the service's own error
# page (connect and statement timeouts in config/settings.py). config/gunicorn.py: the
# access log names paths without their query strings.
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--graceful-timeout", "30", "--access-logfile", "-"]
