# Production image: gunicorn serving Django/Wagtail, static files by WhiteNoise.
# Configuration comes from the environment (see README.md); nothing secret is baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portfolio.settings.production \
    PORT=8000

WORKDIR /app

# Dependencies first, so code changes don't reinstall them.
COPY pyproject.toml ./
COPY portfolio/__init__.py portfolio/__init__.py
COPY research/__init__.py research/__init__.py
COPY stories/__init__.py stories/__init__.py
RUN pip install .

COPY . .
RUN pip install --no-deps . \
    # collectstatic needs settings, and production settings need a key: a throwaway
    # one used for this command only, never at run time.
    && SECRET_KEY=collectstatic-only-not-a-real-key python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin portfolio \
    && mkdir -p /app/media \
    && chown -R portfolio:portfolio /app/media

USER portfolio
EXPOSE 8000

CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn portfolio.wsgi:application --bind 0.0.0.0:${PORT} --workers ${GUNICORN_WORKERS:-3} --access-logfile -"]
