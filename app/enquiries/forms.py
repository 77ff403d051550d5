from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from app.enquiries.models import EVIDENCE_KINDS, METHODS, OUTPUT_KINDS, STATUSES, TEAM_ROLES
from app.forms import ChecklistField, WholeNumberField, date_field, limited, strip

STATUS_LABELS = {
    "planning": _l("Planning"),
    "fieldwork": _l("Finding out"),
    "analysis": _l("Making sense of it"),
    "reported": _l("Reported"),
    "acted_on": _l("Acted on"),
}
STATUS_HINTS = {
    "planning": _l("Deciding the question, the team and how to find out"),
    "fieldwork": _l("Fieldwork: talking to people, surveys, workshops"),
    "analysis": _l("Analysis: going through what was gathered"),
    "reported": _l("The findings have been shared"),
    "acted_on": _l("Something changed because of it"),
}
METHOD_LABELS = {
    "survey": _l("Survey (on paper, online or on the doorstep)"),
    "face_to_face_interviews": _l("Face-to-face interviews"),
    "group_interviews": _l("Group interviews"),
    "illustrated_booklet": _l("Illustrated booklet, made with an artist"),
    "drama_workshop": _l("Drama workshop"),
    "citizen_science": _l("Citizen science (for example, measuring air quality)"),
    "photo_video": _l("Photos or video"),
    "walkabout": _l("Walkabout"),
    "other": _l("Another way"),
}
TEAM_ROLE_LABELS = {
    "lead": _l("Lead"),
    "peer_researcher": _l("Peer researcher"),
    "academic_lead": _l("Academic lead"),
    "facilitator": _l("Facilitator"),
}
EVIDENCE_KIND_LABELS = {
    "peer_reviewed": _l("Research paper (peer-reviewed)"),
    "grey_literature": _l("Report (council, charity or other)"),
    "website": _l("Website"),
    "lived_experience": _l("Lived-experience story"),
    "survey_data": _l("Survey data"),
    "photo_video": _l("Photo or video"),
}
OUTPUT_KIND_LABELS = {
    "exhibition": _l("Exhibition"),
    "booklet": _l("Booklet"),
    "video": _l("Video"),
    "report": _l("Report"),
    "presentation": _l("Presentation"),
}
CONSENT_LABELS = {
    "yes": _l("Yes: they agreed it can be shared with all members of the group"),
    "no": _l("No, or not yet: only the enquiry team may see it"),
}


class MethodsField(ChecklistField):
    """Tick boxes of ways of finding out."""

    def pre_validate(self, form):
        offered = {value for value, *_ in self.iter_choices()}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(_l("Choose ways of finding out from the list on this page"))


