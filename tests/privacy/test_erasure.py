"""Being erased: by oneself (with one's email and password) or by a site admin. What
identifies the person goes; the log, its chain and secret votes stay as they were."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.decisions import chain
from app.extensions import db
from app.groups import services as groups
from app.groups.models import Membership, MembershipEnd
from app.notices.models import CallAttempt, Letter, Notice
from app.security.models import SecurityEvent
from app.uploads.models import Upload
from app.voting import services as voting
from app.voting.models import Cast, VoterToken
from tests.conftest import count, sign_in
from tests.factories import PASSWORD, make_group, make_member, make_user
from tests.privacy import world as w
from tests.privacy.helpers import crawl, mentions_in_database


def erase_self(client, email=w.EMAIL, password=PASSWORD):
    return client.post("/account/your-data/erase", data={"email": email, "password": password})


def test_the_erase_page_says_what_will_happen_and_changes_nothing(app, ctx, upload_folder):
    world = w.build()
    client = app.test_client()
    sign_in(client, world.rosa)

    page = client.get("/account/your-data/erase")

    assert page.status_code == 200
    assert f"Former member {world.rosa.id}" in page.text
    assert "cannot be undone" in page.text
    assert db.session.get(User, world.rosa.id).erased_at is None


def test_erasing_oneself_needs_ones_own_email_and_password(app, ctx, upload_folder):
    world = w.build()
    client = app.test_client()
    sign_in(client, world.rosa)

    wrong_password = erase_self(client, password="not my password at all")
    someone_else = erase_self(client, email=world.other.email)
    nothing = client.post("/account/your-data/erase", data={})

    assert wrong_password.status_code == someone_else.status_code == nothing.status_code == 422
    assert "The password is not right" in wrong_password.text
    assert "Type the email address you sign in with" in someone_else.text
    db.session.expire_all()
    assert db.session.get(User, world.rosa.id).name == w.NAME
    assert count(SecurityEvent, SecurityEvent.kind == "person.erased") == 0


def test_guessing_the_password_on_the_erase_form_is_limited_like_signing_in(
    app, ctx, upload_folder
):
    world = w.build()
    client = app.test_client()
    sign_in(client, world.rosa)
    tries = int(app.config["CONFIRM_LIMIT_PER_ACCOUNT"].split()[0])

    answers = [erase_self(client, password=f"guess {n}").status_code for n in range(tries)]
    refused = erase_self(client)  # even the right password, once the tries are used up

    assert set(answers) == {422}
    assert refused.status_code == 429
    db.session.expire_all()
    assert db.session.get(User, world.rosa.id).erased_at is None


def test_an_erased_person_is_anonymous_signed_out_everywhere_and_cannot_sign_in(
    app, ctx, upload_folder
):
    world = w.build()
    client, elsewhere = app.test_client(), app.test_client()
    sign_in(client, world.rosa)
    sign_in(elsewhere, world.rosa)
    rosa_id = world.rosa.id

    response = erase_self(client)

    assert response.status_code == 303
    db.session.expire_all()
    rosa = db.session.get(User, rosa_id)
    assert rosa.name == f"Former member {rosa_id}" and rosa.erased_at is not None
    assert (rosa.email, rosa.phone, rosa.postal_address, rosa.password_hash) == (None,) * 4
    assert elsewhere.get("/account").status_code == 302  # the other session is over
    assert client.get("/account").status_code == 302
    login = app.test_client().post("/sign-in", data={"email": w.EMAIL, "password": PASSWORD})
    assert login.status_code == 422
    assert count(Membership, Membership.user_id == rosa_id) == 0
    [ended] = db.session.scalars(select(MembershipEnd).where(MembershipEnd.user_id == rosa_id))
    assert ended.how == "erased"
    [event] = db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "person.erased"))
    assert event.user_id == rosa_id and w.NAME not in str(event.details)


def test_erasure_deletes_their_files_and_the_contact_details_copied_onto_letters_and_calls(
    app, ctx, upload_folder
):
    world = w.build()
    path = upload_folder / world.upload.stored_name[:2] / world.upload.stored_name
    assert path.exists()
    client = app.test_client()
    sign_in(client, world.rosa)

    erase_self(client)

    db.session.expire_all()
    assert not path.exists()
    assert count(Upload, Upload.uploaded_by_id == world.rosa.id) == 0
    [letter] = db.session.scalars(select(Letter).where(Letter.user_id == world.rosa.id))
    assert letter.address == "" and letter.name == f"Former member {world.rosa.id}"
    [call] = db.session.scalars(select(CallAttempt).where(CallAttempt.user_id == world.rosa.id))
    assert call.note is None and call.outcome == "no_answer"


def test_after_erasure_the_log_verifies_and_who_was_told_stays(app, ctx, upload_folder):
    world = w.build()
    told_before = count(Notice, Notice.user_id == world.rosa.id, Notice.reached_at.is_not(None))
    client = app.test_client()
    sign_in(client, world.rosa)

    erase_self(client)

    assert chain.verify(world.group.id).ok
    result = app.test_cli_runner().invoke(args=["decisions", "verify"])
    assert result.exit_code == 0, result.output
    told_after = count(Notice, Notice.user_id == world.rosa.id, Notice.reached_at.is_not(None))
    assert told_after == told_before > 0
    # What had not reached her yet (the letter not posted) will never be sent.
    assert count(Notice, Notice.user_id == world.rosa.id, Notice.reached_at.is_(None)) == 0


def test_after_erasure_their_name_and_email_are_nowhere(app, ctx, upload_folder):
    world = w.build()
    assert mentions_in_database(w.NAME, w.EMAIL)  # the check finds them while they are there
    client = app.test_client()
    sign_in(client, world.rosa)

    erase_self(client)

    db.session.expire_all()
    assert mentions_in_database(w.NAME, w.EMAIL) == []
    facilitator = app.test_client()
    sign_in(facilitator, world.facilitator)
    pages = crawl(facilitator, f"/groups/{world.group.slug}", within=f"/groups/{world.group.slug}")
    assert [url for url, html in pages.items() if w.NAME in html or w.EMAIL in html] == []
    # Her comment stays, under her new name, and Otto's is untouched.
    plan = next(html for html in pages.values() if "Permits should be free for carers." in html)
    assert f"Former member {world.rosa.id}" in plan and "Words from Otto, not from Rosa." in plan


def test_secret_votes_stay_secret_and_still_count_after_erasure(app, ctx, upload_folder):
    world = w.build()
    client = app.test_client()
    sign_in(client, world.rosa)

    erase_self(client)

    # Nothing links her to a cast of the secret ballot, even while it is open.
    assert count(VoterToken, VoterToken.user_id == world.rosa.id) == 0
    assert count(Cast, Cast.ballot_id == world.secret.id, Cast.voter_id.is_not(None)) == 0
    result = voting.close_ballot(world.group, world.secret, by=world.facilitator, reason="Done")
    db.session.commit()
    alpha = voting.ballot_options(world.secret)[0].id
    assert result["counts"][str(alpha)] == 1  # her vote, counted, linked to nobody
    # Her named vote still stands, under her new name.
    [named] = db.session.scalars(select(Cast).where(Cast.ballot_id == world.named.id))
    assert named.voter_id == world.rosa.id


def test_the_only_facilitator_cannot_erase_themselves(app, ctx):
    group = make_group(name="Lone Group")
    fay, _ = make_member(group, "facilitator", name="Fay Alone")
    client = app.test_client()
    sign_in(client, fay)

    page = client.get("/account/your-data/erase")
    response = erase_self(client, email=fay.email)

    assert "only facilitator of Lone Group" in page.text
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(User, fay.id).erased_at is None


def test_a_site_admin_erases_a_member_who_has_no_account(app, ctx, upload_folder):
    world = w.build()
    admin = make_user(admin=True)
    doris_id = groups.add_member_without_email(
        world.group, name="Doris Underhill", role="resident", postal_address="1 Mill Lane"
    ).user_id
    db.session.commit()
    client = app.test_client()
    sign_in(client, admin)

    found = client.get("/admin/people?q=underhill")
    confirm = client.get(f"/admin/people/{doris_id}/erase")
    unticked = client.post(f"/admin/people/{doris_id}/erase", data={})
    done = client.post(f"/admin/people/{doris_id}/erase", data={"confirm": "y"})

    assert "Doris Underhill" in found.text and w.NAME not in found.text
    assert "Erase Doris Underhill" in confirm.text
    assert unticked.status_code == 422
    assert done.status_code == 303
    db.session.expire_all()
    person = db.session.get(User, doris_id)
    assert person.name == f"Former member {doris_id}" and person.postal_address is None
    [event] = db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "person.erased"))
    assert event.user_id == doris_id and event.details["by_id"] == admin.id
    again = client.post(f"/admin/people/{doris_id}/erase", data={"confirm": "y"})
    assert again.status_code == 200 and "was erased on" in again.text


def test_erasure_takes_every_way_of_proving_to_be_them(app, ctx, upload_folder):
    from app.accounts import api_tokens
    from app.accounts.models import ApiToken, RecoveryCode, UserSession
    from tests.accounts.test_two_factor import with_two_factor

    world = w.build()
    rosa_id = world.rosa.id
    with_two_factor(world.rosa)
    made = api_tokens.make_token(world.rosa, "ward dashboard")
    db.session.commit()
    # Someone once typed her email with a wrong password: the event keeps the address.
    app.test_client().post("/sign-in", data={"email": w.EMAIL, "password": "wrong guess here"})
    client = app.test_client()
    sign_in(client, world.rosa)
    assert count(RecoveryCode, RecoveryCode.user_id == rosa_id) > 0
    assert "security_events.details" in " ".join(mentions_in_database(w.EMAIL))

    assert erase_self(client).status_code == 303

    db.session.expire_all()
    rosa = db.session.get(User, rosa_id)
    assert not rosa.two_factor_on and rosa.totp_secret is None
    for credential in (RecoveryCode, ApiToken, UserSession):
        assert count(credential, credential.user_id == rosa_id) == 0
    script = app.test_client().get(
        f"/groups/{world.group.slug}/decisions.json",
        headers={"Authorization": f"Bearer {made.token}"},
    )
    assert script.status_code == 401
    assert mentions_in_database(w.EMAIL) == []
