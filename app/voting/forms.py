from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from app.forms import (
    ChecklistField,
    LocalDateInput,
    PlainDateField,
    WholeNumberField,
    limited,
    strip,
    time_field,
)
from app.voting.labels import PRIORITY_STATUS_LABELS
from app.voting.models import DOMAINS, METHODS, PRIORITY_STATUSES, VOTERS

DOMAIN_LABELS = {
    "inclusive_governance": _l("Inclusive governance"),
    "social_connectivity": _l("Social connections"),
    "cultural_coherence": _l("Culture and identity"),
    "living_environment": _l("Living environment"),
    "local_economy": _l("Local economy"),
}
METHOD_LABELS = {
    "approval": _l("Approval: tick every option you support"),
    "dot": _l("Dot voting: share out a number of dots"),
    "ranked": _l("Ranked choice: number the options in order of preference"),
    "score": _l("Score: give each option 0 to 5"),
}
VOTER_LABELS = {
    "all_members": _l("All members"),
    "residents_only": _l("Residents and Resident Advisers only"),
}


class PriorityForm(FlaskForm):
    title = StringField(
        _l("What should the group work on?"),
        description=_l('A few words, like "Damp in the Elm Street flats"'),
        validators=[DataRequired(message=_l("Enter the priority in a few words")), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    description = TextAreaField(
        _l("Why does it matter? (optional)"),
        validators=[Optional(), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    domain = RadioField(
        _l("Which area is it about?"),
        choices=[(d, DOMAIN_LABELS[d]) for d in DOMAINS],
        validators=[InputRequired(message=_l("Choose the area it belongs to"))],
        widget=GovRadioInput(),
    )
    submit = SubmitField(_l("Propose it"), widget=GovSubmitInput())


class PriorityStatusForm(FlaskForm):
    status = RadioField(
        _l("Status"),
        choices=[(s, PRIORITY_STATUS_LABELS[s]) for s in PRIORITY_STATUSES],
        validators=[InputRequired(message=_l("Choose a status"))],
        widget=GovRadioInput(),
    )
    reason = TextAreaField(
        _l("Reason (needed if it is not taken forward)"),
        validators=[Optional(), limited(2000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Save status"), widget=GovSubmitInput())


class BallotForm(FlaskForm):
    title = StringField(
        _l("What is the vote about?"),
        validators=[DataRequired(message=_l("Enter what the vote is about")), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    priorities = ChecklistField(
        _l("Priorities to vote on"),
        description=_l("Shortlisted and chosen priorities can be options."),
        coerce=int,
        widget=GovCheckboxesInput(),
    )
    other_options = TextAreaField(
        _l("Other options (optional)"),
        description=_l("One per line."),
        validators=[Optional(), limited(5000)],
        widget=GovTextArea(),
    )
    method = RadioField(
        _l("How will people vote?"),
        choices=[(m, METHOD_LABELS[m]) for m in METHODS],
        validators=[InputRequired(message=_l("Choose how people vote"))],
        widget=GovRadioInput(),
    )
    dots = WholeNumberField(
        _l("Dot voting: dots for each voter"),
        default=5,
        validators=[Optional(), NumberRange(min=1, max=50, message=_l("From 1 to 50"))],
        widget=GovTextInput(),
    )
    max_per_option = WholeNumberField(
        _l("Dot voting: most dots on one option"),
        default=3,
        validators=[Optional(), NumberRange(min=1, max=50, message=_l("From 1 to 50"))],
        widget=GovTextInput(),
    )
    secret = BooleanField(
        _l("Secret ballot: nobody, not even facilitators, can see who voted for what"),
        widget=GovCheckboxInput(),
    )
    voters = RadioField(
        _l("Who may vote?"),
        choices=[(v, VOTER_LABELS[v]) for v in VOTERS],
        default="all_members",
        validators=[InputRequired(message=_l("Choose who may vote"))],
        widget=GovRadioInput(),
    )
    quorum_percent = WholeNumberField(
        _l("Minimum turnout for the result to stand (%)"),
        default=0,
        validators=[
            InputRequired(message=_l("Enter a percentage, or 0")),
            NumberRange(min=0, max=100, message=_l("Enter a percentage from 0 to 100")),
        ],
        widget=GovTextInput(),
    )
    count_paper = BooleanField(
        _l("Count paper slips from public events in the result"),
        widget=GovCheckboxInput(),
    )
    opens_on = PlainDateField(
        _l("Open it automatically on (optional)"),
        description=_l("Leave empty to open it yourself. For example, 27 3 2026"),
        format="%d %m %Y",
        validators=[Optional()],
        widget=LocalDateInput(),
    )
    opens_time = time_field(
        _l("at"),
        hint=_l("Needed with a date. For example, 9am or 18:30"),
    )
    closes_on = PlainDateField(
        _l("Close it automatically on (optional)"),
        description=_l("Leave empty to close it yourself."),
        format="%d %m %Y",
        validators=[Optional()],
        widget=LocalDateInput(),
    )
    closes_time = time_field(
        _l("at"),
        hint=_l("Needed with a date. For example, 9am or 18:30"),
    )
    submit = SubmitField(_l("Create the vote"), widget=GovSubmitInput())

    def validate(self, extra_validators=None):
        """A planned opening or closing needs both its day and its time: neither is guessed."""
        valid = super().validate(extra_validators)
        pairs = (
            (self.opens_on, self.opens_time, _l("Enter the time it opens, like 9am or 18:30")),
            (self.closes_on, self.closes_time, _l("Enter the time it closes, like 9am or 18:30")),
        )
        for day, at, no_time in pairs:
            if day.errors or at.errors:
                continue
            if day.data and not at.data:
                at.errors = [*at.errors, no_time]
                valid = False
            elif at.data and not day.data:
                day.errors = [*day.errors, _l("Enter the day as well as the time")]
                valid = False
        return valid


class PaperForm(FlaskForm):
    event = StringField(
        _l("Which event were the slips from?"),
        validators=[DataRequired(message=_l("Say which event the slips came from")), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    present = WholeNumberField(
        _l("How many people were there to vote on paper?"),
        description=_l("There cannot be more slips than this. Count the people, not the slips."),
        validators=[
            InputRequired(message=_l("Say how many people were there")),
            NumberRange(min=1, max=100_000, message=_l("From 1 to 100,000")),
        ],
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Add the slips"), widget=GovSubmitInput())


class CloseForm(FlaskForm):
    """Closing a vote cannot be undone: asked to confirm, with a reason when early."""

    reason = TextAreaField(
        _l("Why is it closing early?"),
        description=_l("Shown with the result, so every member can see why."),
        validators=[Optional(), limited(1000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    confirm = BooleanField(
        _l("I understand that closing the vote cannot be undone"),
        widget=GovCheckboxInput(),
    )


class AssistForm(FlaskForm):
    voter = RadioField(
        _l("Whose vote is this?"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose who is voting"))],
        widget=GovRadioInput(),
    )
    note = StringField(
        _l("Where (optional)"),
        description=_l('For example, "paper slip at the March meeting"'),
        validators=[Optional(), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    replace = BooleanField(
        _l("They have voted already, and asked me to enter this vote instead of theirs"),
        description=_l("They will be told that a vote was entered for them, by you."),
        widget=GovCheckboxInput(),
    )
