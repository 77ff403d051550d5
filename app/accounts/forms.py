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
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Optional

from app.accounts.models import CHANNELS, DIGESTS
from app.accounts.services import MAX_PASSWORD_LENGTH
from app.config import Config
from app.forms import LocalPasswordInput, limited, strip
from app.labels import CHANNEL_LABELS, DIGEST_LABELS


def email_field(label=None, required=True):
    validators = [
        Email(message=_l("Enter an email address in the right format, like name@example.com")),
        limited(254),
    ]
    validators.insert(
        0,
        DataRequired(message=_l("Enter an email address")) if required else Optional(),
    )
    return EmailField(
        label or _l("Email address"), validators=validators, filters=[strip], widget=GovTextInput()
    )


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(message=_l("Enter your password")),
            limited(MAX_PASSWORD_LENGTH),
        ],
        widget=LocalPasswordInput(),
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Send me a link"), widget=GovSubmitInput())


def new_password_fields():
    password = PasswordField(
        _l("Choose a password"),
        description=_l(
            "At least 12 characters. Three or four random words together are easy to "
            "remember and hard to guess."
        ),
        validators=[
            InputRequired(message=_l("Choose a password")),
            limited(MAX_PASSWORD_LENGTH),
        ],
        widget=LocalPasswordInput(),
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[
            InputRequired(message=_l("Type the password again")),
            EqualTo("password", message=_l("The two passwords are not the same")),
        ],
        widget=LocalPasswordInput(),
    )
    return password, confirm


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Save new password"), widget=GovSubmitInput())


def channel_choices(texts: bool = True):
    return [(code, CHANNEL_LABELS[code]) for code in CHANNELS if texts or code != "sms"]


def language_choices():
    return list(Config.LANGUAGES.items())


class ProfileFieldsMixin:
    """The parts of a profile a person, or a facilitator for them, can keep up to date.

    Text messages are offered only when the site can send them (`texts`, from the
    view); someone who chose them before keeps the choice on the form, and is asked
    to choose another way. News once a day comes by email only, so it is offered only
    to someone with an email address (`has_email`), the same way.
    """

    #: Said when someone without an email address keeps news once a day.
    daily_needs_email = _l(
        "News once a day comes by email only, and you have no email address. Choose each "
        "thing as it happens, or once a week"
    )

    def __init__(self, *args, texts: bool = False, has_email: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.texts = texts
        self.has_email = has_email
        had_texts = "sms" in (self.preferred_channels.data or [])
        self.preferred_channels.choices = channel_choices(texts or had_texts)
        if not has_email and self.digest.data != "daily":
            self.digest.choices = [c for c in self.digest.choices if c[0] != "daily"]

    preferred_channels = SelectMultipleField(
        _l("How would you like to be told about decisions?"),
        description=_l("Choose all that suit you."),
        choices=channel_choices(),
        validators=[DataRequired(message=_l("Choose at least one way to be told"))],
        widget=GovCheckboxesInput(),
    )
    phone = StringField(
        _l("Phone number (optional)"),
        validators=[Optional(), limited(40)],
        filters=[strip],
        widget=GovTextInput(),
    )
    postal_address = TextAreaField(
        _l("Postal address (optional)"),
        description=_l("Needed if you would like letters."),
        validators=[Optional(), limited(500)],
        filters=[strip],
        widget=GovTextArea(),
    )
    digest = RadioField(
        _l("How often would you like the group's news?"),
        description=_l(
            "All together means one email a day or a week with everything in it. Letters "
            "come one a week if you choose once a week; calls and texts come as things happen."
        ),
        choices=[(code, DIGEST_LABELS[code]) for code in DIGESTS],
        # Left out (an older form, a script): how often stays as it was.
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    large_print = BooleanField(
        _l("Send letters in large print"),
        widget=GovCheckboxInput(),
    )
    language = RadioField(
        _l("Language for Logbook"),
        choices=language_choices(),
        default="en",
        validators=[InputRequired(message=_l("Choose a language"))],
        widget=GovRadioInput(),
    )

    def validate_channels_need_details(self) -> bool:
        """Letters need an address, phone calls a number: say so instead of failing silently."""
        ok = True
        channels = self.preferred_channels.data or []
        if self.digest.data == "daily" and not self.has_email:
            self.digest.errors = list(self.digest.errors) + [self.daily_needs_email]
            ok = False
        if "letter" in channels and not self.postal_address.data:
            self.postal_address.errors = list(self.postal_address.errors) + [
                _l("Enter a postal address, or untick letters")
            ]
            ok = False
        if "sms" in channels and not self.texts:
            self.preferred_channels.errors = list(self.preferred_channels.errors) + [
                _l("This site cannot send text messages. Choose another way to be told")
            ]
            ok = False
        if "sms" in channels and not self.phone.data:
            self.phone.errors = list(self.phone.errors) + [
                _l("Enter a mobile number, or untick text messages")
            ]
            ok = False
        if "phone" in channels and not self.phone.data:
            self.phone.errors = list(self.phone.errors) + [
                _l("Enter a phone number, or untick phone calls")
            ]
            ok = False
        return ok


def name_field(label=None):
    return StringField(
        label or _l("Full name"),
        validators=[DataRequired(message=_l("Enter a name")), limited(120)],
        filters=[strip],
        widget=GovTextInput(),
    )


class ProfileForm(ProfileFieldsMixin, FlaskForm):
    name = name_field(_l("Your name"))
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return self.validate_channels_need_details() and ok


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Name for the token"),
        description=_l("Say what will use it, so you know which one to revoke later."),
        validators=[DataRequired(message=_l("Give the token a name")), limited(80)],
        filters=[strip],
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Make a token"), widget=GovSubmitInput())


class RevokeApiTokenForm(FlaskForm):
    """Asked once more before a token stops working: a script using it then fails."""

    token_id = HiddenField(validators=[InputRequired(message=_l("Choose a token to revoke"))])
    submit = SubmitField(_l("Yes, revoke it"), widget=GovSubmitInput())


def password_field(label=None, missing=None):
    return PasswordField(
        label or _l("Password"),
        validators=[
            InputRequired(message=missing or _l("Enter your password")),
            limited(MAX_PASSWORD_LENGTH),
        ],
        widget=LocalPasswordInput(),
    )


def code_field(label=None, description=None):
    return StringField(
        label or _l("Code"),
        description=description,
        validators=[InputRequired(message=_l("Enter the code")), limited(64)],
        filters=[strip],
        widget=GovTextInput(),
    )


class SignInCodeForm(FlaskForm):
    code = code_field(
        _l("Code from your authenticator app"),
        _l("The 6 numbers your app shows for Logbook now. Or type one of your recovery codes."),
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class TwoFactorSetUpForm(FlaskForm):
    code = code_field(
        _l("Code from the app"),
        _l("Once the app has Logbook in it, type the 6 numbers it shows."),
    )
    submit = SubmitField(_l("Turn on two-step sign-in"), widget=GovSubmitInput())


class TwoFactorOffForm(FlaskForm):
    password = password_field(_l("Your password"))
    code = code_field(
        _l("Code from your authenticator app"),
        _l("The 6 numbers your app shows now, or one of your recovery codes."),
    )
    submit = SubmitField(_l("Turn off two-step sign-in"), widget=GovSubmitInput())


class ConfirmPasswordForm(FlaskForm):
    password = password_field(_l("Your password"))
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = password_field(
        _l("Your current password"), _l("Enter your current password")
    )
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())
