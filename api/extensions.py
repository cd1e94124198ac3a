"""Flask extensions, created once here and bound to the app in ``create_app``."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from api.common.db import NAMING_CONVENTION, Base
from api.http_errors import Api

__all__ = ["NAMING_CONVENTION", "Base", "api", "db", "limiter", "migrate"]

# Models subclass ``api.common.db.Base`` (Flask-free); ``db.Model`` shares its metadata and registry.
db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
api = Api()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
