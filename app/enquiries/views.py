from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.services import people_by_id
from app.actions import services as actions
from app.actions.labels import ACTION_STATUS_LABELS
from app.dbtypes import local_today
from app.decisions import services as decisions
from app.enquiries import bp
from app.enquiries import services as enquiries
from app.enquiries.evidence import (
    add_evidence,
    evidence_counts,
    evidence_page,
    get_evidence,
    latest_evidence,
    record_consent,
)
from app.enquiries.forms import (
    CONSENT_LABELS,
    EVIDENCE_KIND_LABELS,
    METHOD_LABELS,
    OUTPUT_KIND_LABELS,
    STATUS_HINTS,
    STATUS_LABELS,
    TEAM_ROLE_LABELS,
    ConsentForm,
    EnquiryForm,
    EvidenceForm,
    FindingsForm,
    JournalForm,
    LinkDecisionForm,
    OutputForm,
    TeamForm,
)
from app.enquiries.models import STATUSES
from app.errors import Invalid, Refused
from app.extensions import htmx, undo
from app.forms import EmptyForm
from app.groups import services as groups
from app.labels import ROLE_LABELS
from app.pagination import page_arg, page_size
from app.permissions import require, role_in
from app.security.limits import per_person
from app.uploads import services as uploads
from app.viewing import form_status, found, load_group, save_form
from app.voting.forms import PRIORITY_STATUS_LABELS


def load_enquiry(slug: str, enquiry_id: int, action: str = "enquiry.view"):
    """The group and the enquiry, if the viewer may take this action on it."""
    group = load_group(slug, "enquiry.view")
    enquiry = found(enquiries.get_enquiry(group, enquiry_id))
    require(current_user, action, enquiry)
    return group, enquiry


def to_enquiry(enquiry, part: str = ""):
    """Back to the enquiry's page (at one of its parts), as the answer to a finished form."""
    url = url_for("enquiries.show", slug=request.view_args["slug"], enquiry_id=enquiry.id)
    return redirect(url + (f"#{part}" if part else ""), 303)


def load_evidence(slug: str, evidence_id: int):
    """The group and the evidence, if the viewer may see it: a story shared without consent
    is 404 to anyone off its enquiry's team."""
    group = load_group(slug, "evidence.view")
    evidence = found(get_evidence(group, evidence_id))
    require(current_user, "evidence.view", evidence)
    return group, evidence


def _labels():
    return {
        "STATUS_LABELS": STATUS_LABELS,
        "STATUS_HINTS": STATUS_HINTS,
        "METHOD_LABELS": METHOD_LABELS,
        "TEAM_ROLE_LABELS": TEAM_ROLE_LABELS,
        "EVIDENCE_KIND_LABELS": EVIDENCE_KIND_LABELS,
        "OUTPUT_KIND_LABELS": OUTPUT_KIND_LABELS,
        "CONSENT_LABELS": CONSENT_LABELS,
        "PRIORITY_STATUS_LABELS": PRIORITY_STATUS_LABELS,
        "STATUSES": STATUSES,
    }


# Enquiries -------------------------------------------------------------------


@bp.route("/groups/<slug>/enquiries")
def index(slug: str):
    group = load_group(slug, "enquiry.view")
    status = request.args.get("status") or None
    return render_template(
        "enquiries/index.html",
        group=group,
        page=enquiries.enquiries_page(group, current_user, page_arg(), page_size(), status=status),
        status=status,
        **_labels(),
    )


def _priority_choices(form, group, keep=None):
    offered = enquiries.enquiry_priorities(group, keep)
    form.priority_id.choices = [
        (p.id, f"{p.title} ({PRIORITY_STATUS_LABELS[p.status]})") for p in offered
    ]
    return offered


def _details(form) -> enquiries.EnquiryDetails:
    return enquiries.EnquiryDetails(
        question=form.question.data,
        priority_id=form.priority_id.data,
        methods=form.methods.data or [],
        other_method=form.other_method.data or "",
        ethics_notes=form.ethics_notes.data or "",
        participants=form.participants.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
    )


