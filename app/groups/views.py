from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import reauth, sessions
from app.accounts import services as accounts
from app.accounts.services import PROFILE_FIELDS
from app.actions import services as actions
from app.decisions import services as decisions
from app.decisions.reports import open_grapevine_count
from app.errors import NotAllowed, Refused
from app.extensions import undo
from app.forms import EmptyForm
from app.groups import bp
from app.groups import services as groups
from app.groups.forms import (
    InviteForm,
    JoinAsMeForm,
    JoinForm,
    LeaveForm,
    MemberForm,
    MemberRoleForm,
    NewGroupForm,
    RemoveMemberForm,
    SettingsForm,
)
from app.meetings import planning as meetings
from app.notices import notify, schedule
from app.notices import services as notices
from app.pagination import page_arg, page_size
from app.permissions import can, public, require
from app.viewing import (
    confirmation_page,
    confirmed,
    flash_refusal,
    form_status,
    found,
    load_group,
    save_form,
)
from app.voting import services as voting

# Site admin ----------------------------------------------------------------


@bp.route("/admin/groups")
def admin_groups():
    require(current_user, "site.admin")
    return render_template(
        "groups/admin_list.html", page=groups.all_groups(page_arg(), page_size())
    )


@bp.route("/admin/groups/new", methods=["GET", "POST"])
def admin_new_group():
    require(current_user, "site.admin")
    form = NewGroupForm()
    created = save_form(
        form,
        lambda: groups.create_group_with_facilitator(
            slug=form.slug.data,
            name=form.name.data,
            neighbourhood=form.neighbourhood.data,
            description=form.description.data or "",
            facilitator_email=form.facilitator_email.data,
            facilitator_name=form.facilitator_name.data,
            created_by=current_user,
        ),
        "slug",
    )
    if created:
        result = created.value
        if result.invitation is None:
            flash(
                _(
                    "%(group)s was created. %(name)s is its facilitator.",
                    group=result.group.name,
                    name=form.facilitator_name.data,
                )
            )
            return redirect(url_for("groups.admin_groups"), 303)
        return render_template(
            "groups/invitation_sent.html",
            group=result.group,
            invitation=result.invitation,
            link=result.link,
            back=url_for("groups.admin_groups"),
        )
    return render_template("groups/admin_new.html", form=form), form_status(form)


# Group pages ---------------------------------------------------------------


@bp.route("/groups/<slug>")
def home(slug: str):
    group = load_group(slug)
    return render_template(
        "groups/home.html",
        group=group,
        members=groups.members(group, 1, 10),
        role_counts=groups.role_counts(group),
        recent=decisions.states_for(decisions.recent_decisions(group, 5)),
        open_grapevine=open_grapevine_count(group),
        open_votes=voting.open_ballots(group, 5),
        meetings=meetings.upcoming_meetings(group, 3),
        overdue=actions.overdue_actions(group, 5),
    )


@bp.route("/groups/<slug>/members")
def members(slug: str):
    group = load_group(slug)
    return render_template(
        "groups/members.html", group=group, page=groups.members(group, page_arg(), page_size())
    )


@bp.route("/groups/<slug>/members/<int:member_id>")
def member(slug: str, member_id: int):
    group = load_group(slug)
    membership, person = found(groups.get_member(group, member_id))
    require(current_user, "member.view", membership)
    may_edit = can(current_user, "member.edit", membership)
    return render_template(
        "groups/member.html",
        group=group,
        membership=membership,
        person=person,
        show_contact=can(current_user, "member.view_contact", membership),
        may_edit=may_edit,
        details_kept_here=may_edit and groups.details_kept_by_group(person, group.id),
    )


@bp.route("/groups/<slug>/members/new", methods=["GET", "POST"])
def add_member(slug: str):
    group = load_group(slug)
    require(current_user, "group.manage_members", group)
    form = MemberForm(texts=notify.texts_available())
    if request.method == "GET":
        form.preferred_channels.data = ["letter"]
        form.digest.data = "each"
    if form.validate_on_submit():
        created = groups.add_member_without_email(
            group, name=form.name.data, role=form.role.data, **_profile(form)
        )
        flash(_("%(name)s has been added to the group.", name=form.name.data))
        _say_how_news_comes(created.user_id)
        return redirect(url_for("groups.member", slug=slug, member_id=created.id), 303)
    return render_template(
        "groups/member_form.html", group=group, form=form, adding=True
    ), form_status(form)


