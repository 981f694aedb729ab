"""The fan page: `GET /live/{stream or creator id}` and the assets it loads.

A fan opens one link on a cheap phone and watches, chats and tips without an
account. The page's scripts are built from `web/fanpage/` into `static/`
(committed, so the server needs no Node at run time) and talk only to the
public API (`/api/v1/...`, Socket.IO at `/socket.io`).
"""

from server.fanpage.routes import router

__all__ = ["router"]
