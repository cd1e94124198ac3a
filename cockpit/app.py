"""数字驾驶舱 server: the Streamlit script ``main.py`` plus two small routes for the sign-in cookie.

Run: ``streamlit run cockpit/app.py`` (Streamlit sees the ``st.App`` below and serves it with uvicorn).

Why a cookie route: a reload must keep an official signed in without a secret in the URL. Streamlit's own
``st.login`` needs an OpenID Connect provider (not available on the officials' closed network), and cookie
components write cookies from JavaScript, where any script on the page can read them. ``st.App`` lets the
cockpit answer two plain HTTP requests itself, so the session id travels in an HttpOnly, SameSite=Strict cookie
that page scripts cannot read; the session itself lives in the database (``api/auth/sessions.py``).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from api.auth.sessions import COOKIE_NAME  # noqa: E402
from cockpit import handover  # noqa: E402
from cockpit.auth import end_session  # noqa: E402


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == request.headers.get("host")


async def claim_cookie(request: Request) -> Response:
    """Exchange a one-time claim code (made at sign-in, posted by the page) for the HttpOnly session cookie."""
    if not _same_origin(request):
        return Response(status_code=403)
    token = handover.collect((await request.body()).decode(errors="replace")[:100])
    if token is None:
        return Response(status_code=404)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    # No max_age: the cookie lasts the browser session; the server-side row bounds it further (COCKPIT_SESSION_TTL).
    response.set_cookie(COOKIE_NAME, token, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")
    return response


async def sign_out(request: Request) -> Response:
    """End the session in the database and drop the cookie."""
    if not _same_origin(request):
        return Response(status_code=403)
    end_session(request.cookies.get(COOKIE_NAME))
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


app = st.App(
    "main.py",
    routes=[
        Route("/cockpit-session/claim", claim_cookie, methods=["POST"]),
        Route("/cockpit-session/sign-out", sign_out, methods=["POST"]),
    ],
)
