"""Field helpers shared by every domain's forms."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovPasswordInput,
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
    ValidationError,
)

from app.when import parse_date, parse_time

#: What a time box says when it cannot read what was typed.
TIME_MESSAGE = _l("Enter a time like 18:30, 6.30pm or 6pm")
#: What a date's boxes say when they cannot read what was typed.
DATE_MESSAGE = _l("Enter a real date, like 27 3 2026 or 27 March 2026")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def limited(maximum: int) -> Length:
    return Length(max=maximum, message=_l("Use at most %(max)d characters.", max=maximum))


class EmptyForm(FlaskForm):
    """A bare button that posts only its CSRF token."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class PlainDateField(DateField):
    """A date typed as day, month and year, with a plain message when it is not a real date.

    The three boxes also take a month's name ("12", "Dec", "2026"), and a whole date
    typed into the first box ("12/12/2026", "12 Dec 2026", "2026-12-12"): see app.when.
    """

    def process_formdata(self, valuelist):
        if len(valuelist) not in (1, 3):
            # Our form always sends three boxes; anything else did not come from it.
            # Keep three, so the boxes can be shown again with the message.
            self.raw_data = ([str(v) for v in valuelist] + ["", "", ""])[:3]
            if any(str(part).strip() for part in valuelist):
                raise ValueError(str(DATE_MESSAGE))
            self.data = None
            return
        if not any(str(part).strip() for part in valuelist):
            self.data = None  # every box left empty: no date (Optional decides)
            return
        if len(valuelist) == 1:
            self.raw_data = [str(valuelist[0]), "", ""]
        try:
            self.data = parse_date(" ".join(str(part) for part in valuelist))
        except ValueError as exc:
            self.data = None
            raise ValueError(str(DATE_MESSAGE)) from exc


class ClockField(StringField):
    """A time of day as people type it (see app.when), kept as "HH:MM" once read."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        typed = (self.data or "").strip()
        if not typed:
            self.data = None  # left empty: the validators decide whether that will do
            return
        try:
            self.data = parse_time(typed).strftime("%H:%M")
        except ValueError as exc:
            raise ValueError(str(TIME_MESSAGE)) from exc


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


class LocalDateInput(GovDateInput):
    """GOV.UK's day, month and year boxes, with their labels in the reader's language
    (the widget itself always says "Day", "Month" and "Year")."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        words = (_l("Day"), _l("Month"), _l("Year"))
        items = zip(params["items"], words, strict=True)
        params["items"] = [{**item, "label": str(word)} for item, word in items]
        return params


class LocalPasswordInput(GovPasswordInput):
    """GOV.UK's password box, whose Show/Hide button (added by its script) speaks the
    reader's language rather than the widget's built-in English."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params.update(
            showPasswordText=str(_l("Show")),
            hidePasswordText=str(_l("Hide")),
            showPasswordAriaLabelText=str(_l("Show password")),
            hidePasswordAriaLabelText=str(_l("Hide password")),
            passwordShownAnnouncementText=str(_l("Your password is visible")),
            passwordHiddenAnnouncementText=str(_l("Your password is hidden")),
        )
        return params


def date_field(label, hint=None, validators=None):
    """A day, month and year in three boxes; required unless other validators are given."""
    return PlainDateField(
        label,
        description=hint or _l("For example, 27 3 2026"),
        format="%d %m %Y",
        validators=validators if validators is not None else [InputRequired(message=DATE_MESSAGE)],
        widget=LocalDateInput(),
    )


def time_field(label, *, required: bool = False, hint=None, message=None):
    """A time of day (18:30, 6.30pm, 6pm); optional unless `required`, asked for by `message`."""
    first = InputRequired(message=message or TIME_MESSAGE) if required else Optional()
    if hint is None:
        hint = _l("For example, 18:30 or 6.30pm")
        if not required:
            hint = _l("Optional. For example, 18:30 or 6.30pm")
    return ClockField(
        label,
        description=hint,
        validators=[first],
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
    """The time read by a time_field ("18:30"), or None when left empty."""
    if not text:
        return None
    return parse_time(text)
