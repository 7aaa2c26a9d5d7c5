# One image; the web service, the worker and the scheduler are commands of it:
#   docker run IMAGE radar serve --bind 0.0.0.0:8000
#   docker run IMAGE radar worker
#   docker run IMAGE radar cron
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

RUN useradd --create-home --uid 10001 radar
WORKDIR /app

COPY pyproject.toml README.md ./
COPY service ./service
COPY integration ./integration
COPY crm_mapping ./crm_mapping
COPY field_specs ./field_specs
COPY detection ./detection
COPY plays ./plays
COPY workers ./workers
COPY webhooks ./webhooks
RUN pip install --upgrade pip && pip install .

USER radar
EXPOSE 8000
CMD ["radar", "serve", "--bind", "0.0.0.0:8000"]
