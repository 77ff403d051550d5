from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from app.forms import WholeNumberField, limited, strip


class SiteSettingsForm(FlaskForm):
    require_two_factor_for_staff = BooleanField(
        _l("Site admins and facilitators must use two-step sign-in"),
        description=_l(
            "When this is on, a site admin or facilitator without two-step sign-in is "
            "asked to set it up the next time they sign in, before they can do anything "
            "else. Other members choose for themselves."
        ),
        widget=GovCheckboxInput(),
    )
    keep_notice_contacts_months = WholeNumberField(
        _l("Delete the contact details on old letters and calls after this many months"),
        description=_l(
            "Each letter and call keeps a copy of the address or number it went to. After "
            "this many months those copies are deleted (the record that the person was told "
            "stays). 0 keeps them. From 0 to 120."
        ),
        validators=[
            InputRequired(message=_l("Enter a number of months")),
            NumberRange(min=0, max=120, message=_l("Enter a number from 0 to 120")),
        ],
        widget=GovTextInput(),
    )
    keep_security_events_days = WholeNumberField(
        _l("Keep the security event log for this many days"),
        description=_l(
            "Sign-ins, refusals, errors and changes like these settings are listed for site "
            "admins on the security events page. Older entries are deleted. From 30 to 3650."
        ),
        validators=[
            InputRequired(message=_l("Enter a number of days")),
            NumberRange(min=30, max=3650, message=_l("Enter a number from 30 to 3650")),
        ],
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Save settings"), widget=GovSubmitInput())


class EventFilterForm(FlaskForm):
    """Read from the address (GET): no CSRF token, and nothing it changes."""

    class Meta:
        csrf = False

    kind = StringField(
        _l("Kind"),
        description=_l('For example sign_in.code_failed, or just "refused" for every refusal'),
        validators=[limited(40)],
        filters=[strip],
        widget=GovTextInput(),
    )
    reference = StringField(
        _l("Reference"),
        description=_l("The reference shown on an error page, like 7KQ2M9XW4P"),
        validators=[limited(16)],
        filters=[strip],
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Show"), widget=GovSubmitInput())
