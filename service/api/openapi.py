"""The OpenAPI description tells every status a route can answer, with the problem schema.

FastAPI describes only the success and its own 422 (as ``application/json``); the service
answers every error as ``application/problem+json`` (RFC 9457): 400 for a bad walk step or
answer, 401 without a valid key (when keys are configured), 404 for an unknown id, 405 for a
method a route does not take, 413 for a body over its limit, 422 for a request that does not
validate, 429 past the rate limit, 503 while the service is still starting.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from service.api.schemas import Problem

PROBLEM_MEDIA = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
WHY = {
    "400": "The request is well-formed but cannot be done (e.g. a walk step that is not open).",
    "401": "No valid API key (only when keys are configured).",
    "404": "No such case, cause, tree or fix.",
    "405": "The route does not take this method (see Allow).",
    "413": "The body is over its limit (the problem's `limit` says it).",
    "422": "The request does not validate (the problem names the field).",
    "429": "Over the rate limit (see Retry-After).",
    "503": "The service is still starting.",
}


def statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses one operation can answer."""
    codes = ["405"]
    if path.startswith("/v1"):
        codes += ["401", "429", "503"]
    if operation.get("parameters") or operation.get("requestBody"):
        codes.append("422")
    if method in {"post", "put", "patch"}:
        codes += ["400", "413"]
    if "{" in path or path.endswith("/start"):
        codes.append("404")
    return sorted(set(codes))


def describe_errors(app: FastAPI) -> None:
    """Install an ``openapi()`` that adds the error answers to every operation."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = Problem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        for path, methods in schema.get("paths", {}).items():
            for method, operation in methods.items():
                responses = operation.setdefault("responses", {})
                # A page answers "not found" as a page; everything else is a problem document.
                ok = responses.get("200", {}).get("content", {})
                page = "text/html" in ok and not path.startswith("/v1")
                for code in statuses(path, method, operation):
                    content = (
                        {"text/html": {"schema": {"type": "string"}}}
                        if page and code == "404"
                        else {PROBLEM_MEDIA: {"schema": PROBLEM_REF}}
                    )
                    responses[code] = {"description": WHY[code], "content": content}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


DOCS_ASSETS = "/docs-assets"


def install_docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI with its script and style served by this service (from the
    ``swagger-ui-bundle`` package), so the page works without internet access."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )
