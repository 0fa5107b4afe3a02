"""How long the service itself took to answer: the ``Server-Timing`` response header.

:class:`ServerTiming` is ASGI middleware that adds ``Server-Timing: app;dur=MS`` (W3C Server
Timing) to every HTTP response: the milliseconds from the request reaching the application to
its response starting. A client that sees a slower answer than this waited for the network or,
on a busy machine, for a CPU; a browser's developer tools show the figure too. It carries no
request data, so it reveals nothing about tokens or inputs.
"""

from __future__ import annotations

import time

from humsec.api.limits import ASGIApp, Message, Receive, Scope, Send


class ServerTiming:
    """Add ``Server-Timing: app;dur=…`` to every HTTP response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - start) * 1000
                headers = list(message.get("headers") or [])
                headers.append((b"server-timing", f"app;dur={elapsed:.1f}".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, timed_send)
