"""HTTP hardening applied to every request and answer (SPEC §12.1), whatever the route.

- Bodies over ``MAX_CONTENT_LENGTH`` (default 1 MB) answer 413 before anything reads them; a view marked
  ``@allows_large_body`` (an import) may take up to ``IMPORT_MAX_CONTENT_LENGTH``.
- A JSON body is checked once, before any view parses it, for what would crash or corrupt further in: nesting
  deeper than ``MAX_JSON_DEPTH``, ``NaN``/``Infinity`` (not JSON), integer literals longer than
  ``MAX_INT_DIGITS`` digits, numbers too large for a float, NUL characters and lone UTF-16 surrogates in strings
  (neither can be stored as text). Query and form values are checked for NUL characters.
- Every answer carries ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` and frame denial;
  answers of the API and the mock 浙里办 (tokens, personal data) carry ``Cache-Control: no-store``.
- A redirect never points at whatever host the ``Host`` header named: absolute ``Location`` headers built by
  the routing layer (``/miniapp`` → ``/miniapp/``) are made relative.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from api.errors import BadRequest, ValidationFailed

DEFAULT_MAX_CONTENT_LENGTH = 1024 * 1024
DEFAULT_IMPORT_MAX_CONTENT_LENGTH = 20 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_INT_DIGITS = 30
NO_STORE_PREFIXES = ("/api/", "/mock-zlb/")
CACHEABLE_PREFIXES = ("/api/v1/docs/assets/",)

_LARGE_BODY_ATTR = "_allows_large_body"


def allows_large_body(view: Callable) -> Callable:
    """Mark a view (an import) that may receive up to ``IMPORT_MAX_CONTENT_LENGTH`` bytes."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    setattr(wrapper, _LARGE_BODY_ATTR, True)
    return wrapper


def _view_allows_large_body(app: Flask) -> bool:
    view = app.view_functions.get(request.endpoint or "")
    if view is None:
        return False
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, request.method.lower(), None)
    return bool(getattr(view, _LARGE_BODY_ATTR, False))


class _Refused(Exception):
    def __init__(self, error: Exception):
        self.error = error


def _path(path: tuple) -> str:
    return ".".join(str(p) for p in path) or "_body"


def _refuse_int(literal: str) -> int:
    digits = literal.lstrip("-")
    if len(digits) > MAX_INT_DIGITS:
        raise _Refused(ValidationFailed("数字过长 (integer literal too long)", details={"_body": ["数字过长 (integer literal too long)"]}))
    return int(literal)


def _refuse_float(literal: str) -> float:
    if len(literal) > 100:
        raise _Refused(ValidationFailed("数字过长 (number literal too long)", details={"_body": ["数字过长 (number literal too long)"]}))
    value = float(literal)
    if not math.isfinite(value):
        raise _Refused(ValidationFailed("数值超出范围 (number out of range)", details={"_body": ["数值超出范围 (number out of range)"]}))
    return value


def _refuse_constant(name: str) -> Any:
    raise _Refused(BadRequest(f"请求体不是有效的 JSON: 不允许 {name} (malformed JSON body: {name} is not JSON)"))


def _bad_text(value: str) -> str | None:
    if "\x00" in value:
        return "不能包含 NUL 字符 (must not contain NUL characters)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "包含无效的 Unicode 字符 (contains a lone surrogate)"
    return None


def check_json_value(document: Any) -> None:
    """Depth, NUL characters and lone surrogates anywhere in a parsed JSON document (keys included)."""
    stack: list[tuple[Any, tuple, int]] = [(document, (), 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list) and depth > MAX_JSON_DEPTH:
            raise BadRequest(f"请求体 JSON 嵌套过深,最多 {MAX_JSON_DEPTH} 层 (JSON nested deeper than {MAX_JSON_DEPTH})")
        if isinstance(value, str):
            problem = _bad_text(value)
            if problem:
                raise ValidationFailed(problem, details={_path(path): [problem]})
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = _bad_text(key)
                if problem:
                    raise ValidationFailed(problem, details={_path(path) if path else "_body": [problem]})
                stack.append((item, (*path, key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, (*path, index), depth + 1) for index, item in enumerate(value))


def check_json_body(raw: bytes) -> None:
    """Refuse a JSON body that would crash or corrupt a view further in (see the module's docstring)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("请求体不是有效的 UTF-8 (body is not UTF-8)") from exc
    try:
        document = json.loads(text, parse_int=_refuse_int, parse_float=_refuse_float, parse_constant=_refuse_constant)
    except _Refused as refused:
        raise refused.error from None
    except RecursionError as exc:
        raise BadRequest(f"请求体 JSON 嵌套过深,最多 {MAX_JSON_DEPTH} 层 (JSON nested too deep)") from exc
    except ValueError:
        return  # malformed JSON: the view's parser answers 400 in the error shape
    check_json_value(document)


def _check_body_size() -> None:
    # Flask types the current_app proxy as Flask itself, so the proxy's own method is unknown to it.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    limit = app.config["IMPORT_MAX_CONTENT_LENGTH" if _view_allows_large_body(app) else "MAX_CONTENT_LENGTH"]
    if request.content_length is not None:
        request.max_content_length = limit
        if request.content_length > limit:
            raise RequestEntityTooLarge(f"request body larger than {limit} bytes")
    elif "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        # No length announced: werkzeug stops reading at the limit and would hand the view a truncated body.
        # Read one byte more than allowed, and refuse if it came.
        request.max_content_length = limit + 1
        if len(request.get_data(cache=True)) > limit:
            raise RequestEntityTooLarge(f"request body larger than {limit} bytes")


def _check_pairs(pairs, whole_name: str) -> None:
    """NUL characters (and lone surrogates) in query or form names and values."""
    for name, value in pairs:
        if _bad_text(name):
            raise ValidationFailed(_bad_text(name), details={whole_name: [_bad_text(name)]})
        problem = _bad_text(value) if isinstance(value, str) else None
        if problem:
            raise ValidationFailed(problem, details={name: [problem]})


def _check_request() -> None:
    _check_body_size()
    _check_pairs(request.args.items(multi=True), "_query")
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.is_json:
        check_json_body(request.get_data(cache=True))
    elif request.mimetype == "application/x-www-form-urlencoded":
        _check_pairs(request.form.items(multi=True), "_form")


def _harden_answer(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    if "Content-Security-Policy" not in headers:
        headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    path = request.path
    if path.startswith(NO_STORE_PREFIXES) and not path.startswith(CACHEABLE_PREFIXES):
        headers["Cache-Control"] = "no-store"
    location = headers.get("Location")
    if location:
        parts = urlsplit(location)
        if parts.scheme or parts.netloc:
            # Our own redirects are relative; an absolute one was built from the Host header. Keep path and query only.
            headers["Location"] = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return response


def init_hardening(app: Flask) -> None:
    """Body limits, hostile-input checks and security headers for every route of ``app``.

    Behind ``TRUSTED_PROXY_HOPS`` reverse proxies (default 0), the client's address is taken from that many
    ``X-Forwarded-For`` entries, so that failed sign-ins and wrong tickets are counted per client, not per proxy;
    with 0 the header is ignored (a client cannot pick the address it is counted under).
    """
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = DEFAULT_MAX_CONTENT_LENGTH
    app.config.setdefault("IMPORT_MAX_CONTENT_LENGTH", DEFAULT_IMPORT_MAX_CONTENT_LENGTH)
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops > 0:
        # Flask's documented way to wrap the WSGI app; mypy sees a method being replaced.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.before_request(_check_request)
    app.after_request(_harden_answer)
