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
from wtforms import (
    BooleanField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, Regexp

from app.accounts.forms import ProfileFieldsMixin, channel_choices, email_field, name_field
from app.accounts.models import DIGESTS
from app.forms import WholeNumberField, limited, strip
from app.groups.models import ROLES, VOTERS
from app.labels import DIGEST_LABELS, ROLE_LABELS, VOTER_LABELS


def role_field(default="resident"):
    return RadioField(
        _l("Role in the group"),
        choices=[(code, ROLE_LABELS[code]) for code in ROLES],
        default=default,
        validators=[InputRequired(message=_l("Choose a role"))],
        widget=GovRadioInput(),
    )


class GroupDetailsMixin:
    name = StringField(
        _l("Group name"),
        validators=[DataRequired(message=_l("Enter the group's name")), limited(120)],
        filters=[strip],
        widget=GovTextInput(),
    )
    neighbourhood = StringField(
        _l("Neighbourhood"),
        validators=[DataRequired(message=_l("Enter the neighbourhood")), limited(120)],
        filters=[strip],
        widget=GovTextInput(),
    )
    description = TextAreaField(
        _l("What the group is for"),
        validators=[Optional(), limited(5000)],
        filters=[strip],
        widget=GovTextArea(),
    )


class NewGroupForm(GroupDetailsMixin, FlaskForm):
    slug = StringField(
        _l("Web address"),
        description=_l("Lower-case letters, numbers and hyphens, like riverside"),
        validators=[
            DataRequired(message=_l("Enter a web address for the group")),
            limited(60),
            Regexp(
                r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
                message=_l("Use lower-case letters, numbers and hyphens only"),
            ),
        ],
        filters=[strip, lambda v: v.lower() if isinstance(v, str) else v],
        widget=GovTextInput(),
    )
    facilitator_name = name_field(_l("First facilitator's name"))
    facilitator_email = email_field(_l("First facilitator's email address"))
    submit = SubmitField(_l("Create group"), widget=GovSubmitInput())


class SettingsForm(GroupDetailsMixin, FlaskForm):
    focus = StringField(
        _l("Focus (optional)"),
        description=_l("The problem the group is working on, in a few words"),
        validators=[Optional(), limited(200)],
        filters=[strip],
        widget=GovTextInput(),
    )
    inform_within_days = WholeNumberField(
        _l("Members should be told of a decision within this many days"),
        validators=[
            InputRequired(message=_l("Enter a number of days")),
            NumberRange(min=0, max=365, message=_l("Enter a number from 0 to 365")),
        ],
        widget=GovTextInput(),
    )
    notice_period_days = WholeNumberField(
        _l("Days of notice before the group takes a decision"),
        description=_l(
            "Upcoming decisions should be published this many days ahead. "
            "English councils give 28 days for key decisions."
        ),
        validators=[
            InputRequired(message=_l("Enter a number of days")),
            NumberRange(min=0, max=365, message=_l("Enter a number from 0 to 365")),
        ],
        widget=GovTextInput(),
    )
    who_may_vote = RadioField(
        _l("Who may vote"),
        choices=[(code, VOTER_LABELS[code]) for code in VOTERS],
        validators=[InputRequired(message=_l("Choose who may vote"))],
        widget=GovRadioInput(),
    )
    public_log = BooleanField(
        _l("Anyone may read this group's decision log, without signing in"),
        widget=GovCheckboxInput(),
    )
    submit = SubmitField(_l("Save settings"), widget=GovSubmitInput())


class InviteForm(FlaskForm):
    name = name_field(_l("Their name"))
    email = email_field(_l("Their email address"))
    role = role_field()
    submit = SubmitField(_l("Send invitation"), widget=GovSubmitInput())


#: Ways of being told that need an email address and a sign-in.
NEEDS_EMAIL = ("in_app", "email")


class MemberForm(ProfileFieldsMixin, FlaskForm):
    """A facilitator adds or edits a member who has no email address, in words about them.

    Email and Logbook's own pages are not offered: the person has no address and cannot
    sign in. Someone who had one of them before keeps it on the form, and is asked to
    choose another way.
    """

    name = name_field()
    role = role_field()
    preferred_channels = SelectMultipleField(
        _l("How would they like to be told about decisions?"),
        description=_l("Choose all that suit them. They have no email address, so not email."),
        choices=channel_choices(),
        validators=[DataRequired(message=_l("Choose at least one way to tell them"))],
        widget=GovCheckboxesInput(),
    )
    postal_address = TextAreaField(
        _l("Postal address (optional)"),
        description=_l("Needed if they would like letters."),
        validators=[Optional(), limited(500)],
        filters=[strip],
        widget=GovTextArea(),
    )
    digest = RadioField(
        _l("How often would they like the group's news?"),
        description=_l(
            "Letters come one a week if they choose once a week; calls come as things happen."
        ),
        choices=[(code, DIGEST_LABELS[code]) for code in DIGESTS],
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    submit = SubmitField(_l("Save member"), widget=GovSubmitInput())

    daily_needs_email = _l(
        "News once a day comes by email only, and they have no email address. Choose each "
        "thing as it happens, or once a week"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, has_email=False, **kwargs)
        had = set(self.preferred_channels.data or [])
        self.preferred_channels.choices = [
            (code, label)
            for code, label in self.preferred_channels.choices
            if code not in NEEDS_EMAIL or code in had
        ]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if set(self.preferred_channels.data or []) & set(NEEDS_EMAIL):
            self.preferred_channels.errors = list(self.preferred_channels.errors) + [
                _l(
                    "They have no email address and cannot sign in. Choose another way "
                    "to tell them, like a letter or a phone call"
                )
            ]
            ok = False
        return self.validate_channels_need_details() and ok


class MemberRoleForm(FlaskForm):
    """What a facilitator may change about someone who keeps their own details (or whose
    details other groups rely on too): their part in this group."""

    role = role_field()
    submit = SubmitField(_l("Save member"), widget=GovSubmitInput())


class JoinForm(FlaskForm):
    """Accept an invitation by creating an account."""

    from app.accounts.forms import new_password_fields

    name = name_field(_l("Your name"))
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Join the group"), widget=GovSubmitInput())


class JoinAsMeForm(FlaskForm):
    submit = SubmitField(_l("Join the group"), widget=GovSubmitInput())


class LeaveForm(FlaskForm):
    submit = SubmitField(_l("Leave this group"), widget=GovSubmitInput())


class RemoveMemberForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are they being removed?"),
        description=_l(
            "This is kept in the group's history of members, which facilitators can see."
        ),
        validators=[DataRequired(message=_l("Say why they are being removed")), limited(1000)],
        filters=[strip],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Remove from the group"), widget=GovSubmitInput())