@bp.route("/groups/<slug>/members/<int:member_id>/edit", methods=["GET", "POST"])
def edit_member(slug: str, member_id: int):
    group = load_group(slug)
    membership, person = found(groups.get_member(group, member_id))
    require(current_user, "member.edit", membership)
    if request.method == "POST" and not reauth.password_is_recent():
        # A role or someone's contact details: only with the password typed lately.
        return reauth.confirm_first()
    keeps_details = groups.details_kept_by_group(person, group.id)
    if keeps_details:
        form = MemberForm(obj=person, texts=notify.texts_available())
    else:
        form = MemberRoleForm()
        if request.method == "POST" and DETAIL_FIELDS & set(request.form):
            # Not offered on the page, so sent on purpose: refused, and nothing is changed.
            raise NotAllowed(groups.details_kept_elsewhere(person))
    if request.method == "GET":
        form.role.data = membership.role
    saved = save_form(
        form,
        lambda: groups.update_member(
            membership,
            person,
            role=form.role.data,
            by=current_user,
            **(dict(name=form.name.data, **_profile(form)) if keeps_details else {}),
        ),
        "role",
    )
    if saved:
        flash(_("Changes to %(name)s have been saved.", name=person.name))
        if keeps_details:
            _say_how_news_comes(person.id)
        return redirect(url_for("groups.member", slug=slug, member_id=member_id), 303)
    return render_template(
        "groups/member_form.html",
        group=group,
        form=form,
        adding=False,
        person=person,
        membership=membership,
        keeps_details=keeps_details,
        kept_elsewhere=None if keeps_details else groups.details_kept_elsewhere(person),
    ), form_status(form)


#: A person's own details, which a member form carries only where the group keeps them.
DETAIL_FIELDS = frozenset(PROFILE_FIELDS)


@bp.route("/groups/<slug>/leave", methods=["GET", "POST"])
def leave(slug: str):
    group = load_group(slug, "group.leave")
    mine = found(groups.memberships_of(group, [current_user.id]).get(current_user.id))
    form = LeaveForm()
    last = groups.is_last_facilitator(mine)
    saved = save_form(form, lambda: _end(mine, how="left"))
    if saved:
        flash(_("You have left %(group)s.", group=group.name))
        return redirect(url_for("accounts.index"), 303)
    return render_template("groups/leave.html", group=group, form=form, last=last), form_status(
        form
    )


@bp.route("/groups/<slug>/members/<int:member_id>/remove", methods=["GET", "POST"])
def remove_member(slug: str, member_id: int):
    group = load_group(slug)
    membership, person = found(groups.get_member(group, member_id))
    require(current_user, "member.remove", membership)
    form = RemoveMemberForm()
    saved = save_form(
        form,
        lambda: _end(membership, how="removed", by=current_user, reason=form.reason.data),
        "reason",
    )
    if saved:
        flash(_("%(name)s has been removed from the group.", name=person.name))
        return redirect(url_for("groups.members", slug=slug), 303)
    return render_template(
        "groups/remove_member.html", group=group, form=form, person=person, membership=membership
    ), form_status(form)


def _end(membership, **how):
    """End the membership, and send nothing more the group had waiting for them."""
    user_id, group_id = membership.user_id, membership.group_id
    ended = groups.end_membership(membership, **how)
    notices.drop_untold(user_id, group_id)
    return ended


@bp.route("/groups/<slug>/members/former")
def former_members(slug: str):
    group = load_group(slug, "group.history")
    return render_template(
        "groups/former_members.html",
        group=group,
        page=groups.former_members(group, page_arg(), page_size()),
    )


def _profile(form) -> dict:
    """How a member wants to be told, from the member form."""
    return {
        "preferred_channels": form.preferred_channels.data,
        "phone": form.phone.data or None,
        "postal_address": form.postal_address.data or None,
        "language": form.language.data,
        "digest": form.digest.data,
        "large_print": form.large_print.data,
    }


def _say_how_news_comes(user_id: int) -> None:
    note = schedule.digest_note(accounts.people_by_id([user_id])[user_id])
    if note:
        flash(note)


