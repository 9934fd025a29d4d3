"""Who may reach `castview serve`: the holder of its token, and nobody else.

The token comes in the URL the server prints (`?token=...`); the first request that carries
it gets an HttpOnly, SameSite=Strict cookie, which the browser then sends with the page's
websocket and downloads (the browser page cannot add a query to its websocket URL). Any
request with neither gets 403 before a handler runs: no page, script, asset or recording.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
from collections.abc import Awaitable, Callable

from aiohttp import web

TOKEN_PARAM = "token"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Middleware = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]

SECURITY_HEADERS = {
    # The page's URL carries the token: never send it on to another site.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    # The page loads its own script and styles only (not textual-serve's web font from
    # a third party) and talks to this server only.
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
}


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    """Whether every address `host` names is a loopback address (unresolvable: False)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def _matches(given: str | None, token: bytes) -> bool:
    # Bytes: compare_digest refuses non-ASCII str, and a query may hold anything.
    return given is not None and hmac.compare_digest(given.encode("utf-8", "surrogatepass"), token)


def token_gate(token: str, cookie_name: str, refused: Callable[[web.Request], None]) -> Middleware:
    """An aiohttp middleware letting through only requests that carry `token`.

    `cookie_name`: unique per server (cookies are shared by every port of a host);
    `refused` is told of every request turned away."""
    expected = token.encode("utf-8")

    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        by_query = _matches(request.query.get(TOKEN_PARAM), expected)
        if not by_query and not _matches(request.cookies.get(cookie_name), expected):
            refused(request)
            return web.Response(status=403, text="403 Forbidden: open the URL that castview serve printed\n",
                                headers=SECURITY_HEADERS)
        response = await handler(request)
        if not response.prepared:  # a websocket or a download has sent its headers already
            response.headers.update(SECURITY_HEADERS)
            if by_query:
                response.set_cookie(cookie_name, token, path="/", httponly=True, samesite="Strict")
        return response

    return gate
