"""The names members go by: the programme's names are kept for the programme team, a name
points to one person at an organisation, and moderators can see every name a member has used."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from learning.factories import LearningNotePageFactory
from portal.comments.factories import CommentFactory
from portal.members.factories import MemberFactory, ModeratorFactory
from portal.members.models import NameRecord
from portal.members.names import HIDDEN_CHARACTERS_MESSAGE, is_reserved, name_key
from portal.taxonomy.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

PROFILE = "/members/profile/"
SIGNUP = "/accounts/signup/"


def text(response):
    return html.unescape(response.content.decode())


def rename(client, first_name, last_name):
    return client.post(PROFILE, {"first_name": first_name, "last_name": last_name, "role": "Registered manager"})


@pytest.fixture
def larchfield(db):
    return OrganisationFactory(name="Larchfield Care Home")


@pytest.fixture
def note(learning_index):
    return LearningNotePageFactory(parent=learning_index, title="Hydration rounds at teatime")


@pytest.fixture
def member(larchfield):
    return MemberFactory(user__first_name="Tomasz", user__last_name="Nowak", organisation=larchfield)


# The programme's names ----------------------------------------------------------


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [
        ("Programme", "team"),
        ("PROGRAMME", "TEAM"),
        ("Programme  team", "Smith"),
        ("Prоgramme", "team"),  # Cyrillic о
        ("Pr0gramme", "Team"),
        ("Prógramme", "team"),
        ("The", "Programme Team"),
        ("Moderator", "Jones"),
        ("Mod", "erator"),
        ("Admin", "Smith"),
        ("Adrnin", "Jones"),
        ("Safety Learning", "Portal"),
        ("A former", "member"),
        # Found by the loopback attack, and caught by Unicode's confusables table, not a hand list:
        ("Prօgramme", "team"),  # Armenian օ
        ("Mօderator", "Team"),  # Armenian օ
        ("ɑdmin", "Team"),  # Latin alpha
        ("Ꮲrogramme", "Team"),  # Cherokee
        # Found by the second attack: letters no table maps to a to z, read as any letter.
        ("ᴘrogramme", "team"),  # small capital P
        ("ᴘʀᴏɢʀᴀᴍᴍᴇ", "ᴛᴇᴀᴍ"),
        ("ᴍoderator", "Team"),
        ("Moderatoᚱ", "Jones"),  # runic
        ("Proǥramme", "team"),  # G with stroke
        ("Adᴍin", "Helen"),
        ("A former", "ᴍember"),
    ],
)
def test_the_programmes_names_and_look_alikes_are_refused_next_to_the_name(client, member, first_name, last_name):
    client.force_login(member)
    response = rename(client, first_name, last_name)

    page = text(response)
    assert response.status_code == 200
    assert "This name is kept for the programme team" in page
    assert '<span class="nhsuk-error-message" id="id_first_name_error">' in page
    assert f'value="{first_name}"' in page  # what they typed is still there
    member.refresh_from_db()
    assert (member.first_name, member.last_name) == ("Tomasz", "Nowak")


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [
        ("\u202emaet", "emmargorP\u202c"),  # the attacker's review: shown as "Programme team" beside a comment
        ("Grace\u202e", "Okafor"),
        ("Grace", "Oka\u2066for"),
        ("Gra\x07ce", "Okafor"),
        ("Programme\u200b", "team"),  # zero-width space: refused as hidden, before it is read as reserved
    ],
)
def test_a_name_with_hidden_formatting_characters_is_refused_next_to_the_name(client, member, first_name, last_name):
    client.force_login(member)
    response = rename(client, first_name, last_name)
    assert response.status_code == 200
    assert "Names cannot contain hidden formatting characters" in text(response)
    member.refresh_from_db()
    assert (member.first_name, member.last_name) == ("Tomasz", "Nowak")


def test_a_posts_own_name_with_a_right_to_left_override_is_refused():
    from portal.members.names import reserved_name_problem

    assert reserved_name_problem("\u202emaet emmargorP") == HIDDEN_CHARACTERS_MESSAGE
    assert reserved_name_problem("Grace Okafor") is None


@pytest.mark.parametrize(
    "name",
    [
        "Grace Okafor",
        "Badminton Jones",
        "Ali Khan",
        "Siobhán Ní Bhriain",
        "Amin Khan",
        "Bjørn Ødegård",
        "Łukasz Żółw",
        "Þóra Sigurðardóttir",
        "Đặng Văn",
    ],
)
def test_ordinary_names_are_not_reserved(name):
    first_name, last_name = name.split(" ", 1)
    assert not is_reserved(first_name, last_name)


def test_look_alikes_compare_as_the_same_name():
    assert name_key("Prоgramme tеam") == name_key("programme team")  # Cyrillic о and е
    assert name_key("GRACE  O'KAFOR") == name_key("Grace Okafor")
    assert name_key("Grace Okafor") != name_key("Grace Okafur")


def test_the_programme_team_may_use_the_programmes_names(client):
    moderator = ModeratorFactory(first_name="Priya", last_name="Marsh")
    from portal.members.models import MemberProfile

    MemberProfile.objects.create(user=moderator, role="Programme lead", status=MemberProfile.Status.APPROVED)
    client.force_login(moderator)
    response = rename(client, "Programme", "team")
    assert response.status_code == 302
    moderator.refresh_from_db()
    assert moderator.get_full_name() == "Programme team"


def test_a_refused_rename_leaves_the_members_comments_as_they_were(client, member, note):
    CommentFactory(page=note, author=member, body="We tried it on one corridor.")
    client.force_login(member)
    rename(client, "Programme", "Team")
    page = client.get(note.url).content.decode()
    assert "Tomasz Nowak, Larchfield Care Home" in page
    assert "Programme Team" not in page


def test_signing_up_with_a_programme_name_is_refused(client, larchfield):
    data = {
        "first_name": "Moderator",
        "last_name": "",
        "email": "someone@example.org",
        "password1": "a-kettle-on-the-hob",
        "password2": "a-kettle-on-the-hob",
        "organisation": str(larchfield.pk),
        "requested_organisation": "",
        "role": "Carer",
    }
    data["last_name"] = "Team"
    page = text(client.post(SIGNUP, data))
    assert "This name is kept for the programme team" in page
    assert 'value="someone@example.org"' in page  # nothing typed is lost


# Another member's name ------------------------------------------------------------


def test_a_member_cannot_take_the_name_of_someone_at_their_organisation(client, member, larchfield):
    MemberFactory(user__first_name="Grace", user__last_name="Okafor", organisation=larchfield)
    client.force_login(member)
    page = text(rename(client, "grace", "OKAFOR"))
    assert "Someone at your organisation already uses this name" in page
    member.refresh_from_db()
    assert member.get_full_name() == "Tomasz Nowak"


def test_the_same_name_at_another_organisation_is_allowed(client, member):
    MemberFactory(user__first_name="Grace", user__last_name="Okafor", organisation__name="Brookside Surgery")
    client.force_login(member)
    assert rename(client, "Grace", "Okafor").status_code == 302
    member.refresh_from_db()
    assert member.get_full_name() == "Grace Okafor"


def test_a_member_cannot_take_a_programme_team_members_name(client, member):
    ModeratorFactory(first_name="Priya", last_name="Marsh")
    client.force_login(member)
    page = text(rename(client, "Priya", "Marsh"))
    assert "This is the name of someone in the programme team" in page


def test_signing_up_with_a_colleagues_name_gives_the_same_answer_as_a_new_name(client, larchfield):
    """ "Someone at your organisation already uses this name" told an anonymous visitor who has an account.

    Sign-up keeps the reserved names only; the moderator's review page warns of the namesake instead.
    """
    MemberFactory(user__first_name="Grace", user__last_name="Okafor", organisation=larchfield)
    ModeratorFactory(first_name="Priya", last_name="Marsh")

    def sign_up(first_name, last_name, email):
        client.logout()
        data = {
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "password1": "a-kettle-on-the-hob",
            "password2": "a-kettle-on-the-hob",
            "organisation": str(larchfield.pk),
            "requested_organisation": "",
            "role": "Carer",
        }
        return client.post(SIGNUP, data)

    colleague = sign_up("Grace", "Okafor", "other.grace@example.org")
    team = sign_up("Priya", "Marsh", "other.priya@example.org")
    new = sign_up("Amara", "Bello", "amara@example.org")
    assert colleague.status_code == team.status_code == new.status_code == 302
    assert colleague["Location"] == team["Location"] == new["Location"]

    waiting = User.objects.get(email="other.grace@example.org").member_profile
    client.force_login(ModeratorFactory())
    page = text(client.get(reverse("members_admin:review", args=[waiting.pk])))
    assert "Another member of Larchfield Care Home already goes by this name" in page
    waiting = User.objects.get(email="other.priya@example.org").member_profile
    page = " ".join(text(client.get(reverse("members_admin:review", args=[waiting.pk]))).split())
    assert "Someone in the programme team already goes by this name: Priya Marsh (" in page
    waiting = User.objects.get(email="amara@example.org").member_profile
    assert "already goes by this name" not in text(client.get(reverse("members_admin:review", args=[waiting.pk])))


def test_a_member_waiting_for_approval_is_not_told_whose_name_is_taken(client, larchfield):
    from portal.members.factories import PendingMemberFactory

    MemberFactory(user__first_name="Grace", user__last_name="Okafor", organisation=larchfield)
    waiting = PendingMemberFactory(user__first_name="Amara", organisation=larchfield)
    client.force_login(waiting)
    assert rename(client, "Grace", "Okafor").status_code == 302
    assert "This name is kept for the programme team" in text(rename(client, "Prօgramme", "team"))


def test_keeping_ones_own_name_while_changing_other_details_is_never_refused(client, member, larchfield):
    # Two people who shared a name before the rule existed can still edit their profiles.
    MemberFactory(user__first_name="Tomasz", user__last_name="Nowak", organisation=larchfield)
    client.force_login(member)
    assert rename(client, "Tomasz", "Nowak").status_code == 302


# Name history ---------------------------------------------------------------------


def test_every_name_a_member_uses_is_kept_with_its_date(client, member):
    client.force_login(member)
    rename(client, "Tom", "Nowak")
    rename(client, "Tomasz", "Nowak-Smith")
    client.post(PROFILE, {"first_name": "Tomasz", "last_name": "Nowak-Smith", "role": "Deputy manager"})
    names = [str(record) for record in NameRecord.objects.filter(user=member).order_by("used_from", "pk")]
    assert names == ["Tomasz Nowak", "Tom Nowak", "Tomasz Nowak-Smith"]
    # Signing in saves the user too, and adds nothing.
    client.logout()
    member.last_login = timezone.now()
    member.save(update_fields=["last_login"])
    assert NameRecord.objects.filter(user=member).count() == 3


def test_moderators_see_a_members_names_with_dates_on_the_review_page(client, member):
    earlier = timezone.now() - timedelta(days=40)
    NameRecord.objects.filter(user=member).update(used_from=earlier)
    member.first_name = "Programme"  # as the admin or an old version might have left it
    member.save()
    client.force_login(ModeratorFactory())
    page = text(client.get(reverse("members_admin:review", args=[member.member_profile.pk])))
    section = page[page.index("Names used") :]
    assert re.search(r"Programme Nowak</td>\s*<td>[^<]+</td>\s*<td>Now</td>", section)
    assert re.search(rf"Tomasz Nowak</td>\s*<td>{earlier:%-d %B %Y}, ", section)


def test_the_comment_moderation_page_shows_the_authors_names_and_links_to_them(client, member, note):
    comment = CommentFactory(page=note, author=member)
    member.first_name = "Tom"
    member.save()
    client.force_login(ModeratorFactory())
    page = text(client.get(reverse("member_comments:edit", args=[comment.pk])))
    assert f'href="{reverse("members_admin:review", args=[member.member_profile.pk])}">Tom Nowak</a>' in page
    section = page[page.index("Names used") :]
    assert section.index("Tom Nowak") < section.index("Tomasz Nowak")


def test_members_cannot_see_anyones_name_history(client, member):
    client.force_login(MemberFactory())
    response = client.get(reverse("members_admin:review", args=[member.member_profile.pk]))
    assert response.status_code in (302, 403)
    assert "Names used" not in response.content.decode()


def test_a_members_own_data_download_holds_their_names(client, member):
    client.force_login(member)
    rename(client, "Tom", "Nowak")
    data = client.get(reverse("members:download_data")).json()
    assert [entry["name"] for entry in data["account"]["names_used"]] == ["Tom Nowak", "Tomasz Nowak"]
    assert all(entry["from"] for entry in data["account"]["names_used"])


def test_the_review_page_warns_of_a_namesake_at_the_organisation_asked_for(client, larchfield):
    MemberFactory(user__first_name="Grace", user__last_name="Okafor", organisation=larchfield)
    from portal.members.factories import PendingMemberFactory

    waiting = PendingMemberFactory(
        user__first_name="Gracе",  # Cyrillic е: a different name to sign-up's eye, the same to a reader's
        user__last_name="Okafor",
        organisation=None,
        requested_organisation="larchfield care home",
    ).member_profile
    client.force_login(ModeratorFactory())
    page = text(client.get(reverse("members_admin:review", args=[waiting.pk])))
    assert "Another member of larchfield care home (asked to be added) already goes by this name" in page

    other = PendingMemberFactory(user__first_name="Amina", organisation=larchfield).member_profile
    assert "already goes by this name" not in text(client.get(reverse("members_admin:review", args=[other.pk])))


def test_a_save_without_a_name_leaves_no_nameless_row_in_names_used(client, note):
    """An account first saved without a name (made in the admin or by a script, then named) had an empty row."""
    nameless = MemberFactory(user__first_name="", user__last_name="")
    nameless.first_name, nameless.last_name = "Ada", "Brennan"
    nameless.save()
    assert [str(record) for record in NameRecord.objects.filter(user=nameless)] == ["Ada Brennan"]

    NameRecord.objects.create(user=nameless, first_name="", last_name="")  # left by an earlier version
    comment = CommentFactory(page=note, author=nameless)
    client.force_login(ModeratorFactory())
    for url in (
        reverse("members_admin:review", args=[nameless.member_profile.pk]),
        reverse("member_comments:edit", args=[comment.pk]),
    ):
        page = text(client.get(url))
        rows = re.findall(r"<tr>\s*<td>(.*?)</td>", page[page.index("Names used") :], re.S)
        assert [row.strip() for row in rows] == ["Ada Brennan"]
