"""Errors the HTTP server answers itself, in the SPEC §2 shape (SPEC §12.1).

gunicorn refuses some requests before the application sees them: a malformed request line (400), a request line
over ``limit_request_line`` (414), too many or too large headers (431). It writes those answers with
``gunicorn.util.write_error`` as an HTML page. ``install()`` replaces that one function (looked up at call time by
gunicorn's workers) so that they are JSON in the error shape, with the security headers. The client's own text
(the rejected line or header) is not echoed back. Call it from a gunicorn configuration file: it runs in the
master, before the workers are forked.
"""

from __future__ import annotations

import json

from api.errors import HTTP_ERRORS, error_body

# gunicorn's limits, stated here so that the configuration files share them.
LIMIT_REQUEST_LINE = 4094  # bytes of "GET /path?query HTTP/1.1"; over it: 414
LIMIT_REQUEST_FIELDS = 100  # headers per request; over it: 431
LIMIT_REQUEST_FIELD_SIZE = 8190  # bytes of one header; over it: 431

_MESSAGES = {
    400: "请求格式有误 (malformed HTTP request)",
    403: "请求被拒绝 (request forbidden)",
    414: "请求地址过长 (request line too long)",
    417: "无法满足 Expect 请求头 (expectation failed)",
    431: "请求头过多或过大 (request header fields too large)",
    500: "服务器内部错误 (internal error)",
    501: "不支持的传输编码 (transfer coding not implemented)",
}
_HEADERS = {
    "Connection": "close",
    "Content-Type": "application/json; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def json_error_response(status: int, reason: str) -> bytes:
    """A whole HTTP/1.1 response: status line, headers, and the error shape as the body."""
    code, zh = HTTP_ERRORS.get(status, ("http_error", "请求有误"))
    message = _MESSAGES.get(status, f"{zh} ({reason})")
    body = json.dumps(error_body(status, code, message), ensure_ascii=False).encode("utf-8")
    reason = "".join(ch for ch in reason if 32 <= ord(ch) < 127) or "Error"
    head = [f"HTTP/1.1 {status} {reason}"] + [f"{name}: {value}" for name, value in _HEADERS.items()]
    head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for ``gunicorn.util.write_error`` (``mesg`` may hold the client's text: it is not sent back)."""
    from gunicorn import util

    util.write_nonblock(sock, json_error_response(int(status_int), str(reason)))


def install() -> None:
    """Make gunicorn write its own error answers as JSON in the error shape."""
    from gunicorn import util

    util.write_error = write_json_error
