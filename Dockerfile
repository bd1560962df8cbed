FROM python:3.11-slim-bookworm
# Pango for the PDFs; nginx, the TLS proxy (the compose file's proxy service); the PostgreSQL
# client of the compose file's server (15), for the nightly backups.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    fonts-dejavu-core nginx postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir -e .
COPY . .
RUN useradd --system app && mkdir -p var/static var/media var/backups var/log var/run \
    && chown -R app var
USER app
EXPOSE 8000
