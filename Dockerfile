# Hearth: `docker build -t hearth . && docker run -e HEARTH_DISCORD_TOKEN=... -v hearth-data:/data hearth`
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HEARTH_DATABASE_PATH=/data/hearth.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY persona ./persona
RUN pip install . \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin hearth \
    && mkdir -p /data && chown hearth:hearth /data

USER hearth
VOLUME ["/data"]
CMD ["hearth", "run"]
