"""Field helpers shared by every domain's forms."""

from __future__ import annotations

from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

#: A time of day as people type it: 18:30, 9.15, 09:15.
TIME_RE = r"^([01]?[0-9]|2[0-3])[:.][0-5][0-9]$"


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
        if len(valuelist) != 3:
            # Our form always sends three boxes; anything else did not come from it.
            # Keep three, so the boxes can be shown again with the message.
            self.raw_data = ([str(v) for v in valuelist] + ["", "", ""])[:3]
            if any(str(part).strip() for part in valuelist):
                raise ValueError(str(_l("Enter a real date, like 27 3 2026")))
            self.data = None
            return
        if not any(str(part).strip() for part in valuelist):
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


#: The largest whole number a database column holds everywhere (32-bit integer).
LARGEST_NUMBER = 2_147_483_647


class WholeNumberField(IntegerField):
    """A whole number, with a plain message when something else is typed."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(_l("Enter a whole number, like 7"))) from exc
        if self.data is not None and abs(self.data) > LARGEST_NUMBER:
            self.data = None
            raise ValueError(str(_l("That number is too large")))


class CommentForm(FlaskForm):
    """A comment on anything members discuss: forward-plan entries, priorities."""

    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(message=_l("Write your comment")), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Add comment"), widget=GovSubmitInput())


def date_field(label, hint=None, validators=None):
    """A day, month and year in three boxes; required unless other validators are given."""
    return PlainDateField(
        label,
        description=hint or _l("For example, 27 3 2026"),
        format="%d %m %Y",
        validators=validators
        if validators is not None
        else [InputRequired(message=_l("Enter a real date, like 27 3 2026"))],
        widget=GovDateInput(),
    )


def time_field(label, *, required: bool = False, hint=None):
    """A time of day on the 24-hour clock; optional unless `required`."""
    first = InputRequired(message=_l("Enter a time like 18:30")) if required else Optional()
    if hint is None:
        hint = _l("24-hour clock, like 18:30")
        if not required:
            hint = _l("Optional. 24-hour clock, like 18:30")
    return StringField(
        label,
        description=hint,
        validators=[first, Regexp(TIME_RE, message=_l("Enter a time like 18:30"))],
        filters=[strip],
        widget=GovTextInput(),
    )


def optional_choice(label, hint=None):
    """A drop-down whose first choice, 0, means "none" (see none_choice)."""
    return SelectField(
        label, description=hint, coerce=int, default=0, validate_choice=True, widget=GovSelect()
    )


def none_choice(label) -> list[tuple[int, str]]:
    """The first choice of an optional_choice: 0, in the words given."""
    return [(0, label)]


def parse_clock(text: str | None) -> time | None:
    """The time typed in a time_field ("18:30" or "9.15"), or None when left empty."""
    if not text:
        return None
    return datetime.strptime(text.replace(".", ":"), "%H:%M").time()
