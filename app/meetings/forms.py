from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.decisions.forms import HowItWasDecidedMixin, WhatWasDecidedMixin
from app.forms import (
    ChecklistField,
    WholeNumberField,
    date_field,
    limited,
    optional_choice,
    strip,
    time_field,
)
from app.meetings.labels import ACCESS_LABELS, KIND_LABELS, RSVP_LABELS
from app.meetings.models import ACCESS_FEATURES, MEETING_KINDS, RSVPS


class MeetingForm(FlaskForm):
    title = StringField(
        _l("Name of the meeting"),
        description=_l('For example, "Riverside group meeting, March"'),
        validators=[DataRequired(message=_l("Enter a name for the meeting")), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    kind = RadioField(
        _l("What kind of meeting is it?"),
        choices=[(k, KIND_LABELS[k]) for k in MEETING_KINDS],
        default="group_meeting",
        validators=[InputRequired(message=_l("Choose what kind of meeting it is"))],
        widget=GovRadioInput(),
    )
    day = date_field(_l("What day is it?"))
    starts_time = time_field(_l("Start time"), required=True)
    ends_time = time_field(_l("End time"), required=True)
    place = StringField(
        _l("Where is it? (optional if it is online)"),
        description=_l("The building and street, so people can find it"),
        validators=[Optional(), limited(300)],
        filters=[strip],
        widget=GovTextInput(),
    )
    online_link = StringField(
        _l("Online link (optional)"),
        description=_l("For people joining by video call"),
        validators=[Optional(), limited(500)],
        filters=[strip],
        widget=GovTextInput(),
    )
    access_features = ChecklistField(
        _l("What will there be, so everyone can take part?"),
        choices=[(k, ACCESS_LABELS[k]) for k in ACCESS_FEATURES],
        widget=GovCheckboxesInput(),
    )
    access_notes = TextAreaField(
        _l("Anything else about access (optional)"),
        description=_l('For example, "Interpreter for Urdu and Polish; lift at the side door"'),
        validators=[Optional(), limited(2000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    description = TextAreaField(
        _l("What is it for? (optional)"),
        validators=[Optional(), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Save and tell members"), widget=GovSubmitInput())


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is it cancelled?"),
        description=_l("Members are told this."),
        validators=[
            DataRequired(message=_l("Say why it is cancelled: members will be told")),
            limited(2000),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Cancel the meeting and tell members"), widget=GovSubmitInput())


class RsvpForm(FlaskForm):
    answer = RadioField(
        _l("Are you coming?"),
        choices=[(k, RSVP_LABELS[k]) for k in RSVPS],
        validators=[InputRequired(message=_l("Choose whether you are coming"))],
    )


class AgendaItemForm(FlaskForm):
    title = StringField(
        _l("What is the item about?"),
        validators=[DataRequired(message=_l("Enter what the item is about")), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    details = TextAreaField(
        _l("More about it (optional)"),
        validators=[Optional(), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    lead = StringField(
        _l("Who leads it? (optional)"),
        validators=[Optional(), limited(120)],
        filters=[strip],
        widget=GovTextInput(),
    )
    minutes_allowed = WholeNumberField(
        _l("Minutes allowed (optional)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=600, message=_l("Give the time in minutes, from 1 to 600")),
        ],
        widget=GovTextInput(),
    )
    priority_id = optional_choice(_l("Is it about one of the group's priorities?"))
    ballot_id = optional_choice(_l("Is there a vote on it?"))
    decision_id = optional_choice(
        _l("Is it about a decision in the log?"),
        _l("For example, a council decision to report to the meeting."),
    )
    enquiry_id = optional_choice(
        _l("Is it about a resident-led enquiry?"),
        _l("For example, the team sharing what they found."),
    )
    submit = SubmitField(_l("Save the item"), widget=GovSubmitInput())


class PaperForm(FlaskForm):
    title = StringField(
        _l("Title of the paper"),
        validators=[DataRequired(message=_l("Enter the paper's title")), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    url = StringField(
        _l("Web address of the paper"),
        description=_l("Starting with https://. Or choose a file below instead."),
        validators=[Optional(), limited(500)],
        filters=[strip],
        widget=GovTextInput(),
    )
    file = FileField(_l("Or upload the paper"), widget=GovFileInput())
    submit = SubmitField(_l("Add the paper"), widget=GovSubmitInput())


class GuestsForm(FlaskForm):
    guests = WholeNumberField(
        _l("Guests who are not members"),
        description=_l("Counted, not named."),
        validators=[
            InputRequired(message=_l("Enter the number of guests, from 0 upwards")),
            NumberRange(
                min=0, max=100000, message=_l("Enter the number of guests, from 0 upwards")
            ),
        ],
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Save the number of guests"), widget=GovSubmitInput())


class NotesForm(FlaskForm):
    notes = TextAreaField(
        _l("Notes on this item"),
        description=_l("What was said. Saved for the minutes."),
        validators=[Optional(), limited(20000)],
        widget=GovTextArea(),
    )
    version = WholeNumberField(widget=HiddenInput(), validators=[InputRequired()])
    submit = SubmitField(_l("Save notes"), widget=GovSubmitInput())


class CaptureDecisionForm(WhatWasDecidedMixin, HowItWasDecidedMixin, FlaskForm):
    capture_key = HiddenField()
    submit = SubmitField(_l("Record the decision"), widget=GovSubmitInput())


class MinutesForm(FlaskForm):
    text = TextAreaField(
        _l("Minutes"),
        description=_l(
            "Drafted from the notes, decisions and actions. You can use Markdown: "
            "## for a heading, - for a list."
        ),
        validators=[DataRequired(message=_l("The minutes cannot be empty")), limited(100000)],
        widget=GovTextArea(),
    )
    version = WholeNumberField(widget=HiddenInput(), validators=[InputRequired()])
    submit = SubmitField(_l("Save the draft"), widget=GovSubmitInput())
