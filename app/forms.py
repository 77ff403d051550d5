"""Field helpers shared by every domain's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import DateField, IntegerField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError


def strip(value):
    return value.strip() if isinstance(value, str) else value


def limited(maximum: int) -> Length:
    return Length(max=maximum, message=_l("Use at most %(max)d characters.", max=maximum))


class EmptyForm(FlaskForm):
    """A bare button that posts only its CSRF token."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class PlainDateField(DateField):
    """A date typed as day, month and year, with a plain message when it is not a real date."""

    def process_formdata(self, valuelist):
        if valuelist and not any(str(part).strip() for part in valuelist):
            self.data = None  # all three boxes left empty: no date (Optional decides)
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(_l("Enter a real date, like 27 3 2026"))) from exc


class ChecklistField(SelectMultipleField):
    """Tick boxes whose every value must be one offered on the page."""

    def pre_validate(self, form):
        offered = {value for value, *_ in self.iter_choices()}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(_l("Choose people from the list on this page"))


class WholeNumberField(IntegerField):
    """A whole number, with a plain message when something else is typed."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(_l("Enter a whole number, like 7"))) from exc


class CommentForm(FlaskForm):
    """A comment on anything members discuss: forward-plan entries, priorities."""

    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(message=_l("Write your comment")), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Add comment"), widget=GovSubmitInput())
