"""Who may do what with an enquiry: members read it, its team works on it, its lead and the
group's facilitators shape the team, and a story without consent is for the team alone."""

from __future__ import annotations

import pytest
from flask import g
from werkzeug.exceptions import Forbidden, NotFound

from app import permissions
from app.enquiries import services as enquiries
from app.enquiries.models import TEAM_ROLES
from app.permissions import can, require
from tests.enquiries.helpers import make_enquiry, story, website
from tests.factories import make_group, make_member, make_user


@pytest.fixture
def people(app, ctx):
    group = make_group()
    found = {role: make_member(group, role)[0] for role in sorted(permissions.EVERY_ROLE)}
    found["peer"], _ = make_member(group, "resident")
    found["outsider"] = make_user()
    enquiry = make_enquiry(group, found["resident_adviser"])
    enquiries.add_to_team(enquiry, found["peer"], "peer_researcher", found["resident_adviser"])
    return group, enquiry, found


def allowed(people_by_name, action, target) -> set[str]:
    result = set()
    for name, person in people_by_name.items():
        g.pop("_team_roles", None)
        if can(person, action, target):
            result.add(name)
    return result


def test_the_team_roles_the_permission_rules_know_are_the_enquiry_team_roles():
    assert permissions.ON_THE_TEAM == set(TEAM_ROLES)


def test_every_member_reads_enquiries_and_advisers_or_facilitators_start_them(people):
    group, enquiry, found = people
    members = set(found) - {"outsider"}
    assert allowed(found, "enquiry.view", enquiry) == members
    assert allowed(found, "enquiry.start", group) == {"resident_adviser", "facilitator"}


def test_the_team_works_on_the_enquiry_and_adds_evidence_whatever_their_group_role(people):
    group, enquiry, found = people
    assert allowed(found, "enquiry.edit", enquiry) == {"resident_adviser", "peer"}
    assert allowed(found, "evidence.add", enquiry) == {"resident_adviser", "peer"}
    assert allowed(found, "evidence.add", group) == set()  # evidence always joins an enquiry


def test_the_lead_and_the_groups_facilitators_shape_the_team(people):
    group, enquiry, found = people
    assert allowed(found, "enquiry.manage_team", enquiry) == {"resident_adviser", "facilitator"}


def test_a_story_without_consent_is_for_the_team_alone_and_others_are_told_it_is_not_there(
    people,
):
    group, enquiry, found = people
    held = story(enquiry, found["peer"], consent=False)
    shared = story(enquiry, found["peer"], consent=True)
    link = website(enquiry, found["peer"])
    members = set(found) - {"outsider"}
    assert allowed(found, "evidence.view", held) == {"resident_adviser", "peer"}
    assert allowed(found, "evidence.view", shared) == members
    assert allowed(found, "evidence.view", link) == members
    with pytest.raises(NotFound):
        require(found["facilitator"], "evidence.view", held)
    with pytest.raises(Forbidden):
        require(found["resident"], "evidence.record_consent", shared)