@bp.route("/groups/<slug>/enquiries/new", methods=["GET", "POST"])
def new(slug: str):
    group = load_group(slug, "enquiry.start")
    form = EnquiryForm()
    del form.status  # a new enquiry starts in planning
    priorities = _priority_choices(form, group)
    if request.method == "GET":
        chosen = request.args.get("priority", type=int)
        if chosen in {p.id for p in priorities}:
            form.priority_id.data = chosen
    starter_role = "facilitator" if role_in(current_user, group) == "facilitator" else "lead"
    started = save_form(
        form,
        lambda: enquiries.start_enquiry(
            group, current_user, _details(form), starter_role=starter_role
        ),
    )
    if started:
        flash(_("Your enquiry has started. Next, add the people on its team."))
        return to_enquiry(started.value)
    return render_template(
        "enquiries/new.html", group=group, form=form, priorities=priorities, **_labels()
    ), form_status(form)


@bp.route("/groups/<slug>/enquiries/<int:enquiry_id>")
def show(slug: str, enquiry_id: int):
    group, enquiry = load_enquiry(slug, enquiry_id)
    return render_template(
        "enquiries/show.html",
        group=group,
        enquiry=enquiry,
        priority=enquiries.priority_of(enquiry),
        team=enquiries.team(enquiry),
        evidence=latest_evidence(enquiry, current_user),
        evidence_counts=evidence_counts(enquiry, current_user),
        outputs=enquiries.outputs(enquiry),
        decided=(decided := enquiries.linked_decisions(enquiry)),
        actions=actions.actions_for_decisions([state.id for state in decided]),
        ACTION_STATUS_LABELS=ACTION_STATUS_LABELS,
        journal=enquiries.journal_page(enquiry, page_arg(), page_size()),
        empty_form=EmptyForm(),
        **_labels(),
    )


@bp.route("/groups/<slug>/enquiries/<int:enquiry_id>/edit", methods=["GET", "POST"])
def edit(slug: str, enquiry_id: int):
    group, enquiry = load_enquiry(slug, enquiry_id, "enquiry.edit")
    form = EnquiryForm(obj=enquiry)
    _priority_choices(form, group, keep=enquiry.priority_id)
    if save_form(
        form,
        lambda: enquiries.update_enquiry(
            enquiry, current_user, _details(form), status=form.status.data
        ),
    ):
        flash(_("The enquiry has been saved."))
        return to_enquiry(enquiry)
    return render_template(
        "enquiries/edit.html", group=group, enquiry=enquiry, form=form, **_labels()
    ), form_status(form)


# The team --------------------------------------------------------------------


@bp.route("/groups/<slug>/enquiries/<int:enquiry_id>/team", methods=["GET", "POST"])
def team(slug: str, enquiry_id: int):
    group, enquiry = load_enquiry(slug, enquiry_id, "enquiry.manage_team")
    people = groups.all_members(group)
    form = TeamForm()
    form.member.choices = [(0, _("Choose a member"))] + [
        (membership.id, f"{person.name} ({ROLE_LABELS[membership.role]})")
        for membership, person in people
    ]
    chosen = next((u for m, u in people if m.id == form.member.data), None)

    def add():
        if chosen is None:
            raise Invalid(_("Choose someone from the group's members"), "member")
        return enquiries.add_to_team(enquiry, chosen, form.role.data, current_user)

    added = save_form(form, add)
    if added:
        role = TEAM_ROLE_LABELS[form.role.data]
        if added.value:
            flash(_("%(name)s is on the team as %(role)s.", name=chosen.name, role=role))
        else:
            flash(_("%(name)s's role is now %(role)s.", name=chosen.name, role=role))
        return redirect(url_for("enquiries.team", slug=slug, enquiry_id=enquiry.id), 303)
    return render_template(
        "enquiries/team.html",
        group=group,
        enquiry=enquiry,
        team=enquiries.team(enquiry),
        form=form,
        **_labels(),
    ), form_status(form)


@bp.route("/groups/<slug>/enquiries/<int:enquiry_id>/team/<int:member_id>/remove", methods=["POST"])
def team_remove(slug: str, enquiry_id: int, member_id: int):
    group, enquiry = load_enquiry(slug, enquiry_id, "enquiry.manage_team")
    _membership, person = found(groups.get_member(group, member_id))
    if not EmptyForm().validate_on_submit():
        abort(400)
    error = None
    try:
        removed = enquiries.remove_from_team(enquiry, person.id)
    except Refused as exc:
        undo()
        error, removed = str(exc), False
    if htmx:  # the new team list, with the refusal in it if there was one (htmx swaps 200s)
        return render_template(
            "enquiries/_team.html",
            group=group,
            enquiry=enquiry,
            team=enquiries.team(enquiry),
            error=error,
            message=_("%(name)s is off the team.", name=person.name) if removed else "",
            **_labels(),
        )
    if error:
        flash(error, "error")
    elif removed:
        flash(_("%(name)s is off the team.", name=person.name))
    else:
        flash(_("%(name)s was not on the team.", name=person.name))
    return redirect(url_for("enquiries.team", slug=slug, enquiry_id=enquiry.id), 303)


