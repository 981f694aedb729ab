"""How many bytes a fan downloads before the video: the fan page over HTTP, gzipped.

Printed, not asserted against a budget (run with `pytest -s`). The page (HTML + CSS +
our script with the Socket.IO client) is what every fan loads; hls.js is fetched only by
browsers that play through Media Source Extensions (most Android browsers), so both sums
are shown. The target is under 150 KB gzipped in the worst case.
"""

import re

import httpx
import pytest

from tests.support.live_server import LiveServer
from tests.support.payments import bearer, register

pytestmark = pytest.mark.benchmark
GZIP = {"Accept-Encoding": "gzip"}


def transferred(client: httpx.Client, url: str) -> int:
    """Bytes on the wire: the gzipped body as sent (the Content-Length of the response)."""
    response = client.get(url, headers=GZIP)
    assert response.status_code == 200, url
    assert response.headers.get("content-encoding") == "gzip", url
    return int(response.headers["content-length"])


def test_fanpage_weight(live_server: LiveServer) -> None:
    with live_server.client() as api:
        _creator_id, token = register(api)
        stream = api.post("/streams", json={"title": "Weigh-in"}, headers=bearer(token)).json()
    with httpx.Client(base_url=live_server.url, timeout=15) as client:
        html_url = f"/live/{stream['id']}"
        html = client.get(html_url).text
        css = re.search(r'href="(/fanpage/app\.css[^"]*)"', html)
        js = re.search(r'src="(/fanpage/app\.js[^"]*)"', html)
        hls = re.search(r'"hls_url":"([^"]+)"', html)
        assert css and js and hls
        sizes = {
            "html": transferred(client, html_url),
            "css": transferred(client, css.group(1)),
            "js": transferred(client, js.group(1)),
            "hls.js": transferred(client, hls.group(1)),
        }
    page = sizes["html"] + sizes["css"] + sizes["js"]
    print()
    for name, size in sizes.items():
        print(f"fanpage {name:>7}: {size / 1024:6.1f} KB gzipped")
    print(f"fanpage    page: {page / 1024:6.1f} KB gzipped (HTML + CSS + JS, every fan)")
    print(f"fanpage   total: {(page + sizes['hls.js']) / 1024:6.1f} KB gzipped (with hls.js)")
    assert page > 0
