from flask import abort, render_template, request
from flask_login import current_user

from app.mail import catching, caught_page
from app.notices import bp
from app.notices import services as notices
from app.pagination import page_arg, page_size
from app.permissions import require


@bp.route("/inbox")
def inbox():
    page = notices.inbox(current_user, page_arg(), page_size())
    return render_template(
        "notices/inbox.html",
        page=page,
        titles=notices.current_titles(announcement for _notice, announcement in page.items),
    )


@bp.route("/admin/mail")
def caught_mail():
    """What members would have received, on a development site with no mail server."""
    require(current_user, "site.admin")
    if not catching():
        abort(404)
    to = (request.args.get("to") or "").strip()[:254]
    return render_template(
        "notices/caught_mail.html",
        page=caught_page(page_arg(), page_size(), to or None),
        to=to,
    )
