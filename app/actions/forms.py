from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from app.actions.labels import ACTION_STATUS_LABELS
from app.actions.models import ACTION_STATUSES
from app.forms import date_field, limited, none_choice, optional_choice, strip


class ActionFieldsMixin:
    title = StringField(
        _l("What will be done"),
        validators=[DataRequired(message=_l("Say what will be done")), limited(300)],
        filters=[strip],
        widget=GovTextInput(),
    )
    owner_id = optional_choice(_l("Who will do it?"))
    owner_name = StringField(
        _l("Or an organisation or person who is not a member"),
        description=_l('For example, "Riverside Homes repairs team"'),
        validators=[Optional(), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    due_on = date_field(_l("Due by (optional)"), validators=[Optional()])
    decision_id = optional_choice(_l("Which decision does it carry out? (optional)"))

    def offer(self, members, decisions) -> None:
        """The choices: the group's (membership, person) pairs, and (id, label) decisions."""
        self.owner_id.choices = none_choice(_("Someone who is not a member (name them below)")) + [
            (person.id, person.name) for _m, person in members
        ]
        self.decision_id.choices = none_choice(_("None")) + list(decisions)


class CaptureActionForm(ActionFieldsMixin, FlaskForm):
    """An action agreed in the room, in live mode."""

    capture_key = HiddenField()
    submit = SubmitField(_l("Record the action"), widget=GovSubmitInput())


class ActionForm(ActionFieldsMixin, FlaskForm):
    details = TextAreaField(
        _l("More about it (optional)"),
        validators=[Optional(), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    priority_id = optional_choice(_l("Which priority does it serve? (optional)"))
    submit = SubmitField(_l("Save the action"), widget=GovSubmitInput())


class ProgressForm(FlaskForm):
    status = RadioField(
        _l("How is it going?"),
        choices=[(k, ACTION_STATUS_LABELS[k]) for k in ACTION_STATUSES],
        validators=[InputRequired(message=_l("Choose how it is going"))],
        widget=GovRadioInput(),
    )
    note = TextAreaField(
        _l("What has happened?"),
        description=_l("Members see this in the action's history."),
        validators=[Optional(), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Save progress"), widget=GovSubmitInput())
