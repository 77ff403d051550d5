"""A person's rights over what Logbook holds about them (UK GDPR): a copy of all of it
(`export`), being erased (`erasure`), and keeping contact details and the security
log no longer than the site's settings say (`retention`).

This package sits above every domain: it reads each one's tables to gather or
remove one person's data, which no single domain can do for itself.
"""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
