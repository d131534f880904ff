# syntax=docker/dockerfile:1
# Same install and build steps as the README: pip install (CPU torch pinned), doctor index build.

FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 HF_HUB_OFFLINE=1
WORKDIR /app
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# Dependencies first (cached layer): CPU torch from the PyTorch CPU wheel index, then the rest.
COPY pyproject.toml README.md ./
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY kb ./kb
COPY index ./index
COPY service ./service
RUN pip install . && python -m compileall -q /opt/venv/lib/python3.11/site-packages
# Build the index from the committed knowledge base into the installed package.
RUN doctor index build

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH HF_HUB_OFFLINE=1 PYTHONDONTWRITEBYTECODE=1 DOCTOR_DATA_DIR=/data
RUN useradd --create-home --uid 10001 doctor && mkdir /data && chown doctor /data
COPY --from=builder /opt/venv /opt/venv
USER doctor
WORKDIR /home/doctor
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
CMD ["doctor", "serve", "--host", "0.0.0.0", "--port", "8000"]