@bp.route("/groups/<slug>/invitations", methods=["GET", "POST"])
def invitations(slug: str):
    group = load_group(slug)
    require(current_user, "group.manage_members", group)
    form = InviteForm()
    invited = save_form(
        form,
        lambda: groups.invite(
            group,
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            invited_by=current_user,
        ),
        "email",
    )
    if invited:
        invitation, link = invited.value
        return render_template(
            "groups/invitation_sent.html",
            group=group,
            invitation=invitation,
            link=link,
            back=url_for("groups.invitations", slug=slug),
        )
    return render_template(
        "groups/invitations.html",
        group=group,
        form=form,
        page=groups.pending_invitations(group, page_arg(), page_size()),
        revoke_form=EmptyForm(),
    ), form_status(form)


@bp.route("/groups/<slug>/invitations/<int:invitation_id>/withdraw", methods=["POST"])
def withdraw_invitation(slug: str, invitation_id: int):
    group = load_group(slug)
    require(current_user, "group.manage_members", group)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        groups.revoke_invitation(group, invitation_id)
    except Refused as exc:
        flash_refusal(exc)
        return redirect(url_for("groups.invitations", slug=slug), 303)
    flash(_("The invitation has been withdrawn. Its link no longer works."))
    return redirect(url_for("groups.invitations", slug=slug), 303)


@bp.route("/groups/<slug>/settings", methods=["GET", "POST"])
def settings(slug: str):
    group = load_group(slug)
    require(current_user, "group.edit_settings", group)
    form = SettingsForm(obj=group)
    if form.validate_on_submit():
        if form.public_log.data and not group.public_log and not reauth.password_is_recent():
            # Publishing the log opens it to the world: only with the password typed lately.
            return reauth.confirm_first()
        if form.public_log.data and not group.public_log and not confirmed():
            return _confirm_publish_log(group)  # nothing is saved before it is confirmed
        groups.update_settings(
            group,
            name=form.name.data,
            neighbourhood=form.neighbourhood.data,
            description=form.description.data or "",
            focus=form.focus.data or "",
            inform_within_days=form.inform_within_days.data,
            notice_period_days=form.notice_period_days.data,
            who_may_vote=form.who_may_vote.data,
            public_log=form.public_log.data,
        )
        flash(_("The group's settings have been saved."))
        return redirect(url_for("groups.home", slug=slug), 303)
    return render_template("groups/settings.html", group=group, form=form), form_status(form)


def _confirm_publish_log(group):
    return confirmation_page(
        group,
        caption=group.name,
        heading=_("Publish the group's decision log?"),
        lines=[
            _("Anyone on the internet can read what is listed below, without signing in."),
            _("Your other changes to the settings are saved with it."),
        ],
        button=_("Publish the log"),
        back_url=url_for("groups.settings", slug=group.slug),
        details="groups/_what_is_public.html",
    )


# Joining -------------------------------------------------------------------


@bp.route("/join/<token>", methods=["GET", "POST"])
@public
def join(token: str):
    state = groups.check_invitation(token)
    if state.problem:
        status = 404 if state.invitation is None else 410
        return render_template("accounts/link_problem.html", message=state.problem), status
    invitation, group = state.invitation, state.group
    if current_user.is_authenticated:
        form = JoinAsMeForm()
        if form.validate_on_submit():
            try:
                groups.accept_invitation(token, user=current_user)
            except Refused as exc:
                flash_refusal(exc)
                return redirect(url_for("accounts.index"), 303)
            flash(_("Welcome to %(group)s.", group=group.name))
            return redirect(url_for("groups.home", slug=group.slug), 303)
        return render_template(
            "groups/join_signed_in.html", group=group, invitation=invitation, form=form
        )
    if accounts.get_user_by_email(invitation.email):
        return render_template("groups/join_sign_in_first.html", group=group, token=token)
    form = JoinForm()
    if request.method == "GET" and invitation.name:
        form.name.data = invitation.name
    if form.validate_on_submit():
        problems = accounts.password_problems(
            form.password.data, user_inputs=(invitation.email, form.name.data)
        )
        if problems:
            form.password.errors.extend(problems)
        else:
            try:
                user, group = groups.accept_invitation(
                    token, user=None, name=form.name.data, password=form.password.data
                )
            except Refused as exc:
                undo()
                return render_template("accounts/link_problem.html", message=str(exc)), exc.status
            sessions.sign_in_browser(user)
            flash(_("Welcome to %(group)s.", group=group.name))
            return redirect(url_for("groups.home", slug=group.slug), 303)
    return render_template(
        "groups/join.html", group=group, invitation=invitation, form=form
    ), form_status(form)
