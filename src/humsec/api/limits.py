"""Limits that keep one client from hurting the others: body size and compute rate.

* :class:`BodySizeLimit` is ASGI middleware: a request whose ``Content-Length`` exceeds the
  limit is refused before it is read, and a chunked body is counted as it streams in, so an
  oversized upload never reaches memory or disk.
* :class:`ComputeRateLimit` is a sliding-window counter per token: at most ``per_minute``
  compute requests (runs and jobs) in any 60 s window.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from humsec.api.problems import PROBLEM_MEDIA_TYPE, ServiceProblem

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuse request bodies larger than ``max_bytes`` with a 413 problem document."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                await self._refuse(send, 400, "the Content-Length header is not a number")
                return
            if length > self.max_bytes:
                await self._refuse(send, 413, self._too_large(length))
                return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await self._refuse(send, 413, self._too_large(received))

    def _too_large(self, size: int) -> str:
        return (
            f"the request body ({size:,} bytes or more) exceeds the limit of "
            f"{self.max_bytes:,} bytes"
        )

    @staticmethod
    async def _refuse(send: Send, status: int, detail: str) -> None:
        body = json.dumps(
            {
                "type": f"https://humsec.org/problems/{status}",
                "title": "Content Too Large" if status == 413 else "Bad Request",
                "status": status,
                "detail": detail,
                "hint": "send a smaller body, or raise the service's upload limit"
                if status == 413
                else "send a valid Content-Length header",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class ComputeRateLimit:
    """At most ``per_minute`` compute requests per token in any 60-second window."""

    window_seconds = 60.0

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self._clock = clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, token_id: str) -> None:
        """Count one compute request for ``token_id``; raise a 429 problem when over the limit."""
        now = self._clock()
        with self._lock:
            stamps = self._seen[token_id]
            while stamps and now - stamps[0] >= self.window_seconds:
                stamps.popleft()
            if len(stamps) >= self.per_minute:
                retry = max(1, int(self.window_seconds - (now - stamps[0])) + 1)
                raise ServiceProblem(
                    429,
                    f"more than {self.per_minute} compute requests in a minute for this token",
                    headers={"Retry-After": str(retry)},
                )
            stamps.append(now)