class EnquiryForm(FlaskForm):
    question = StringField(
        _l("What do you want to find out?"),
        description=_l(
            'A question in plain words, like "Why do so many flats on Elm Street have damp?"'
        ),
        validators=[
            DataRequired(message=_l("Write the question the enquiry will try to answer")),
            limited(300),
        ],
        filters=[strip],
        widget=GovTextInput(),
    )
    priority_id = RadioField(
        _l("Which of the group's priorities is it about?"),
        coerce=int,
        # The service checks the choice, and says so in plain words (a priority can be
        # dropped while the form is open).
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose the priority this enquiry is about"))],
        widget=GovRadioInput(),
    )
    status = RadioField(
        _l("Where is the enquiry up to?"),
        choices=[(s, STATUS_LABELS[s]) for s in STATUSES],
        validators=[InputRequired(message=_l("Choose where the enquiry is up to"))],
        widget=GovRadioInput(),
    )
    methods = MethodsField(
        _l("How will you find out?"),
        description=_l("Tick all that you will use."),
        choices=[(m, METHOD_LABELS[m]) for m in METHODS],
        widget=GovCheckboxesInput(),
    )
    other_method = StringField(
        _l("If another way, what is it? (optional)"),
        validators=[Optional(), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    ethics_notes = TextAreaField(
        _l("Ethics and consent (optional)"),
        description=_l(
            "How you will ask people's permission, how you will keep what they tell you safe, "
            "and what you will leave out so that nobody can be recognised."
        ),
        validators=[Optional(), limited(10000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    participants = WholeNumberField(
        _l("How many people have taken part so far? (optional)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=1_000_000, message=_l("Enter a number from 0 upwards")),
        ],
        widget=GovTextInput(),
    )
    starts_on = date_field(_l("Start date (optional)"), _l("For example, 27 3 2026"), [Optional()])
    ends_on = date_field(
        _l("End date (optional)"),
        _l("When you plan to finish, or finished. For example, 30 6 2026"),
        [Optional()],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class TeamForm(FlaskForm):
    member = SelectField(
        _l("Who?"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose someone from the group's members"))],
        widget=GovSelect(),
    )
    role = RadioField(
        _l("Their role on the team"),
        choices=[(r, TEAM_ROLE_LABELS[r]) for r in TEAM_ROLES],
        default="peer_researcher",
        validators=[InputRequired(message=_l("Choose their role on the team"))],
        widget=GovRadioInput(),
    )
    submit = SubmitField(_l("Add to the team"), widget=GovSubmitInput())


def link_field(label, hint=None):
    return StringField(
        label,
        description=hint,
        validators=[Optional(), limited(2000)],
        filters=[strip],
        widget=GovTextInput(),
    )


class EvidenceForm(FlaskForm):
    kind = RadioField(
        _l("What kind of evidence is it?"),
        choices=[(k, EVIDENCE_KIND_LABELS[k]) for k in EVIDENCE_KINDS],
        validators=[InputRequired(message=_l("Choose what kind of evidence it is"))],
        widget=GovRadioInput(),
    )
    title = StringField(
        _l("Title"),
        description=_l('A few words, like "Door-step survey: Elm Street, May"'),
        validators=[DataRequired(message=_l("Give it a title")), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    summary = TextAreaField(
        _l("What does it tell us?"),
        description=_l("In plain words. For a story, you can write the story here."),
        validators=[
            DataRequired(message=_l("Say in a few plain words what it tells us")),
            limited(10000),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )
    link = link_field(
        _l("Link (optional)"), _l("Where it can be found, like https://example.org/report")
    )
    file = FileField(_l("Upload a file (optional)"), widget=GovFileInput())
    consent = RadioField(
        _l("Did the person agree to their story being shared with the group?"),
        description=_l("Only for lived-experience stories."),
        choices=[(c, CONSENT_LABELS[c]) for c in CONSENT_LABELS],
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    consent_notes = TextAreaField(
        _l("How and when did they agree? (stories only)"),
        description=_l('For example, "Signed consent form, 3 March. Name and street left out."'),
        validators=[Optional(), limited(2000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Add the evidence"), widget=GovSubmitInput())


class ConsentForm(FlaskForm):
    consent = RadioField(
        _l("Has the person agreed to their story being shared with the group?"),
        choices=[(c, CONSENT_LABELS[c]) for c in CONSENT_LABELS],
        validators=[
            InputRequired(
                message=_l(
                    "Say whether the person agreed to their story being shared with the group"
                )
            )
        ],
        widget=GovRadioInput(),
    )
    consent_notes = TextAreaField(
        _l("How and when did they tell you?"),
        validators=[
            DataRequired(message=_l("Say how and when the person told you")),
            limited(2000),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class FindingsForm(FlaskForm):
    findings = TextAreaField(
        _l("What did the enquiry find?"),
        description=_l("In plain words: what you learned, and what could change because of it."),
        validators=[DataRequired(message=_l("Write what the enquiry found")), limited(20000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Save the findings"), widget=GovSubmitInput())


class OutputForm(FlaskForm):
    kind = RadioField(
        _l("What kind of output is it?"),
        choices=[(k, OUTPUT_KIND_LABELS[k]) for k in OUTPUT_KINDS],
        validators=[InputRequired(message=_l("Choose what kind of output it is"))],
        widget=GovRadioInput(),
    )
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give it a title")), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    description = TextAreaField(
        _l("Where and when was it shared, and with whom? (optional)"),
        validators=[Optional(), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    link = link_field(_l("Link (optional)"))
    file = FileField(_l("Upload a file (optional)"), widget=GovFileInput())
    submit = SubmitField(_l("Add the output"), widget=GovSubmitInput())


class JournalForm(FlaskForm):
    happened_on = date_field(
        _l("When did it happen?"),
        _l("For example, 27 3 2026"),
        [InputRequired(message=_l("Enter the date it happened, like 27 3 2026"))],
    )
    body = TextAreaField(
        _l("What happened?"),
        validators=[DataRequired(message=_l("Write what happened")), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Add to the journal"), widget=GovSubmitInput())


class LinkDecisionForm(FlaskForm):
    decision_id = SelectField(
        _l("Which decision came out of this enquiry?"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a decision"))],
        widget=GovSelect(),
    )
    submit = SubmitField(_l("Link the decision"), widget=GovSubmitInput())
