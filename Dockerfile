# Production image: gunicorn + whitenoise for web, the same image for Celery.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv UV_PYTHON_DOWNLOADS=never \
    DJANGO_SETTINGS_MODULE=dla_suivi.settings.prod

# Pango for WeasyPrint (PDF reports).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.9

WORKDIR /app
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project --python "$(command -v python3)"
COPY . .
RUN SECRET_KEY=build-only .venv/bin/python manage.py collectstatic --noinput

RUN useradd --system --home /app dla && mkdir -p /app/var && chown -R dla /app/var
USER dla
EXPOSE 8000
# Workers: gunicorn.conf.py (5 sync workers on 2 cores; WEB_CONCURRENCY overrides).
CMD [".venv/bin/gunicorn", "dla_suivi.wsgi", "--bind", "0.0.0.0:8000"]
