from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from app.accounts.services import MAX_PASSWORD_LENGTH
from app.forms import LocalPasswordInput, limited, strip


class ExportForm(FlaskForm):
    submit = SubmitField(_l("Download my data"), widget=GovSubmitInput())


class EraseSelfForm(FlaskForm):
    """Erasing oneself: typing one's own email address, then the password."""

    email = StringField(
        _l("Type your email address to confirm"),
        validators=[DataRequired(message=_l("Type your email address")), limited(254)],
        filters=[strip],
        widget=GovTextInput(),
    )
    password = PasswordField(
        _l("Your password"),
        validators=[
            InputRequired(message=_l("Enter your password")),
            limited(MAX_PASSWORD_LENGTH),
        ],
        widget=LocalPasswordInput(),
    )
    submit = SubmitField(_l("Erase me"), widget=GovSubmitInput())


class AdminEraseForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand this cannot be undone"),
        validators=[DataRequired(message=_l("Tick the box to confirm"))],
        widget=GovCheckboxInput(),
    )
    submit = SubmitField(_l("Erase this person"), widget=GovSubmitInput())


class FindPersonForm(FlaskForm):
    class Meta:
        csrf = False  # a search changes nothing

    q = StringField(
        _l("Name or email address"),
        validators=[limited(120)],
        filters=[strip],
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Find"), widget=GovSubmitInput())
