"""The HTTP API: the app factory, its routes, request and response schemas, dependencies,
problem+json errors, API keys and rate limits, security headers and the OpenAPI document."""
