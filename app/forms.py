"""Field helpers shared by every domain's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import Length


def strip(value):
    return value.strip() if isinstance(value, str) else value


def limited(maximum: int) -> Length:
    return Length(max=maximum, message=_l("Use at most %(max)d characters.", max=maximum))


class EmptyForm(FlaskForm):
    """A bare button that posts only its CSRF token."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
