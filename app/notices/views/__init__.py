"""Pages about telling people: the inbox, caught mail, and the delivery desk."""

from app.notices import bp
from app.notices.views import desk, inbox, receipts  # noqa: F401  (each registers its routes)

__all__ = ["bp"]
