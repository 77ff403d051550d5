from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.services import people_by_id
from app.comments import services as comments
from app.dbtypes import local_to_utc, utcnow
from app.enquiries import services as enquiries
from app.errors import Invalid, Refused
from app.extensions import undo
from app.forms import CommentForm, EmptyForm, parse_clock
from app.notices import services as notices
from app.pagination import page_arg, page_size
from app.security.limits import per_person
from app.viewing import comment_posted, flash_refusal, form_status, found, load_group, save_form
from app.voting import bp, charts
from app.voting import services as voting
from app.voting.forms import (
    DOMAIN_LABELS,
    METHOD_LABELS,
    PRIORITY_STATUS_LABELS,
    AssistForm,
    BallotForm,
    CloseForm,
    PaperForm,
    PriorityForm,
    PriorityStatusForm,
)
from app.voting.priorities import (
    backs,
    get_priority,
    priorities_page,
    propose,
    set_priority_status,
    supporters,
    toggle_support,
    votable_priorities,
)


def load_priority(group, priority_id: int):
    return found(get_priority(group, priority_id))


def load_ballot(group, ballot_id: int):
    return found(voting.get_ballot(group, ballot_id))


def _labels():
    return {
        "DOMAIN_LABELS": DOMAIN_LABELS,
        "PRIORITY_STATUS_LABELS": PRIORITY_STATUS_LABELS,
        "METHOD_LABELS": METHOD_LABELS,
    }


# Priorities ------------------------------------------------------------------


@bp.route("/groups/<slug>/priorities")
def priorities(slug: str):
    group = load_group(slug, "priority.view")
    domain = request.args.get("domain") or None
    status = request.args.get("status") or None
    return render_template(
        "voting/priorities.html",
        group=group,
        page=priorities_page(group, page_arg(), page_size(), domain=domain, status=status),
        domain=domain,
        status=status,
        **_labels(),
    )


@bp.route("/groups/<slug>/priorities/new", methods=["GET", "POST"])
def priority_new(slug: str):
    group = load_group(slug, "priority.propose")
    form = PriorityForm()
    if form.validate_on_submit():
        priority = propose(
            group,
            current_user,
            title=form.title.data,
            description=form.description.data or "",
            domain=form.domain.data,
        )
        flash(_("Your priority has been proposed. Members can now back it and comment."))
        return redirect(url_for("voting.priority", slug=slug, priority_id=priority.id), 303)
    return render_template("voting/priority_new.html", group=group, form=form), form_status(form)


@bp.route("/groups/<slug>/priorities/<int:priority_id>", methods=["GET", "POST"])
@per_person("COMMENT_LIMIT_PER_PERSON", scope="comments")
def priority(slug: str, priority_id: int):
    group = load_group(slug, "priority.view")
    item = load_priority(group, priority_id)
    form = CommentForm()
    post = partial(comments.add, group.id, "priority", item.id, current_user)
    if comment_posted(form, group, "priority.comment", post):
        back = url_for("voting.priority", slug=slug, priority_id=item.id)
        return redirect(back + "#comments", 303)
    notices.mark_seen(current_user.id, "priority", item.id)
    return render_template(
        "voting/priority.html",
        group=group,
        priority=item,
        backers=supporters(item),
        i_back=backs(item, current_user),
        comments=comments.page("priority", item.id, page_arg(), page_size()),
        proposer=people_by_id([item.proposer_id]).get(item.proposer_id),
        enquiries=enquiries.enquiries_for_priority(item),
        enquiry_can_start=item.status in enquiries.ENQUIRY_PRIORITY_STATUSES,
        form=form,
        **_labels(),
    ), form_status(form)