# Findings, outputs and the journal -------------------------------------------


@bp.route("/groups/<slug>/enquiries/<int:enquiry_id>/findings", methods=["GET", "POST"])
def findings(slug: str, enquiry_id: int):
    group, enquiry = load_enquiry(slug, enquiry_id, "enquiry.edit")
    form = FindingsForm(obj=enquiry)
    if save_form(form, lambda: enquiries.write_findings(enquiry, form.findings.data)):
        flash(_("The findings have been saved."))
        return to_enquiry(enquiry, "findings")
    return render_template(
        "enquiries/findings.html", group=group, enquiry=enquiry, form=form
    ), form_status(form)


@bp.route("/groups/<slug>/enquiries/<int:enquiry_id>/outputs/new", methods=["GET", "POST"])
@per_person("UPLOAD_LIMIT_PER_PERSON", scope="uploads")
def output_new(slug: str, enquiry_id: int):
    group, enquiry = load_enquiry(slug, enquiry_id, "enquiry.edit")
    form = OutputForm()
    added = save_form(
        form,
        lambda: enquiries.add_output(
            enquiry,
            current_user,
            kind=form.kind.data,
            title=form.title.data,
            description=form.description.data or "",
            link=form.link.data,
            file=form.file.data,
        ),
        "file",
    )
    if added:
        flash(_("The output has been added."))
        return to_enquiry(enquiry, "outputs")
    return render_template(
        "enquiries/output_new.html", group=group, enquiry=enquiry, form=form, file=uploads.chooser()
    ), form_status(form)


@bp.route("/groups/<slug>/enquiries/<int:enquiry_id>/outputs/<int:output_id>/file")
def output_file(slug: str, enquiry_id: int, output_id: int):
    group, enquiry = load_enquiry(slug, enquiry_id)
    output = enquiries.get_output(enquiry, output_id)
    upload = found(uploads.get_upload(output.upload_id) if output else None)
    return uploads.download_response(upload)


@bp.route("/groups/<slug>/enquiries/<int:enquiry_id>/journal/new", methods=["GET", "POST"])
def journal_new(slug: str, enquiry_id: int):
    group, enquiry = load_enquiry(slug, enquiry_id, "enquiry.edit")
    form = JournalForm()
    if request.method == "GET":
        form.happened_on.data = local_today()
    if save_form(
        form,
        lambda: enquiries.add_journal_entry(
            enquiry, current_user, happened_on=form.happened_on.data, body=form.body.data
        ),
    ):
        flash(_("The update is in the enquiry's journal."))
        return to_enquiry(enquiry, "journal")
    return render_template(
        "enquiries/journal_new.html", group=group, enquiry=enquiry, form=form
    ), form_status(form)


# Decisions that followed -----------------------------------------------------


@bp.route("/groups/<slug>/enquiries/<int:enquiry_id>/decisions", methods=["GET", "POST"])
def link_decision(slug: str, enquiry_id: int):
    group, enquiry = load_enquiry(slug, enquiry_id, "enquiry.edit")
    form = LinkDecisionForm()
    recent = decisions.states_for(decisions.recent_decisions(group, 200))
    form.decision_id.choices = [(0, _("Choose a decision"))] + [
        (s.id, f"{s.number}. {s.title}") for s in recent
    ]

    def link():
        decision = decisions.get_decision(group, form.decision_id.data)
        if decision is None:
            raise Invalid(_("Choose a decision"), "decision_id")
        return decision, enquiries.link_decision(enquiry, decision, current_user)

    linked = save_form(form, link)
    if linked:
        decision, added = linked.value
        if added:
            flash(_("Decision %(n)d is linked to this enquiry.", n=decision.number))
        else:
            flash(_("Decision %(n)d was already linked.", n=decision.number))
        return to_enquiry(enquiry, "decisions")
    return render_template(
        "enquiries/link_decision.html",
        group=group,
        enquiry=enquiry,
        form=form,
        linked=enquiries.linked_decisions(enquiry),
        empty_form=EmptyForm(),
    ), form_status(form)


