"""The decision log's pages, one module per part; importing this registers them all."""

from app.decisions import bp
from app.decisions.views import (  # noqa: F401  (each registers its routes on the blueprint)
    open_data,
    pages,
    plan_pages,
    report_pages,
    told_pages,
)

__all__ = ["bp"]
