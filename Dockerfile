# syntax=docker/dockerfile:1
# azs-assistant image: `docker build -t azs-assistant .`
# Stage 1 builds a virtual environment with the pinned dependencies (requirements.lock as constraints,
# so only what the app needs, at the tested versions); stage 2 is the runtime: Python, Tesseract with the
# Russian, Kazakh, English and Cyrillic-script models, a Cyrillic font, pg_dump for backups. No compilers.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml requirements.lock README.md ./
COPY src ./src
RUN pip install --constraint requirements.lock . \
 && python -m compileall -q /opt/venv/lib

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="azs-assistant" \
      org.opencontainers.image.description="AI assistant for fuel-station chains" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz tesseract-ocr-eng tesseract-ocr-script-cyrl \
      fonts-dejavu-core postgresql-client libglib2.0-0 tini \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 azs \
 && useradd --system --uid 10001 --gid azs --home-dir /var/lib/azs --shell /usr/sbin/nologin azs \
 && mkdir -p /var/lib/azs \
 && chown azs:azs /var/lib/azs
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AZS_DATA_DIR=/var/lib/azs \
    AZS_LOG_FORMAT=json
USER azs:azs
WORKDIR /var/lib/azs
VOLUME ["/var/lib/azs"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4).status != 200)"]
ENTRYPOINT ["/usr/bin/tini", "--", "azs"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
