"""The Mux sandbox: live streams made locally, for a studio with no Mux account.

It keeps no state of its own: the stream's row is the truth, and the bundled
RTMP ingest (server/streams/sandbox_ingest*) plays Mux's part of receiving
video. Simulcast targets are recorded but nothing is re-streamed to them.
"""

import secrets

from server.providers.mux import LiveStreamSpec, ProvisionedStream, ProvisionedTarget


def new_stream_key() -> str:
    """Hex only, so it survives any RTMP client's URL handling."""
    return secrets.token_hex(16)


class MuxSandbox:
    name = "sandbox"

    async def create_stream(self, spec: LiveStreamSpec) -> ProvisionedStream:
        return ProvisionedStream(
            id="sbx_" + secrets.token_hex(12), stream_key=new_stream_key(), playback_id=None
        )

    async def set_latency_mode(
        self, stream_id: str, latency_mode: str, reconnect_window: int
    ) -> None:
        return None

    async def reset_stream_key(self, stream_id: str) -> str:
        return new_stream_key()

    async def complete_stream(self, stream_id: str) -> None:
        return None

    async def delete_stream(self, stream_id: str) -> None:
        return None

    async def add_simulcast_target(
        self, stream_id: str, url: str, stream_key: str, passthrough: str
    ) -> ProvisionedTarget:
        return ProvisionedTarget(id="sbx_st_" + secrets.token_hex(8), status="idle")

    async def remove_simulcast_target(self, stream_id: str, target_id: str) -> None:
        return None
