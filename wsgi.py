"""WSGI entry point: `flask --app wsgi ...` and `waitress-serve wsgi:app`."""

import sys

from app import create_app
from app.config import UnsafeConfiguration

try:
    app = create_app()
except UnsafeConfiguration as problem:
    # One line that says what to fix, rather than a traceback to read.
    sys.exit(str(problem))
