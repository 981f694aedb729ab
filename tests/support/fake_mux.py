"""A local Mux: the Video API's live-stream endpoints on loopback, speaking Mux's REST shape.

The real `mux-python` client talks to it over HTTP (FLASH_MUX_BASE_URL): basic
auth, `{"data": ...}` envelopes, `{"error": {"type", "messages"}}` failures,
201 on create and reset, 204 on delete; `test: true` makes a test-mode live
stream, as Mux does. Every request is kept in `requests`. It also plays Mux's other half:
`event()` builds webhook events and `signed()` signs them as Mux does.
"""

import base64
import hashlib
import hmac
import json
import secrets
import string
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.live_server import serve

TOKEN_ID = "fake-mux-token-id"
TOKEN_SECRET = "fake-mux-token-secret"
LATENCY_MODES = ("standard", "reduced", "low")
PREFIX = "/video/v1/live-streams"


def mux_id() -> str:
    """Mux ids are long mixed-case alphanumerics."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(44))


def error(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "messages": [message]}}, status_code=status)


class FakeMux:
    def __init__(self) -> None:
        self.url = ""
        self.live_streams: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, Any]] = []  # method, path, JSON body
        self.fail_with: int | None = None  # answer every call with this status
        self.app = Starlette(
            routes=[
                Route(PREFIX, self._create, methods=["POST"]),
                Route(PREFIX + "/{id}", self._get, methods=["GET"]),
                Route(PREFIX + "/{id}", self._update, methods=["PATCH"]),
                Route(PREFIX + "/{id}", self._delete, methods=["DELETE"]),
                Route(PREFIX + "/{id}/complete", self._complete, methods=["PUT"]),
                Route(PREFIX + "/{id}/disable", self._disable, methods=["PUT"]),
                Route(PREFIX + "/{id}/reset-stream-key", self._reset_key, methods=["POST"]),
                Route(PREFIX + "/{id}/simulcast-targets", self._add_target, methods=["POST"]),
                Route(
                    PREFIX + "/{id}/simulcast-targets/{tid}",
                    self._delete_target,
                    methods=["DELETE"],
                ),
            ]
        )

    # What tests use to play Mux's part

    def calls(self, method: str, suffix: str = "") -> list[Any]:
        """Bodies of the calls made with `method` to paths ending in `suffix`."""
        return [body for m, path, body in self.requests if m == method and path.endswith(suffix)]

    def set_status(self, live_stream_id: str, status: str) -> None:
        self.live_streams[live_stream_id]["status"] = status

    def recording(self, live_stream_id: str, duration: float | None = None) -> dict[str, Any]:
        """The asset Mux makes to record a broadcast, as webhook `data`."""
        asset: dict[str, Any] = {
            "id": mux_id(),
            "status": "ready" if duration is not None else "preparing",
            "live_stream_id": live_stream_id,
            "is_live": duration is None,
            "playback_ids": [{"id": mux_id(), "policy": "public"}],
            "passthrough": self.live_streams.get(live_stream_id, {}).get("passthrough"),
        }
        if duration is not None:
            asset["duration"] = duration
        return asset

    @staticmethod
    def event(
        event_type: str,
        data: dict[str, Any],
        *,
        event_id: str | None = None,
        created_at: datetime | None = None,
    ) -> dict[str, Any]:
        kind = "asset" if event_type.startswith("video.asset.") else "live"
        return {
            "type": event_type,
            "id": event_id or str(uuid.uuid4()),
            "created_at": (created_at or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
            "object": {"type": kind, "id": data.get("id")},
            "environment": {"name": "Development", "id": "fake-env"},
            "data": data,
            "attempts": [],
            "accessor": None,
            "request_id": None,
        }

    @staticmethod
    def signed(
        payload: dict[str, Any], secret: str, *, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers Mux would send: HMAC-SHA256 over "<t>.<body>"."""
        body = json.dumps(payload).encode()
        t = str(int(time.time()) if timestamp is None else timestamp)
        digest = hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
        return body, {"mux-signature": f"t={t},v1={digest}", "content-type": "application/json"}

    # The API

    async def _guard(self, request: Request) -> tuple[Response | None, Any]:
        body = None
        raw = await request.body()
        if raw:
            body = json.loads(raw)
        self.requests.append((request.method, request.url.path, body))
        expected = base64.b64encode(f"{TOKEN_ID}:{TOKEN_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return error(401, "unauthorized", "Unauthorized request"), body
        if self.fail_with is not None:
            return error(self.fail_with, "internal_error", "Something went wrong"), body
        stream_id = request.path_params.get("id")
        if stream_id is not None and stream_id not in self.live_streams:
            return error(404, "not_found", "The requested resource was not found"), body
        return None, body

    async def _create(self, request: Request) -> Response:
        refused, body = await self._guard(request)
        if refused:
            return refused
        latency = body.get("latency_mode", "standard")
        window = body.get("reconnect_window", 60)
        if latency not in LATENCY_MODES or not 0 <= window <= 1800:
            return error(400, "invalid_parameters", "latency_mode or reconnect_window is invalid")
        policies = body.get("playback_policies") or body.get("playback_policy") or []
        live = {
            "id": mux_id(),
            "created_at": str(int(time.time())),
            "stream_key": str(uuid.uuid4()),
            "status": "idle",
            "playback_ids": [{"id": mux_id(), "policy": policy} for policy in policies],
            "new_asset_settings": body.get("new_asset_settings"),
            "reconnect_window": window,
            "latency_mode": latency,
            "passthrough": body.get("passthrough"),
            "recent_asset_ids": [],
            "simulcast_targets": [],
            "max_continuous_duration": 43200,
            "test": bool(body.get("test", False)),
        }
        if live["test"]:
            live["max_continuous_duration"] = 300  # test mode: cut after 5 minutes
        self.live_streams[live["id"]] = live
        return JSONResponse({"data": live}, status_code=201)

    async def _get(self, request: Request) -> Response:
        refused, _ = await self._guard(request)
        return refused or JSONResponse({"data": self.live_streams[request.path_params["id"]]})

    async def _update(self, request: Request) -> Response:
        refused, body = await self._guard(request)
        if refused:
            return refused
        live = self.live_streams[request.path_params["id"]]
        if body.get("latency_mode") not in (None, *LATENCY_MODES):
            return error(400, "invalid_parameters", "latency_mode is invalid")
        live.update({k: v for k, v in body.items() if k in ("latency_mode", "reconnect_window")})
        return JSONResponse({"data": live})

    async def _delete(self, request: Request) -> Response:
        refused, _ = await self._guard(request)
        if refused:
            return refused
        del self.live_streams[request.path_params["id"]]
        return Response(status_code=204)

    async def _complete(self, request: Request) -> Response:
        refused, _ = await self._guard(request)
        if refused:
            return refused
        live = self.live_streams[request.path_params["id"]]
        if live["status"] == "active":
            live["status"] = "idle"
        return JSONResponse({"data": {}})

    async def _disable(self, request: Request) -> Response:
        refused, _ = await self._guard(request)
        if refused:
            return refused
        self.live_streams[request.path_params["id"]]["status"] = "disabled"
        return JSONResponse({"data": {}})

    async def _reset_key(self, request: Request) -> Response:
        refused, _ = await self._guard(request)
        if refused:
            return refused
        live = self.live_streams[request.path_params["id"]]
        live["stream_key"] = str(uuid.uuid4())
        return JSONResponse({"data": live}, status_code=201)

    async def _add_target(self, request: Request) -> Response:
        refused, body = await self._guard(request)
        if refused:
            return refused
        live = self.live_streams[request.path_params["id"]]
        if live["status"] != "idle":
            return error(400, "invalid_parameters", "the live stream must be idle")
        if not body.get("url"):
            return error(400, "invalid_parameters", "url is required")
        target = {
            "id": mux_id(),
            "passthrough": body.get("passthrough"),
            "status": "idle",
            "stream_key": body.get("stream_key"),
            "url": body["url"],
        }
        live["simulcast_targets"].append(target)
        return JSONResponse({"data": target}, status_code=201)

    async def _delete_target(self, request: Request) -> Response:
        refused, _ = await self._guard(request)
        if refused:
            return refused
        live = self.live_streams[request.path_params["id"]]
        targets = live["simulcast_targets"]
        kept = [t for t in targets if t["id"] != request.path_params["tid"]]
        if len(kept) == len(targets):
            return error(404, "not_found", "The requested resource was not found")
        live["simulcast_targets"] = kept
        return Response(status_code=204)


@contextmanager
def running_fake_mux() -> Iterator[FakeMux]:
    fake = FakeMux()
    with serve(fake.app) as server:
        fake.url = server.url
        yield fake
