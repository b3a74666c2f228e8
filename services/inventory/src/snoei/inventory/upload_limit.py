"""ASGI middleware refusing import uploads over the size limit with a 413 problem, before
the body is buffered."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from snoei.shared.http import Problem, problem_response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def too_large(limit: int) -> Problem:
    return Problem(413, "Upload too large",
                   f"the file is larger than the limit of {limit} bytes (SNOEI_MAX_UPLOAD_BYTES)")


class UploadLimit:
    """Refuses import bodies over the limit with a 413 problem, whether the client announces
    the size (Content-Length) or streams it: nothing larger is buffered."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, path_suffix: str = "/imports") -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_suffix = path_suffix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "POST"
                or not str(scope["path"]).endswith(self.path_suffix)):
            await self.app(scope, receive, send)
            return
        # multipart framing adds a little on top of the file itself
        limit = self.max_bytes + 64 * 1024
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # whatever the app made of the interrupted body; the 413 follows
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, limited_receive, guarded_send)
        if exceeded and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = too_large(self.max_bytes)
        response = problem_response(problem.status, problem.title, problem.detail,
                                    instance=str(scope["path"]))
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
