"""Exit 0 if the PostgreSQL server at the given SQLAlchemy URL answers, 1 otherwise."""

import sys

import psycopg
from sqlalchemy.engine import make_url

url = make_url(sys.argv[1]).set(drivername="postgresql")
try:
    psycopg.connect(url.render_as_string(hide_password=False), connect_timeout=3).close()
except psycopg.Error:
    sys.exit(1)