@bp.route("/groups/<slug>/priorities/<int:priority_id>/support", methods=["POST"])
def priority_support(slug: str, priority_id: int):
    group = load_group(slug, "priority.support")
    item = load_priority(group, priority_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if toggle_support(item, current_user):
        flash(_("You back this priority."))
    else:
        flash(_("You no longer back this priority."))
    return redirect(url_for("voting.priority", slug=slug, priority_id=item.id), 303)


@bp.route("/groups/<slug>/priorities/<int:priority_id>/status", methods=["GET", "POST"])
def priority_status(slug: str, priority_id: int):
    group = load_group(slug, "priority.set_status")
    item = load_priority(group, priority_id)
    form = PriorityStatusForm(obj=item)
    saved = save_form(
        form,
        lambda: set_priority_status(
            item, form.status.data, form.reason.data or "", by=current_user
        ),
    )
    if saved:
        flash(
            _("The priority's status has been saved. Its proposer and backers are being told.")
            if saved.value
            else _("The priority's status has been saved.")
        )
        return redirect(url_for("voting.priority", slug=slug, priority_id=item.id), 303)
    return render_template(
        "voting/priority_status.html", group=group, priority=item, form=form
    ), form_status(form)


# Ballots ---------------------------------------------------------------------


@bp.route("/groups/<slug>/ballots")
def ballots(slug: str):
    group = load_group(slug, "ballot.view")
    return render_template(
        "voting/ballots.html",
        group=group,
        page=voting.ballots_page(group, page_arg(), page_size()),
        state=voting.state,
        **_labels(),
    )


@bp.route("/groups/<slug>/ballots/new", methods=["GET", "POST"])
def ballot_new(slug: str):
    group = load_group(slug, "ballot.manage")
    form = BallotForm()
    candidates = votable_priorities(group)
    form.priorities.choices = [(p.id, p.title) for p in candidates]

    def create():
        chosen = [p for p in candidates if p.id in (form.priorities.data or [])]
        others = [line.strip() for line in (form.other_options.data or "").splitlines()]
        try:
            return voting.create_ballot(
                group,
                current_user,
                title=form.title.data,
                method=form.method.data,
                options=[(p.title, p.id) for p in chosen] + [(o, None) for o in others if o],
                secret=form.secret.data,
                dots=form.dots.data or 0,
                max_per_option=form.max_per_option.data or 0,
                quorum_percent=form.quorum_percent.data or 0,
                voters=form.voters.data,
                count_paper=form.count_paper.data,
                opens_at=_planned(form.opens_on.data, form.opens_time.data),
                closes_at=_planned(form.closes_on.data, form.closes_time.data),
            )
        except Refused as exc:
            if exc.field == "options":  # the options come from two fields: show it by the list
                exc.field = "other_options"
            raise

    created = save_form(form, create)
    if created:
        flash(_("The vote has been created. Check it, then open it when people are ready."))
        return redirect(url_for("voting.ballot", slug=slug, ballot_id=created.value.id), 303)
    return render_template("voting/ballot_new.html", group=group, form=form), form_status(form)


def _planned(day, at_text):
    """A planned moment from the form's date and time (London; the form asks for both), or None."""
    if day is None:
        return None
    return local_to_utc(day, parse_clock(at_text))


def _choices_from(request_form, ballot, options):
    """Read a ballot from the plain HTML form: one field per option."""
    method = ballot.method
    ids = [o.id for o in options]
    try:
        if method == "approval":
            return [int(v) for v in request_form.getlist("option")]
        if method == "dot":
            dots = {}
            for option_id in ids:
                raw = (request_form.get(f"dots-{option_id}") or "").strip()
                if raw:
                    dots[option_id] = int(raw)
            return {k: v for k, v in dots.items() if v}
        if method == "ranked":
            ranks = {}
            for option_id in ids:
                raw = (request_form.get(f"rank-{option_id}") or "").strip()
                if raw:
                    ranks[option_id] = int(raw)
            if len(set(ranks.values())) != len(ranks):
                raise Invalid(_("Give each number to one option only"), "choices")
            return [option_id for option_id, _r in sorted(ranks.items(), key=lambda kv: kv[1])]
        scores = {}
        for option_id in ids:
            raw = (request_form.get(f"score-{option_id}") or "").strip()
            if raw:
                scores[option_id] = int(raw)
        return scores
    except ValueError as exc:
        raise Invalid(_("Use whole numbers only"), "choices") from exc


def _ballot_page(group, ballot, *, error=None, status=200, submitted=None):
    notices.mark_seen(current_user.id, ("ballot", "ballot_result"), ballot.id)
    options = voting.ballot_options(ballot)
    mine = voting.my_current(ballot, current_user)
    eligible = voting.is_eligible(ballot, current_user)
    result = ballot.result
    by_id = {o.id: o for o in options}
    tallies = voting.paper_tallies(ballot) if ballot.opened_at else []
    return render_template(
        "voting/ballot.html",
        group=group,
        ballot=ballot,
        state=voting.state(ballot),
        options=options,
        by_id=by_id,
        mine=mine,
        eligible=eligible,
        turnout=voting.turnout(ballot),
        result=result,
        chart=charts.result_svg(result, by_id) if result else "",
        tie_break=voting.readable(
            (result or {}).get("tie_break"), {i: o.label for i, o in by_id.items()}
        ),
        named=voting.named_votes(ballot) if result else [],
        paper=voting.paper_counts(ballot),
        tallies=tallies,
        assisted=voting.assisted_by_name(ballot) if ballot.opened_at else [],
        people=people_by_id(
            [ballot.closed_by_id, ballot.certified_by_id]
            + [t.entered_by_id for t in tallies]
            + [t.confirmed_by_id for t in tallies]
        ),
        error=error,
        submitted=submitted if submitted is not None else (mine.choices if mine else None),
        empty_form=EmptyForm(),
        **_labels(),
    ), status


@bp.route("/groups/<slug>/ballots/<int:ballot_id>")
def ballot(slug: str, ballot_id: int):
    group = load_group(slug, "ballot.view")
    item = load_ballot(group, ballot_id)
    return _ballot_page(group, item)


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/vote", methods=["POST"])
def ballot_vote(slug: str, ballot_id: int):
    group = load_group(slug, "ballot.vote")
    item = load_ballot(group, ballot_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    options = voting.ballot_options(item)
    try:
        choices = _choices_from(request.form, item, options)
        row = voting.cast(item, current_user, choices)
    except Refused as exc:
        undo()
        return _ballot_page(group, item, error=str(exc), status=exc.status, submitted=None)
    flash(_("Your vote has been counted. Your receipt code is %(code)s.", code=row.receipt))
    return redirect(url_for("voting.ballot", slug=slug, ballot_id=item.id) + "#my-vote", 303)


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/open", methods=["POST"])
def ballot_open(slug: str, ballot_id: int):
    group = load_group(slug, "ballot.manage")
    item = load_ballot(group, ballot_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        voting.open_ballot(group, item)
    except Refused as exc:
        flash_refusal(exc)
        return redirect(url_for("voting.ballot", slug=slug, ballot_id=item.id), 303)
    flash(_("The vote is open. Eligible members are being told."))
    return redirect(url_for("voting.ballot", slug=slug, ballot_id=item.id), 303)


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/close", methods=["GET", "POST"])
def ballot_close(slug: str, ballot_id: int):
    """Closing cannot be undone: a page to confirm it, with a reason when it is early."""
    group = load_group(slug, "ballot.manage")
    item = load_ballot(group, ballot_id)
    form = CloseForm()
    early = item.closes_at is not None and utcnow() < item.closes_at
    error, status = None, 200
    if form.validate_on_submit():
        if not form.confirm.data:
            error, status = _("Tick the box to confirm that the vote should close."), 422
            form.confirm.errors = [error]
        else:
            try:
                voting.close_ballot(group, item, by=current_user, reason=form.reason.data or "")
            except Refused as exc:
                undo()
                error, status = exc.message, exc.status
                if exc.field == "reason":
                    form.reason.errors = [error]
            else:
                flash(_("The vote is closed and counted. Someone else now confirms the count."))
                return redirect(
                    url_for("voting.ballot", slug=slug, ballot_id=item.id) + "#result", 303
                )
    elif request.method == "POST":
        status = form_status(form)
    return render_template(
        "voting/close.html",
        group=group,
        ballot=item,
        state=voting.state(item),
        turnout=voting.turnout(item),
        early=early,
        form=form,
        error=error,
    ), status


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/certify", methods=["POST"])
def ballot_certify(slug: str, ballot_id: int):
    group = load_group(slug, "ballot.check")
    item = load_ballot(group, ballot_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        voting.certify(group, item, current_user)
    except Refused as exc:
        undo()
        return _ballot_page(group, item, error=exc.message, status=exc.status)
    flash(_("You have confirmed the count. The result is final."))
    return redirect(url_for("voting.ballot", slug=slug, ballot_id=item.id) + "#result", 303)


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/remind", methods=["POST"])
def ballot_remind(slug: str, ballot_id: int):
    group = load_group(slug, "ballot.manage")
    item = load_ballot(group, ballot_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        sent = voting.remind(group, item)
    except Refused as exc:
        flash_refusal(exc)
    else:
        flash(_("Reminders are going to %(n)d members who have not voted.", n=sent))
    return redirect(url_for("voting.ballot", slug=slug, ballot_id=item.id), 303)


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/choose", methods=["POST"])
def ballot_choose(slug: str, ballot_id: int):
    group = load_group(slug, "ballot.manage")
    item = load_ballot(group, ballot_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        chosen = voting.choose_winner(group, item, by=current_user)
    except Refused as exc:
        flash_refusal(exc)
        return redirect(url_for("voting.ballot", slug=slug, ballot_id=item.id), 303)
    flash(_("%(title)s is now the group's chosen priority.", title=chosen.title))
    return redirect(url_for("voting.priority", slug=slug, priority_id=chosen.id), 303)


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/assist", methods=["GET", "POST"])
def ballot_assist(slug: str, ballot_id: int):
    group = load_group(slug, "ballot.assist")
    item = load_ballot(group, ballot_id)
    options = voting.ballot_options(item)
    people = voting.eligible_people(item)
    form = AssistForm()
    form.voter.choices = [
        (person.id, person.name + (" " + _("(has voted)") if voted else ""))
        for person, voted in people
    ]
    error, status, submitted = None, 200, None
    if form.validate_on_submit():
        voter = next(person for person, _v in people if person.id == form.voter.data)
        try:
            choices = _choices_from(request.form, item, options)
            submitted = choices
            row = voting.assist(
                group,
                item,
                voter,
                choices,
                current_user,
                note=form.note.data or "",
                replace=bool(form.replace.data),
            )
        except Refused as exc:
            undo()
            error, status = exc.message, exc.status
            if exc.field == "replace":
                form.replace.errors = [error]
        else:
            flash(
                _(
                    "%(name)s's vote has been entered. Their receipt code is %(code)s; they "
                    "are being told by their own channels.",
                    name=voter.name,
                    code=row.receipt,
                )
            )
            return redirect(url_for("voting.ballot", slug=slug, ballot_id=item.id), 303)
    status = status if error else form_status(form)
    return render_template(
        "voting/assist.html",
        group=group,
        ballot=item,
        state=voting.state(item),
        options=options,
        form=form,
        error=error,
        submitted=submitted,
        **_labels(),
    ), status


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/paper", methods=["GET", "POST"])
def ballot_paper(slug: str, ballot_id: int):
    group = load_group(slug, "ballot.manage")
    item = load_ballot(group, ballot_id)
    options = voting.ballot_options(item)
    form = PaperForm()
    error, status = None, 422
    if form.validate_on_submit():
        try:
            counts = {}
            for option in options:
                raw = (request.form.get(f"count-{option.id}") or "").strip()
                counts[option.id] = int(raw) if raw else 0
                if counts[option.id] > voting.MOST_PRESENT * 100:
                    raise ValueError
            voting.add_paper_tally(
                item, current_user, form.event.data, counts, present=form.present.data
            )
        except ValueError:
            error = _("Enter a number of slips from 0 upwards for each option")
        except Refused as exc:
            undo()
            error, status = exc.message, exc.status
        else:
            flash(_("The paper slips are entered. They count once someone else confirms them."))
            return redirect(url_for("voting.ballot", slug=slug, ballot_id=item.id) + "#paper", 303)
    status = status if error else form_status(form)
    return render_template(
        "voting/paper.html", group=group, ballot=item, options=options, form=form, error=error
    ), status


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/paper/<int:tally_id>/confirm", methods=["POST"])
def paper_confirm(slug: str, ballot_id: int, tally_id: int):
    group = load_group(slug, "ballot.check")
    item = load_ballot(group, ballot_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        voting.confirm_paper(group, item, tally_id, current_user)
    except Refused as exc:
        undo()
        if exc.status == 404:
            abort(404)
        return _ballot_page(group, item, error=exc.message, status=exc.status)
    flash(_("The paper slips are confirmed and now count."))
    return redirect(url_for("voting.ballot", slug=slug, ballot_id=item.id) + "#paper", 303)


# The ballot box ----------------------------------------------------------------


# The box, the receipt check and the list of voters are in app/voting/open_data.py,
# where members and (once a vote has closed) visitors to a published log can see them.
