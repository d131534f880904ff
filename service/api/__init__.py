"""The HTTP API: the app factory, its routes, request and response schemas, dependencies,
problem+json errors, API keys and rate limits, security headers, access logs, metrics and
the OpenAPI document."""
