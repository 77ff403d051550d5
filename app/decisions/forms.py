from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from app.dbtypes import local_today
from app.decisions.labels import (
    AMENDMENT_LABELS,
    DECIDED_BY_LABELS,
    IMPLEMENTATION_LABELS,
    MANUAL_CHANNEL_LABELS,
)
from app.decisions.models import AMENDMENT_KINDS, DECIDED_BY, IMPLEMENTATION
from app.forms import ChecklistField, date_field, limited, strip, time_field


def not_in_future(form, field):
    if field.data and field.data > local_today():
        raise ValidationError(
            _l("The date cannot be in the future. For an upcoming decision, use the forward plan.")
        )


class WhatWasDecidedMixin:
    """What every way of recording a decision asks: what, in plain words, and by whom."""

    title = StringField(
        _l("What was decided"),
        description=_l('A short title, like "Youth centre to reopen on Saturdays"'),
        validators=[DataRequired(message=_l("Enter what was decided")), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    summary = TextAreaField(
        _l("Summary in plain words"),
        description=_l("Two or three sentences that anyone in the neighbourhood would understand."),
        validators=[
            DataRequired(message=_l("Write a short summary in plain words")),
            limited(2000),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )
    decided_by_name = StringField(
        _l("Which body or person (optional)"),
        description=_l('For example, "Cabinet" or "Head of Housing"'),
        validators=[Optional(), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )


class DecisionFieldsMixin(WhatWasDecidedMixin):
    body = TextAreaField(
        _l("Full text (optional)"),
        description=_l("Paste the full decision. You can use Markdown for headings and lists."),
        validators=[Optional(), limited(50000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    place = StringField(
        _l("Where it was decided (optional)"),
        description=_l("A meeting, or a place"),
        validators=[Optional(), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    rationale = TextAreaField(
        _l("Why it was decided (optional)"),
        validators=[Optional(), limited(10000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    status = RadioField(
        _l("How far has it been carried out?"),
        choices=[(k, IMPLEMENTATION_LABELS[k]) for k in IMPLEMENTATION],
        default="not_started",
        validators=[InputRequired(message=_l("Choose how far it has been carried out"))],
        widget=GovRadioInput(),
    )


class HowItWasDecidedMixin:
    """Who took it, and whether members had notice of it through the forward plan."""

    decided_by_kind = RadioField(
        _l("Who took the decision?"),
        choices=[(k, DECIDED_BY_LABELS[k]) for k in DECIDED_BY],
        validators=[InputRequired(message=_l("Choose who took the decision"))],
        widget=GovRadioInput(),
    )
    forward_plan_id = SelectField(
        _l("Was it in the forward plan?"),
        description=_l("Choose the upcoming decision it came from, so members' notice is counted."),
        coerce=int,
        validate_choice=True,
        widget=GovSelect(),
    )
    short_notice_reason = TextAreaField(
        _l("If members had less notice than the group's rule, say why"),
        description=_l('For example, "urgent: the funding deadline was Friday". Shown in the log.'),
        validators=[Optional(), limited(2000)],
        filters=[strip],
        widget=GovTextArea(),
    )


class DecisionForm(DecisionFieldsMixin, HowItWasDecidedMixin, FlaskForm):
    decided_on = date_field(_l("When was it decided?"))
    decided_time = time_field(
        _l("At what time?"),
        required=True,
        message=_l("Enter the time it was decided, like 18:30 or 6.30pm"),
    )
    submit = SubmitField(_l("Record the decision and tell members"), widget=GovSubmitInput())

    def validate_decided_on(self, field):
        not_in_future(self, field)


class AmendForm(DecisionFieldsMixin, FlaskForm):
    kind = RadioField(
        _l("What kind of change is this?"),
        choices=[(k, AMENDMENT_LABELS[k]) for k in AMENDMENT_KINDS],
        validators=[InputRequired(message=_l("Choose what kind of change this is"))],
        widget=GovRadioInput(),
    )
    reason = TextAreaField(
        _l("Why is it changing?"),
        description=_l("Members see this in the decision's history."),
        validators=[DataRequired(message=_l("Say why it is being changed")), limited(2000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Save the change"), widget=GovSubmitInput())


class ToldForm(FlaskForm):
    members = ChecklistField(
        _l("Who was told?"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose at least one member"))],
        widget=GovCheckboxesInput(),
    )
    channel = RadioField(
        _l("How were they told?"),
        choices=[(k, v) for k, v in MANUAL_CHANNEL_LABELS.items()],
        validators=[InputRequired(message=_l("Choose how they were told"))],
        widget=GovRadioInput(),
    )
    told_on = date_field(_l("On what date?"))
    # People are often told on a day without anyone noting the hour: the time stays optional.
    told_time = time_field(
        _l("At what time (optional)"),
        hint=_l("Leave it empty if nobody noted the time. For example, 18:30 or 6.30pm"),
    )
    note = StringField(
        _l("Note (optional)"),
        description=_l('For example, "at the church hall meeting"'),
        validators=[Optional(), limited(500)],
        filters=[strip],
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Record"), widget=GovSubmitInput())

    def validate_told_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError(_l("The date cannot be in the future"))


class WithdrawToldForm(FlaskForm):
    reason = StringField(
        _l("Why is this record being withdrawn?"),
        description=_l('For example, "ticked the wrong name: it was Doris, not Tom"'),
        validators=[
            DataRequired(message=_l("Say why this record is being withdrawn")),
            limited(500),
        ],
        filters=[strip],
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Withdraw the record"), widget=GovSubmitInput())


class ForwardPlanForm(FlaskForm):
    title = StringField(
        _l("What will be decided"),
        validators=[DataRequired(message=_l("Enter what will be decided")), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    summary = TextAreaField(
        _l("Summary in plain words"),
        validators=[
            DataRequired(message=_l("Write a short summary in plain words")),
            limited(2000),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )
    decision_by_kind = RadioField(
        _l("Who will take the decision?"),
        choices=[(k, DECIDED_BY_LABELS[k]) for k in DECIDED_BY],
        validators=[InputRequired(message=_l("Choose who will take the decision"))],
        widget=GovRadioInput(),
    )
    decision_by_name = StringField(
        _l("Which body or person (optional)"),
        validators=[Optional(), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    expected_on = date_field(_l("When is it expected to be decided?"))
    submit = SubmitField(_l("Publish and tell members"), widget=GovSubmitInput())


class GrapevineForm(FlaskForm):
    what = TextAreaField(
        _l("What did you hear was decided?"),
        validators=[DataRequired(message=_l("Say what you heard was decided")), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    heard_when = StringField(
        _l("Roughly when was it decided? (optional)"),
        description=_l('For example, "in the spring" or "a few months ago"'),
        validators=[Optional(), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    heard_by_whom = StringField(
        _l("Who decided it, as far as you know? (optional)"),
        validators=[Optional(), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Send report"), widget=GovSubmitInput())


class LinkReportForm(FlaskForm):
    decision_id = SelectField(
        _l("Which decision in the log is it?"),
        coerce=int,
        validate_choice=True,
        widget=GovSelect(),
    )
    submit = SubmitField(_l("Link to this decision"), widget=GovSubmitInput())


class AnswerReportForm(FlaskForm):
    answer = TextAreaField(
        _l("Answer"),
        description=_l('For example, "Nothing has been decided yet: it comes to cabinet in May".'),
        validators=[DataRequired(message=_l("Write an answer")), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Send answer"), widget=GovSubmitInput())
