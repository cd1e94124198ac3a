"""gunicorn's settings when it is started from the project root without ``-c`` (``gunicorn wsgi:app``).

Request-line and header limits, and gunicorn's own 400/414/431 answers in the SPEC error shape (JSON, not HTML):
see ``api/common/server_errors.py``. ``deploy/gunicorn.conf.py`` (production) applies the same two things.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api.common import server_errors  # after the path insert: the project root must be importable first

limit_request_line = server_errors.LIMIT_REQUEST_LINE
limit_request_fields = server_errors.LIMIT_REQUEST_FIELDS
limit_request_field_size = server_errors.LIMIT_REQUEST_FIELD_SIZE
server_errors.install()