@bp.route(
    "/groups/<slug>/enquiries/<int:enquiry_id>/decisions/<int:decision_id>/unlink",
    methods=["POST"],
)
def unlink_decision(slug: str, enquiry_id: int, decision_id: int):
    group, enquiry = load_enquiry(slug, enquiry_id, "enquiry.edit")
    if not EmptyForm().validate_on_submit():
        abort(400)
    removed = enquiries.unlink_decision(enquiry, decision_id)
    if htmx:
        return render_template(
            "enquiries/_linked.html",
            group=group,
            enquiry=enquiry,
            linked=enquiries.linked_decisions(enquiry),
            message=_("The decision is no longer linked.") if removed else "",
        )
    if removed:
        flash(_("The decision is no longer linked to this enquiry."))
    else:
        flash(_("That decision was not linked to this enquiry."))
    return redirect(url_for("enquiries.link_decision", slug=slug, enquiry_id=enquiry.id), 303)


# Evidence --------------------------------------------------------------------


@bp.route("/groups/<slug>/evidence")
def evidence(slug: str):
    group = load_group(slug, "evidence.view")
    kind = request.args.get("kind") or None
    enquiry_id = request.args.get("enquiry", type=int)
    words = (request.args.get("q") or "").strip()[:200]
    return render_template(
        "enquiries/evidence.html",
        group=group,
        page=evidence_page(
            group,
            current_user,
            page_arg(),
            page_size(),
            kind=kind,
            enquiry_id=enquiry_id,
            words=words,
        ),
        enquiries_list=enquiries.group_enquiries(group),
        kind=kind,
        enquiry_id=enquiry_id,
        words=words,
        **_labels(),
    )


@bp.route("/groups/<slug>/enquiries/<int:enquiry_id>/evidence/new", methods=["GET", "POST"])
@per_person("UPLOAD_LIMIT_PER_PERSON", scope="uploads")
def evidence_new(slug: str, enquiry_id: int):
    group, enquiry = load_enquiry(slug, enquiry_id, "evidence.add")
    form = EvidenceForm()
    added = save_form(
        form,
        lambda: add_evidence(
            enquiry,
            current_user,
            kind=form.kind.data,
            title=form.title.data,
            summary=form.summary.data,
            link=form.link.data,
            file=form.file.data,
            consent=form.consent.data,
            consent_notes=form.consent_notes.data or "",
        ),
        "file",
    )
    if added:
        flash(_("The evidence has been added."))
        item = added.value
        return redirect(url_for("enquiries.evidence_item", slug=slug, evidence_id=item.id), 303)
    return render_template(
        "enquiries/evidence_new.html",
        group=group,
        enquiry=enquiry,
        form=form,
        file=uploads.chooser(),
        **_labels(),
    ), form_status(form)


@bp.route("/groups/<slug>/evidence/<int:evidence_id>")
def evidence_item(slug: str, evidence_id: int):
    group, item = load_evidence(slug, evidence_id)
    return render_template(
        "enquiries/evidence_item.html",
        group=group,
        item=item,
        enquiry=enquiries.get_enquiry(group, item.enquiry_id),
        upload=uploads.get_upload(item.upload_id),
        people=people_by_id([item.added_by_id, item.consent_recorded_by_id]),
        **_labels(),
    )


@bp.route("/groups/<slug>/evidence/<int:evidence_id>/file")
def evidence_file(slug: str, evidence_id: int):
    group, item = load_evidence(slug, evidence_id)
    upload = found(uploads.get_upload(item.upload_id))
    return uploads.download_response(upload)


@bp.route("/groups/<slug>/evidence/<int:evidence_id>/consent", methods=["GET", "POST"])
def evidence_consent(slug: str, evidence_id: int):
    group, item = load_evidence(slug, evidence_id)
    require(current_user, "evidence.record_consent", item)
    form = ConsentForm()
    if request.method == "GET":
        form.consent.data = "yes" if item.consent_given else "no"
        form.consent_notes.data = item.consent_notes
    if save_form(
        form,
        lambda: record_consent(
            item, current_user, consent=form.consent.data, notes=form.consent_notes.data
        ),
    ):
        if item.consent_given:
            flash(_("Consent is recorded. Every member of the group can now see this story."))
        else:
            flash(_("Saved. Only the enquiry team can see this story."))
        return redirect(url_for("enquiries.evidence_item", slug=slug, evidence_id=item.id), 303)
    return render_template(
        "enquiries/evidence_consent.html", group=group, item=item, form=form, **_labels()
    ), form_status(form)
