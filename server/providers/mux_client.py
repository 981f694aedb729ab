"""Mux live streams through the official `mux-python` SDK.

The SDK is synchronous (urllib3), so every call runs in a worker thread. Each
call opens its own `ApiClient` and drops its connections afterwards: these calls
are rare (create, reset, complete) and it leaves no pool to close at shutdown.
Every SDK or network failure becomes `ProviderUnavailable` (502), never a 500.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import mux_python
import urllib3
from mux_python.exceptions import ApiException, NotFoundException, OpenApiException

from server.errors import ProviderUnavailable
from server.logs import get_logger
from server.providers.mux import (
    LiveStreamSpec,
    ProvisionedStream,
    ProvisionedTarget,
    ProvisionedTestStream,
)

log = get_logger("flash.providers.mux")
T = TypeVar("T")

TEST_STREAM_LIFETIME = timedelta(hours=24)
"""Mux deletes a test-mode live stream 24 hours after it was made (its test-mode terms)."""

# The SDK logs whole response bodies (stream keys included) at DEBUG: never let it.
logging.getLogger("mux_python").setLevel(logging.WARNING)


class MuxClient:
    """The live Mux adapter: `FLASH_MUX_BASE_URL` is the API root, without `/video/v1`."""

    name = "mux"

    def __init__(self, base_url: str, token_id: str, token_secret: str, timeout_s: float) -> None:
        config = mux_python.Configuration(host=base_url.rstrip("/"))
        config.username = token_id
        config.password = token_secret
        # Retry connecting only: a POST that reached Mux is never sent twice by us.
        config.retries = urllib3.Retry(total=2, connect=2, read=0, status=0, redirect=0)
        self._config = config
        self._timeout = timeout_s

    async def create_stream(self, spec: LiveStreamSpec) -> ProvisionedStream:
        public = [mux_python.PlaybackPolicy.PUBLIC]
        request = mux_python.CreateLiveStreamRequest(
            playback_policies=public,
            # Every broadcast is recorded, so the creator gets a replay.
            new_asset_settings=mux_python.CreateAssetRequest(playback_policies=public),
            reconnect_window=float(spec.reconnect_window),
            latency_mode=spec.latency_mode,
            passthrough=spec.passthrough,
        )
        timeout = self._timeout
        return await self._call(
            "create the live stream",
            lambda api: _provisioned(
                api.create_live_stream(request, _request_timeout=timeout).data
            ),
        )

    async def set_latency_mode(
        self, stream_id: str, latency_mode: str, reconnect_window: int
    ) -> None:
        """The SDK's update model always sends a reconnect window (60 unless told), so the
        stream's own goes with it rather than being reset behind our back."""
        request = mux_python.UpdateLiveStreamRequest(
            latency_mode=latency_mode, reconnect_window=float(reconnect_window)
        )
        timeout = self._timeout
        await self._call(
            "change the latency mode",
            lambda api: api.update_live_stream(stream_id, request, _request_timeout=timeout),
        )

    async def reset_stream_key(self, stream_id: str) -> str:
        timeout = self._timeout
        return await self._call(
            "reset the stream key",
            lambda api: _text(
                api.reset_stream_key(stream_id, _request_timeout=timeout).data.stream_key
            ),
        )

    async def complete_stream(self, stream_id: str) -> None:
        """End the broadcast now, then disable the stream so its key can start no other."""
        timeout = self._timeout

        def complete_and_disable(api: Any) -> None:
            api.signal_live_stream_complete(stream_id, _request_timeout=timeout)
            api.disable_live_stream(stream_id, _request_timeout=timeout)

        await self._call("end the live stream", complete_and_disable)

    async def delete_stream(self, stream_id: str) -> None:
        timeout = self._timeout
        await self._call(
            "delete the live stream",
            _missing_ok(lambda api: api.delete_live_stream(stream_id, _request_timeout=timeout)),
        )

    async def create_test_stream(self, passthrough: str) -> ProvisionedTestStream:
        """A Mux test-mode live stream (free, watermarked, cut after 5 minutes, deleted by
        Mux after 24 hours) with no playback ID and no recording: a publish to it is seen
        by nobody and leaves no replay, and the creator's real stream never hears of it."""
        request = mux_python.CreateLiveStreamRequest(test=True, passthrough=passthrough)
        timeout = self._timeout
        return await self._call(
            "create the connection test stream",
            lambda api: _test_stream(
                api.create_live_stream(request, _request_timeout=timeout).data
            ),
        )

    async def delete_test_stream(self, test_stream_id: str, passthrough: str) -> bool:
        """Read it first, so an owner can only ever delete a test stream made for them."""
        timeout = self._timeout

        def check_and_delete(api: Any) -> bool:
            try:
                live = api.get_live_stream(test_stream_id, _request_timeout=timeout).data
            except NotFoundException:
                return True  # gone already (Mux's own 24 h clean-up, or a second delete)
            if live.test is not True or live.passthrough != passthrough:
                return False
            with contextlib.suppress(NotFoundException):  # gone meanwhile: as good
                api.delete_live_stream(test_stream_id, _request_timeout=timeout)
            return True

        return await self._call("delete the connection test stream", check_and_delete)

    async def add_simulcast_target(
        self, stream_id: str, url: str, stream_key: str, passthrough: str
    ) -> ProvisionedTarget:
        request = mux_python.CreateSimulcastTargetRequest(
            url=url, stream_key=stream_key, passthrough=passthrough
        )
        timeout = self._timeout
        return await self._call(
            "add the simulcast target",
            lambda api: _target(
                api.create_live_stream_simulcast_target(
                    stream_id, request, _request_timeout=timeout
                ).data
            ),
        )

    async def remove_simulcast_target(self, stream_id: str, target_id: str) -> None:
        timeout = self._timeout
        await self._call(
            "remove the simulcast target",
            _missing_ok(
                lambda api: api.delete_live_stream_simulcast_target(
                    stream_id, target_id, _request_timeout=timeout
                )
            ),
        )

    async def _call(self, action: str, call: Callable[[Any], T]) -> T:
        return await asyncio.to_thread(self._call_blocking, action, call)

    def _call_blocking(self, action: str, call: Callable[[Any], T]) -> T:
        client = mux_python.ApiClient(self._config)
        try:
            return call(mux_python.LiveStreamsApi(client))
        except ApiException as exc:
            log.warning("mux_error", action=action, status=exc.status)
            raise _unavailable(action, exc.status) from None
        except (OpenApiException, urllib3.exceptions.HTTPError, ValueError, AttributeError) as exc:
            # Network failures, timeouts, and answers the SDK or we cannot read.
            log.warning("mux_unreachable", action=action, error=type(exc).__name__)
            raise _unavailable(action, None) from None
        finally:
            client.rest_client.pool_manager.clear()
            client.close()


