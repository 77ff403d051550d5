"""Pages come in the next commit; importing the models registers their tables."""

from app.enquiries import bp, models  # noqa: F401
