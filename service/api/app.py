"""The FastAPI application factory; models and indexes load in the lifespan, not at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from service.api import problems
from service.api.headers import SecurityHeadersMiddleware
from service.api.limits import BodyLimitMiddleware
from service.api.logs import AccessLogMiddleware
from service.api.metrics import Metrics
from service.api.openapi import describe_errors, install_docs
from service.api.routes import api_router, slack
from service.api.routes.eventlog import EVENT_LOG_PATH
from service.api.security import AccessMiddleware
from service.channels.slack.jobs import ThreadJobs
from service.config import Settings, get_settings
from service.core import Doctor
from service.engine import Engine
from service.runtime import build_engine
from service.storage.cases import CaseStore

# A JSON body escapes newlines, tabs and quotes: leave room above the paste limit for that;
# the paste itself is measured exactly once parsed.
BODY_ALLOWANCE = 2
# Room for the multipart framing around an uploaded event log; the file itself is measured
# exactly by its route.
MULTIPART_ALLOWANCE = 65536


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app; ``engine`` lets tests share one loaded model across apps."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = CaseStore(settings.resolved_database_url)
        app.state.doctor = Doctor(settings, engine or build_engine(settings), store)
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title="Driver Doctor",
        version="1.0.0",
        description="Diagnoses Apache Spark driver out-of-memory failures and walks to a fix.",
        lifespan=lifespan,
        # /docs is served with Swagger UI's assets from this service (no CDN: it works offline).
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    app.state.settings = settings
    # The work behind Slack's acknowledgements runs on threads of this process.
    app.state.slack_jobs = ThreadJobs()
    problems.install(app)
    describe_errors(app)
    app.include_router(api_router)
    if settings.slack_enabled:
        app.include_router(slack.router)
    # Outermost last: the access log sees every answer (401, 413, 429 included); CORS wraps
    # the key check so a refusal still reaches the widget readable.
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_paste_bytes * BODY_ALLOWANCE + 65536,
        path_limits={EVENT_LOG_PATH: settings.max_event_log_bytes + MULTIPART_ALLOWANCE},
    )
    app.add_middleware(AccessMiddleware, settings=settings)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["content-type", "authorization"],
            expose_headers=["retry-after", "x-request-id"],
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.state.metrics = Metrics()
    app.add_middleware(AccessLogMiddleware, metrics=app.state.metrics)
    return app
