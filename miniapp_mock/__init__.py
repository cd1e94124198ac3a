"""The 浙里办-style H5 mini-app mock: static files served by the API in development (ZLB_MOCK=1)."""

from pathlib import Path

from flask import Blueprint, redirect, send_from_directory

STATIC = Path(__file__).resolve().parent / "static"

blp = Blueprint("miniapp", __name__, url_prefix="/miniapp")


@blp.get("/")
def index():
    return send_from_directory(STATIC, "index.html", max_age=0)


@blp.get("/<path:filename>")
def asset(filename: str):
    return send_from_directory(STATIC, filename, max_age=0)


def register(app) -> None:
    app.register_blueprint(blp)
    app.add_url_rule("/", "root", lambda: redirect("/miniapp/"))
