from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Optional

from app.forms import limited, strip


class CallForm(FlaskForm):
    """What happened on one call. The three buttons each send their outcome."""

    note = StringField(
        _l("Note (optional)"),
        description=_l('For example, "rang back at 6pm" or "spoke to his daughter"'),
        validators=[Optional(), limited(500)],
        filters=[strip],
        widget=GovTextInput(),
    )


class ToldAtMeetingForm(FlaskForm):
    note = StringField(
        _l("Where were they told?"),
        description=_l('For example, "at the group meeting on 7 December"'),
        validators=[DataRequired(message=_l("Say where they were told")), limited(500)],
        filters=[strip],
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Record everyone on this sheet as told"), widget=GovSubmitInput())
