from flask import render_template
from flask_login import current_user

from app.notices import bp
from app.notices import services as notices
from app.pagination import page_arg, page_size


@bp.route("/inbox")
def inbox():
    return render_template(
        "notices/inbox.html", page=notices.inbox(current_user, page_arg(), page_size())
    )
