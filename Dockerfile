# medborgarbot: a slim image that runs `python -m bot run`.
#   docker build -t medborgarbot .
#   docker run -d --name medborgarbot -v medborgarbot-data:/data \
#     -v $PWD/config.yaml:/app/config.yaml:ro \
#     -e MEDBORGARBOT_MATRIX__PASSWORD=… -e MEDBORGARBOT_MATRIX__PICKLE_KEY=… \
#     -p 127.0.0.1:8080:8080 medborgarbot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MEDBORGARBOT_DATA_DIR=/data \
    MEDBORGARBOT_HTTP__LISTEN=0.0.0.0:8080

WORKDIR /app
# Dependencies first, from pyproject.toml alone (an empty package stands in for the
# code), so that a change in the code does not reinstall them. Every dependency ships
# a manylinux wheel for CPython 3.11, so the slim image needs no compiler.
COPY pyproject.toml README.md ./
RUN mkdir bot && touch bot/__init__.py && pip install . \
    && pip uninstall -y medborgarbot && rm -rf bot build ./*.egg-info
COPY bot ./bot
RUN pip install --no-deps . && rm -rf build ./*.egg-info \
    && useradd --system --uid 10001 --home-dir /data medborgarbot \
    && mkdir -p /data && chown medborgarbot /data
# The shipped knowledge base; mount your own over /app/knowledge to replace it.
COPY knowledge ./knowledge

USER medborgarbot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run", "--config", "/app/config.yaml"]