def _missing_ok(call: Callable[[Any], object]) -> Callable[[Any], None]:
    """Deleting something Mux no longer has is the outcome we wanted, not an error."""

    def run(api: Any) -> None:
        try:
            call(api)
        except NotFoundException:
            pass

    return run


def _unavailable(action: str, status: int | None) -> ProviderUnavailable:
    return ProviderUnavailable(
        f"Mux could not {action} just now; nothing was changed, try again in a moment",
        details={"provider": "mux", "status": status},
    )


def _text(value: object) -> str:
    """A non-empty string from Mux's answer; anything else is an answer we cannot use."""
    if not isinstance(value, str) or not value:
        raise ValueError("Mux's answer lacks a field we need")
    return value


def _provisioned(live: Any) -> ProvisionedStream:
    playback_id = None
    for playback in live.playback_ids or []:
        if playback.policy == mux_python.PlaybackPolicy.PUBLIC:
            playback_id = _text(playback.id)
            break
    return ProvisionedStream(
        id=_text(live.id), stream_key=_text(live.stream_key), playback_id=playback_id
    )


def _test_stream(live: Any) -> ProvisionedTestStream:
    """`created_at` is Unix seconds as a string in Mux's answers."""
    created_at = datetime.fromtimestamp(int(_text(live.created_at)), UTC)
    return ProvisionedTestStream(
        id=_text(live.id),
        stream_key=_text(live.stream_key),
        expires_at=created_at + TEST_STREAM_LIFETIME,
    )


def _target(target: Any) -> ProvisionedTarget:
    return ProvisionedTarget(id=_text(target.id), status=str(target.status or "idle"))
