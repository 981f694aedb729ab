"""The sandbox RTMP ingest: creators rehearse a live with nothing configured.

Any RTMP encoder (OBS, ffmpeg, the studio) publishes to
`rtmp://127.0.0.1:{port}/live/{stream key}`; viewers watch the HLS it writes
under `{data_dir}/hls`, served by `mount_hls`. An encoder back within the
stream's reconnect window continues the same live and replay (`replay`). The
studio's connection test publishes to `/test/{stream key}`, which checks the
key and drops the media: it never becomes a live.

Why our own RTMP server. RTMP's publishing side is small (handshake, chunk
stream, a few AMF0 commands, then audio/video messages), and none of the
options could refuse a key cleanly and keep a long live running:
- `pyrtmp` 0.3.1 (PyPI, May 2024, the only maintained-looking Python one)
  configures the root logger to DEBUG when imported, pins bitstring<4.2,
  raises on aggregate and AMF3 messages, and never reads the extended
  timestamp on continuation chunks, which OBS sends since 2024 once a stream
  passes 0xFFFFFF ms: a live longer than 4 h 39 min falls out of sync.
- ffmpeg's own `-listen 1` serves one connection and never checks the key;
  nginx-rtmp or MediaMTX are not installable from PyPI on Windows and macOS
  creators' laptops, where the bundled server runs.
So this package speaks RTMP itself (`rtmp`, `amf0`, `connection`), in plain
asyncio, and hands media to one ffmpeg child per publish (`remux`) that copies
it to HLS without re-encoding.
"""

from server.streams.sandbox_ingest.hls import mount_hls
from server.streams.sandbox_ingest.ingest import SandboxIngest

__all__ = ["SandboxIngest", "mount_hls"]
