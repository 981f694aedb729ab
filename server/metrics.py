"""Prometheus metrics: request counts and latency by route template, served at `/metrics`."""

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope


class Metrics:
    """One registry per app, so several apps in one process (tests) don't collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.requests = Counter(
            "flash_http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "flash_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
        )

    def render(self, _request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        template = _route_template(scope)
        self.requests.labels(scope["method"], template, str(status)).inc()
        self.latency.labels(scope["method"], template).observe(seconds)


def _route_template(scope: Scope) -> str:
    """`/api/v1/streams/{id}` rather than each id, so label cardinality stays bounded."""
    if "endpoint" not in scope:
        return "unmatched"
    path: str = scope["path"]
    for name, value in scope.get("path_params", {}).items():
        path = path.replace(f"/{value}", f"/{{{name}}}")
    return path
