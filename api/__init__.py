"""浙里民生 API. Importing ``api`` (or a service module under it) loads nothing else: ``create_app`` builds the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app for ``config_name`` (default ``APP_ENV``); ``overrides`` win over the environment."""
    from api.app import create_app as build

    return build(config_name, **overrides)
