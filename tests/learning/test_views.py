"""Posting from the public site: who may, what they see, drafts, previews, limits and double submits."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page, WorkflowState

from learning import moderation
from learning.factories import LearningNotePageFactory
from learning.models import Contribution, LearningNotePage, PeerVisitReportPage
from portal.members.factories import MemberFactory, PendingMemberFactory, UserFactory
from portal.members.models import MemberProfile
from portal.taxonomy.factories import OrganisationFactory
from tests.helpers import count_queries

from .conftest import learning_note_data, peer_visit_data, photo_bytes, upload

pytestmark = pytest.mark.django_db

FORMS = ["/share/learning-note/", "/share/peer-visit/"]


def main(response):
    html = response.content.decode()
    return html[html.index('<main class="nhsuk-main-wrapper"') : html.index("</main>")]


def post_note(client, **overrides):
    return client.post("/share/learning-note/", learning_note_data(**overrides))


# Who may post -----------------------------------------------------------------


def test_the_landing_page_explains_both_ways_to_share_to_everyone(client):
    html = main(client.get("/share/"))
    assert "<h1>Share your learning</h1>" in html
    assert 'href="/share/learning-note/">Share learning</a>' in html
    assert 'href="/share/peer-visit/">Report a peer visit</a>' in html
    assert "Nothing is published until they have checked it" in html
    assert "sign in</a> with a member account" in html


@pytest.mark.parametrize("url", [*FORMS, "/share/mine/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", [*FORMS, "/share/mine/"])
def test_a_member_waiting_for_approval_is_told_so(client, url):
    client.force_login(PendingMemberFactory())
    response = client.get(url)
    assert response.status_code == 403
    assert "<h1>Your account is waiting for approval</h1>" in main(response)
    assert "<form" not in main(response)


def test_a_declined_account_and_a_user_without_a_profile_cannot_post(client):
    declined = MemberFactory(status=MemberProfile.Status.DECLINED)
    declined.groups.clear()
    client.force_login(declined)
    response = client.post("/share/learning-note/", learning_note_data())
    assert response.status_code == 403
    assert "<h1>Your account cannot post</h1>" in main(response)
    client.force_login(UserFactory())
    assert client.get("/share/learning-note/").status_code == 403
    assert not Contribution.objects.exists()


def test_a_moderator_may_post_too(client, moderator, indexes):
    client.force_login(moderator)
    assert post_note(client).status_code == 302
    assert LearningNotePage.objects.get().owner == moderator


# The forms ----------------------------------------------------------------------


def test_the_learning_note_form_starts_with_the_members_name_and_organisation(member_client, member):
    html = main(member_client.get("/share/learning-note/", follow=True))
    assert "<h1>Share learning</h1>" in html
    assert 'value="Grace Okafor"' in html
    organisation = member.member_profile.organisation
    assert f'<option value="{organisation.pk}" selected>{organisation.name}</option>' in html
    assert 'name="token" value="' in html
    for label in ["What we tried", "What happened", "What we learned", "What we would advise", "Describe photo 1"]:
        assert label in html
    assert "Care settings</legend>" in html and "Safety domains</legend>" in html
    assert 'enctype="multipart/form-data"' in html


def test_the_peer_visit_form_ticks_the_members_organisation_as_visitor(member_client, member):
    html = main(member_client.get("/share/peer-visit/", follow=True))
    assert "<h1>Report a peer visit</h1>" in html
    organisation = member.member_profile.organisation
    assert re.search(rf'name="visiting_organisations" type="checkbox" value="{organisation.pk}" checked>', html)
    for label in ["Which organisation was visited?", "What works well", "What could be better", "Ideas to take home"]:
        assert label in html


def test_missing_fields_are_reported_next_to_each_field_and_nothing_typed_is_lost(member_client, indexes):
    response = post_note(
        member_client, title="", what_happened="", settings=[], what_we_tried="Keep <this> & that", topics="falls"
    )
    assert response.status_code == 200
    html = main(response)
    assert "There is a problem" in html
    assert '<a href="#id_title">Enter a title</a>' in html
    assert '<a href="#id_settings_0">Choose at least one care setting</a>' in html
    assert '<span class="nhsuk-u-visually-hidden">Error:</span> Say what happened</span>' in html
    assert 'id="id_what_happened_error"' in html
    assert 'aria-describedby="id_what_happened_helptext id_what_happened_error"' in html
    assert '<fieldset class="nhsuk-fieldset" aria-describedby="id_settings_helptext id_settings_error">' in html
    assert "Keep &lt;this&gt; &amp; that</textarea>" in html
    assert 'value="falls"' in html
    assert 'value="Night drinks round"' not in html  # the title really was left empty
    assert not Page.objects.type(LearningNotePage).exists()


def test_values_that_are_too_long_are_refused_with_a_clear_message(member_client, indexes):
    html = main(post_note(member_client, summary="x" * 301, title="t" * 256, date="2999-01-01"))
    assert "Summary must be 300 characters or fewer (it has 301)" in html
    assert "Title must be 255 characters or fewer (it has 256)" in html
    assert "The date cannot be in the future." in html
    assert not Contribution.objects.exists()


def test_line_breaks_count_once_as_under_the_box_and_long_counts_have_commas(member_client, member, indexes):
    """A browser sends each line break in a text area as CR LF; the count under the box counts it as one."""
    summary = "a" * 149 + "\r\n" + "b" * 150  # 300 characters as typed and counted in the browser
    response = post_note(member_client, action="draft", summary=summary)

    assert response.status_code == 302
    page = Contribution.objects.get().page.get_latest_revision_as_object()
    assert page.summary == "a" * 149 + "\n" + "b" * 150

    html = main(post_note(member_client, summary="A paragraph.\r\n" * 400 + "The end."))
    assert "Summary must be 300 characters or fewer (it has 5,208)" in html


def test_a_summary_in_paragraphs_keeps_its_line_breaks_on_the_page(client, indexes):
    page = LearningNotePageFactory(
        parent=indexes[0], summary="We moved the huddle.\n\nNight staff now <b>join</b> it.\nIt takes ten minutes."
    )
    html = main(client.get(page.url))

    lede = html[html.index('<p class="nhsuk-lede-text">') :]
    lede = lede[: lede.index("</p>")]
    assert lede.endswith(
        "We moved the huddle.<br><br>Night staff now &lt;b&gt;join&lt;/b&gt; it.<br>It takes ten minutes."
    )


def test_a_bad_photo_is_reported_next_to_its_field(member_client, indexes):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    html = main(post_note(member_client, photo_1=upload(svg, "cute.png", "image/png"), photo_1_alt="Chart"))
    assert '<span class="nhsuk-error-message" id="id_photo_1_error">' in html
    assert "cute.png is not a JPEG, PNG or WebP photo. Choose a photo saved in one of those formats." in html
    assert 'value="Chart"' in html
    assert not Contribution.objects.exists()


def test_a_photo_needs_alt_text(member_client, indexes):
    html = main(post_note(member_client, photo_1=upload(photo_bytes())))
    assert "Describe what the photo shows for people who cannot see it." in html
    assert 'id="id_photo_1_alt_error"' in html


# Drafts, preview and submission -------------------------------------------------


def test_save_as_draft_makes_a_draft_page_owned_by_the_member_with_a_revision(member_client, member, indexes):
    response = post_note(member_client, action="draft")
    contribution = Contribution.objects.get()
    assert response["Location"] == f"/share/mine/{contribution.pk}/edit/"
    page = contribution.page.specific
    assert isinstance(page, LearningNotePage)
    assert page.get_parent().specific == indexes[0]
    assert (page.live, page.owner, page.first_published_at) == (False, member, None)
    assert page.latest_revision.user == member
    assert page.current_workflow_state is None
    assert {tag.name for tag in page.get_latest_revision_as_object().tags.all()} == {"falls", "hydration"}
    html = main(member_client.get(response["Location"]))
    assert "Saved as a draft. Only you can see it." in html
    assert member_client.get(page.url).status_code == 404
    assert "<h1>Change your learning note</h1>" in html
    assert "Thirst wakes people at night.</textarea>" in html


def test_a_draft_can_be_changed_and_keeps_one_page(member_client, indexes):
    post_note(member_client, action="draft")
    contribution = Contribution.objects.get()
    data = learning_note_data(title="Night drinks round, two months on", action="draft")
    data["revision"] = LearningNotePage.objects.get().latest_revision_id  # as the edit form carries it
    member_client.post(f"/share/mine/{contribution.pk}/edit/", data)
    page = LearningNotePage.objects.get()
    assert page.draft_title == "Night drinks round, two months on"
    assert page.get_latest_revision_as_object().title == "Night drinks round, two months on"
    assert page.revisions.count() == 2


def test_preview_shows_the_page_marked_as_a_preview_with_markup_escaped(member_client, indexes):
    response = post_note(
        member_client,
        action="preview",
        title="<script>alert('t')</script>",
        what_we_learned='<img src=x onerror="alert(1)">',
        photo_1=upload(photo_bytes(size=(900, 600))),
        photo_1_alt="Jug & cups",
    )
    contribution = Contribution.objects.get()
    assert response["Location"] == f"/share/mine/{contribution.pk}/preview/"
    preview = member_client.get(response["Location"])
    html = main(preview)
    assert "Preview: not published" in html
    assert "Only you can see this page." in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in preview.content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert 'alt="Jug &amp; cups"' in html
    assert preview["X-Robots-Tag"] == "noindex"
    assert not LearningNotePage.objects.get().live


def test_submitting_starts_the_community_workflow_and_nothing_is_live(member_client, member, indexes):
    response = post_note(member_client)
    assert response["Location"] == "/share/mine/"
    page = LearningNotePage.objects.get()
    state = page.current_workflow_state
    assert state.workflow.name == "Community submissions"
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == member
    assert not page.live and page.live_revision is None
    assert not LearningNotePage.objects.live().exists()
    html = main(member_client.get("/share/mine/"))
    assert "Your post has gone to the programme team to check." in html
    assert "Night drinks round" in html and "In review" in html


def test_a_peer_visit_report_is_posted_with_its_photo(member_client, indexes):
    host, visitor = OrganisationFactory(name="Kersal Brook"), OrganisationFactory(name="Swinton Lodge")
    data = peer_visit_data(host, visitor, photo_1=upload(photo_bytes("PNG"), "cups.png", "image/png"))
    data.update(photo_1_alt="Yellow two-handled cups", photo_1_caption="The cups residents chose")
    assert member_client.post("/share/peer-visit/", data).status_code == 302
    page = PeerVisitReportPage.objects.get().get_latest_revision_as_object()
    assert page.host_organisation == host
    assert list(page.visiting_organisations.all()) == [visitor]
    [photo] = page.photos.all()
    assert (photo.alt_text, photo.caption) == ("Yellow two-handled cups", "The cups residents chose")
    assert photo.image.file.name.endswith(".png") and "cups" not in photo.image.file.name
    assert PeerVisitReportPage.objects.get().current_workflow_state.status == "in_progress"


def test_photos_on_a_draft_can_be_removed_and_the_limit_is_three(member_client, indexes):
    post_note(
        member_client,
        action="draft",
        photo_1=upload(photo_bytes()),
        photo_1_alt="One",
        photo_2=upload(photo_bytes()),
        photo_2_alt="Two",
    )
    contribution = Contribution.objects.get()
    page = moderation.latest_draft(contribution)
    first, second = page.photos.all()
    html = main(member_client.get(f"/share/mine/{contribution.pk}/edit/"))
    # Numbered across the post: the two it has are photos 1 and 2, and the one slot left is photo 3.
    legends = re.findall(r'<legend class="nhsuk-fieldset__legend[^"]*">([^<]+)</legend>', html)
    assert [legend for legend in legends if legend.startswith("Photo")] == ["Photo 1", "Photo 2", "Photo 3 (optional)"]
    assert 'alt="One"' in html and "Remove photo 1" in html and "Remove photo 2" in html
    assert 'id="id_photo_3"' in html and 'id="id_photo_1"' not in html
    data = learning_note_data(action="draft", **{f"remove_photo_{first.pk}": "on"})
    data["revision"] = LearningNotePage.objects.get().latest_revision_id  # as the edit form carries it
    member_client.post(f"/share/mine/{contribution.pk}/edit/", data)
    fresh = Contribution.objects.get()  # latest_draft caches the page it read
    assert [p.alt_text for p in moderation.latest_draft(fresh).photos.all()] == ["Two"]


# Double submits and limits -------------------------------------------------------


def test_the_same_form_sent_twice_makes_one_page(member_client, indexes, mailoutbox):
    data = learning_note_data()
    first = member_client.post("/share/learning-note/", data)
    second = member_client.post("/share/learning-note/", data)
    assert first["Location"] == second["Location"] == "/share/mine/"
    assert LearningNotePage.objects.count() == 1
    assert Contribution.objects.count() == 1
    assert WorkflowState.objects.count() == 1
    html = main(member_client.get("/share/mine/"))
    assert "We already had this form from you, so nothing new was made." in html


def test_a_saved_form_sent_again_shows_the_saved_copy_instead_of_submitting_it(member_client, indexes):
    data = learning_note_data(action="draft")
    member_client.post("/share/learning-note/", data)
    again = member_client.post("/share/learning-note/", {**data, "action": "submit", "title": "Changed on the way"})
    contribution = Contribution.objects.get()
    assert again["Location"] == f"/share/mine/{contribution.pk}/edit/"
    page = LearningNotePage.objects.get()
    assert page.draft_title == "Night drinks round" and page.current_workflow_state is None
    assert "This is the copy we saved" in main(member_client.get(again["Location"]))


def test_the_form_token_is_unique_in_the_database(member, indexes):
    from django.db import IntegrityError, transaction

    token = Contribution.objects.create(token="6f1b2c3d-0000-4000-8000-000000000001", author=member).token
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.create(token=token, author=member)


def test_a_token_from_someone_elses_form_never_touches_their_post_and_keeps_the_senders_words(
    member_client, member, indexes
):
    """Someone else's token changes nothing of theirs; the sender's note is saved as their own, not
    dropped with "We already had this form from you" (the attacker's review)."""
    other = MemberFactory()
    theirs = Contribution.objects.create(token="6f1b2c3d-0000-4000-8000-000000000002", author=other)
    response = post_note(member_client, token="6f1b2c3d-0000-4000-8000-000000000002", action="draft")
    theirs.refresh_from_db()
    assert theirs.page_id is None and theirs.author == other
    own = Contribution.objects.get(author=member)
    assert str(own.token) != "6f1b2c3d-0000-4000-8000-000000000002"
    assert response["Location"] == f"/share/mine/{own.pk}/edit/" or "Saved as a draft" in main(
        member_client.get(response["Location"])
    )


def test_the_eleventh_post_in_a_day_is_refused_and_the_text_is_kept(member_client, member, indexes):
    for _ in range(moderation.POSTS_PER_DAY):
        Contribution.objects.create(token=learning_note_data()["token"], author=member)
    old = Contribution.objects.create(token=learning_note_data()["token"], author=member)
    Contribution.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert moderation.posts_left_today(member) == 0
    response = post_note(member_client, what_we_tried="Our careful words")
    assert response.status_code == 429
    html = main(response)
    assert "You have started 10 posts in the last 24 hours" in html
    assert "Our careful words</textarea>" in html
    assert not LearningNotePage.objects.exists()
    # Another member is not held back by this one.
    assert moderation.posts_left_today(MemberFactory()) == moderation.POSTS_PER_DAY


def test_a_site_without_a_learning_section_explains_and_keeps_the_text(member_client, home):
    response = post_note(member_client, what_we_tried="Our careful words")
    assert response.status_code == 503
    html = main(response)
    assert "The site is not ready to take a learning note yet" in html
    assert "Our careful words</textarea>" in html
    assert not Contribution.objects.exists()


# My contributions ---------------------------------------------------------------


def test_other_members_cannot_see_or_change_a_draft(client, member, indexes):
    client.force_login(member)
    post_note(client, action="draft")
    contribution = Contribution.objects.get()
    same_organisation = MemberFactory(organisation=member.member_profile.organisation)
    for other in [same_organisation, MemberFactory(), UserFactory(is_superuser=True)]:
        client.force_login(other)
        for url in [f"/share/mine/{contribution.pk}/edit/", f"/share/mine/{contribution.pk}/preview/"]:
            assert client.get(url).status_code == 404
        response = client.post(f"/share/mine/{contribution.pk}/edit/", learning_note_data(title="Taken over"))
        assert response.status_code == 404
        assert "Night drinks round" not in main(client.get("/share/mine/"))
    assert LearningNotePage.objects.get().draft_title == "Night drinks round"


def test_a_post_in_review_cannot_be_changed_from_the_public_site(member_client, indexes):
    post_note(member_client)
    contribution = Contribution.objects.get()
    response = member_client.post(f"/share/mine/{contribution.pk}/edit/", learning_note_data(title="Changed"))
    assert response["Location"] == "/share/mine/"
    assert LearningNotePage.objects.get().draft_title == "Night drinks round"
    assert "cannot be changed until they have looked at it" in main(member_client.get("/share/mine/"))


def test_my_contributions_lists_each_status_in_words(member_client, member, moderator, indexes):
    post_note(member_client, title="Still a draft", action="draft")
    post_note(member_client, title="Waiting for a check")
    post_note(member_client, title="Sent back")
    post_note(member_client, title="Out in the world")
    sent_back = LearningNotePage.objects.get(title="Sent back").current_workflow_state.current_task_state
    sent_back.task.specific.on_action(sent_back, moderator, "reject", comment="Please add <b>dates</b>.")
    approved = LearningNotePage.objects.get(title="Out in the world").current_workflow_state.current_task_state
    approved.task.specific.on_action(approved, moderator, "approve")
    html = main(member_client.get("/share/mine/"))
    cards = {title: html[html.index(title) :][:1200] for title in ["Still a draft", "Waiting", "Sent back", "Out in"]}
    assert "Draft</strong>" in cards["Still a draft"] and "Carry on writing" in cards["Still a draft"]
    assert "In review</strong>" in cards["Waiting"] and "The programme team are checking it" in cards["Waiting"]
    assert "Changes requested</strong>" in cards["Sent back"]
    assert "Please add &lt;b&gt;dates&lt;/b&gt;." in cards["Sent back"]
    assert "Make changes and send again" in cards["Sent back"]
    live = LearningNotePage.objects.get(title="Out in the world")
    assert "Published</strong>" in cards["Out in"] and f'href="{live.url}"' in cards["Out in"]


def make_posts(client, moderator, numbers):
    """Posts in every state: draft, in review, changes requested, published."""
    for number in numbers:
        post_note(client, title=f"Post {number}", action="draft" if number % 4 == 0 else "submit")
        if number % 4 in (2, 3):
            state = LearningNotePage.objects.get(title=f"Post {number}").current_workflow_state.current_task_state
            action = "reject" if number % 4 == 2 else "approve"
            state.task.specific.on_action(state, moderator, action, comment="Add a date")


def test_my_contributions_costs_the_same_with_2_or_30_posts(member_client, member, moderator, indexes, monkeypatch):
    monkeypatch.setattr(moderation, "POSTS_PER_DAY", 100)
    make_posts(member_client, moderator, [2, 3])
    member_client.get("/share/mine/")  # warm per-process caches (content types, site root paths)
    few = count_queries(member_client, "/share/mine/")
    make_posts(member_client, moderator, range(4, 32))
    response = member_client.get("/share/mine/")
    for status in ["Draft", "In review", "Changes requested", "Published"]:
        assert main(response).count(f"{status}</strong>") in (7, 8)
    many = count_queries(member_client, "/share/mine/")
    assert few == many
    # Session, user, groups, the profile (the header's link to their organisation), the one
    # contributions query; the rest is the header and footer.
    assert many <= 15


def test_a_page_the_team_wrote_is_not_listed_as_a_members_contribution(member_client, member, indexes):
    LearningNotePageFactory(parent=indexes[0], owner=member, title="Made in the admin")
    assert "Made in the admin" not in main(member_client.get("/share/mine/"))


def test_repeated_long_and_unsluggable_titles_each_get_their_own_page(member_client, indexes):
    post_note(member_client, action="draft")
    post_note(member_client, action="draft")
    post_note(member_client, title="!!!", action="draft")
    post_note(member_client, title="a" * 255, action="draft")
    post_note(member_client, title="a" * 255, action="draft")
    pages = LearningNotePage.objects.order_by("pk")
    assert [page.draft_title[:20] for page in pages] == ["Night drinks round"] * 2 + ["!!!"] + ["a" * 20] * 2
    assert len({page.slug for page in pages}) == 5 and all(page.slug for page in pages)


def test_drafts_and_posts_in_review_are_not_found_by_search(client, member_client, indexes):
    post_note(member_client, title="Zanzibar hydration trolley", action="draft")
    post_note(member_client, title="Zanzibar hydration round")
    html = client.get("/search/?q=Zanzibar").content.decode()
    assert "Zanzibar hydration" not in html


def test_a_peer_visit_draft_reopens_with_everything_chosen(member_client, indexes):
    host, visitor = OrganisationFactory(name="Kersal Brook"), OrganisationFactory(name="Swinton Lodge")
    member_client.post("/share/peer-visit/", peer_visit_data(host, visitor, action="draft"))
    contribution = Contribution.objects.get()
    html = main(member_client.get(f"/share/mine/{contribution.pk}/edit/"))
    assert "<h1>Change your peer-visit report</h1>" in html
    assert f'<option value="{host.pk}" selected>Kersal Brook</option>' in html
    assert re.search(rf'name="visiting_organisations" type="checkbox" value="{visitor.pk}" checked>', html)
    assert "Visit again in May</textarea>" in html
    assert 'value="hydration"' in html


# Drafts, Enter, Back and the preview ---------------------------------------------


def test_a_draft_saves_with_only_a_title_and_keeps_it_private(member_client, member, indexes):
    data = {"token": learning_note_data()["token"], "title": "Half-written note", "date": "", "action": "draft"}
    response = member_client.post("/share/learning-note/", data)
    contribution = Contribution.objects.get()
    assert response["Location"] == f"/share/mine/{contribution.pk}/edit/"
    draft = moderation.latest_draft(contribution)
    assert draft.title == "Half-written note"
    assert (draft.summary, draft.what_happened, list(draft.settings.all())) == ("", "", [])
    assert draft.date == timezone.localdate()  # a page needs a date; the member can change it
    assert draft.current_workflow_state is None and not draft.live
    html = main(member_client.get(response["Location"]))
    assert "Saved as a draft. Only you can see it." in html
    assert "There is a problem" not in html


def test_a_preview_also_needs_only_a_title(member_client, indexes):
    data = {"token": learning_note_data()["token"], "title": "Half-written note", "action": "preview"}
    response = member_client.post("/share/learning-note/", data)
    assert response["Location"] == f"/share/mine/{Contribution.objects.get().pk}/preview/"
    assert "Preview: not published" in main(member_client.get(response["Location"]))


def test_a_draft_without_a_title_is_refused_and_what_was_typed_is_kept(member_client, indexes):
    data = {
        "token": learning_note_data()["token"],
        "title": "",
        "what_we_tried": "Jugs on every table",
        "action": "draft",
    }
    response = member_client.post("/share/learning-note/", data)
    html = main(response)
    assert '<li><a href="#id_title">Enter a title</a></li>' in html
    assert "Jugs on every table</textarea>" in html
    assert "Enter a summary" not in html and "Choose at least one care setting" not in html
    assert not Contribution.objects.exists()


def test_a_draft_still_refuses_bad_values(member_client, indexes):
    data = {"token": learning_note_data()["token"], "title": "Note", "date": "2999-01-01", "action": "draft"}
    html = main(member_client.post("/share/learning-note/", data))
    assert "The date cannot be in the future." in html
    assert not Contribution.objects.exists()


def test_sending_a_draft_for_review_asks_for_every_field(member_client, indexes):
    member_client.post(
        "/share/learning-note/", {"token": learning_note_data()["token"], "title": "Note", "action": "draft"}
    )
    contribution = Contribution.objects.get()
    response = member_client.post(
        f"/share/mine/{contribution.pk}/edit/", {"token": str(contribution.token), "title": "Note", "action": "submit"}
    )
    html = main(response)
    assert '<li><a href="#id_summary">Enter a summary</a></li>' in html
    assert '<li><a href="#id_settings_0">Choose at least one care setting</a></li>' in html
    assert LearningNotePage.objects.get().current_workflow_state is None


def test_enter_in_a_text_box_saves_a_draft_because_that_is_the_first_submit_button(member_client, indexes):
    for url in [*FORMS, None]:
        if url is None:
            post_note(member_client, action="draft")
            url = f"/share/mine/{Contribution.objects.get().pk}/edit/"
        html = main(member_client.get(url, follow=True))
        form = html[html.index("<form") : html.index("</form>")]
        first_button = re.search(r"<button[^>]*>", form).group(0)
        assert 'type="submit"' in first_button and 'value="draft"' in first_button, url
        assert 'tabindex="-1"' in first_button and 'aria-hidden="true"' in first_button


def test_the_form_address_carries_its_one_time_token(member_client, indexes):
    response = member_client.get("/share/learning-note/")
    assert response.status_code == 302
    token = re.fullmatch(r"/share/learning-note/\?form=([0-9a-f-]{36})", response["Location"]).group(1)
    html = main(member_client.get(response["Location"]))
    assert f'name="token" value="{token}"' in html
    assert f'action="/share/learning-note/?form={token}"' in html
    assert member_client.get("/share/learning-note/?form=not-a-token")["Location"].startswith(
        "/share/learning-note/?form="
    )


def test_back_after_sending_then_sending_again_makes_one_post(member_client, indexes):
    address = member_client.get("/share/learning-note/")["Location"]
    token = address.split("=")[1]
    sent = member_client.post(address, learning_note_data(token=token))
    assert sent["Location"] == "/share/mine/"
    # Back: the browser asks for the same address again, and is shown the post it made.
    back = member_client.get(address)
    assert back["Location"] == "/share/mine/"
    assert "We already had this form from you, so nothing new was made." in main(member_client.get("/share/mine/"))
    # Or it shows the old page from its cache, and the member presses "Send for review" again.
    again = member_client.post(address, learning_note_data(token=token))
    assert again["Location"] == "/share/mine/"
    assert (Contribution.objects.count(), LearningNotePage.objects.count(), WorkflowState.objects.count()) == (1, 1, 1)


def test_back_after_saving_a_draft_opens_the_saved_draft(member_client, indexes):
    address = member_client.get("/share/peer-visit/")["Location"]
    member_client.post(address, {"token": address.split("=")[1], "title": "Visit to Swinton Lodge", "action": "draft"})
    contribution = Contribution.objects.get()
    assert member_client.get(address)["Location"] == f"/share/mine/{contribution.pk}/edit/"


def test_a_form_address_with_someone_elses_token_gives_a_fresh_form(member_client, indexes):
    other = Contribution.objects.create(token="6f1b2c3d-0000-4000-8000-000000000003", author=MemberFactory())
    response = member_client.get(f"/share/learning-note/?form={other.token}")
    assert response["Location"].startswith("/share/learning-note/?form=")
    assert str(other.token) not in response["Location"]


def test_the_preview_can_send_the_post_for_review_or_go_back_to_change_it(member_client, member, indexes):
    post_note(member_client, action="preview")
    contribution = Contribution.objects.get()
    html = main(member_client.get(f"/share/mine/{contribution.pk}/preview/"))
    assert f'<form method="post" action="/share/mine/{contribution.pk}/send/"' in html
    assert ">Send for review</button>" in html
    assert f'href="/share/mine/{contribution.pk}/edit/">Go back and change it</a>' in html
    response = member_client.post(f"/share/mine/{contribution.pk}/send/")
    assert response["Location"] == "/share/mine/"
    state = LearningNotePage.objects.get().current_workflow_state
    assert (state.status, state.requested_by) == (WorkflowState.STATUS_IN_PROGRESS, member)
    html = main(member_client.get(f"/share/mine/{contribution.pk}/preview/"))
    assert "Send for review</button>" not in html and "it cannot be changed now" in html
    # Sent twice (Back, then the button again): still one review.
    member_client.post(f"/share/mine/{contribution.pk}/send/")
    assert WorkflowState.objects.count() == 1


def test_sending_an_unfinished_draft_from_the_preview_opens_the_form_with_what_is_missing(member_client, indexes):
    member_client.post(
        "/share/learning-note/",
        {"token": learning_note_data()["token"], "title": "Note", "what_we_tried": "Jugs", "action": "preview"},
    )
    contribution = Contribution.objects.get()
    response = member_client.post(f"/share/mine/{contribution.pk}/send/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Change your learning note" in page
    assert '<li><a href="#id_what_happened">Say what happened</a></li>' in page
    assert f'action="/share/mine/{contribution.pk}/edit/"' in page
    assert "Jugs</textarea>" in page
    assert LearningNotePage.objects.get().current_workflow_state is None


def test_a_complete_peer_visit_draft_is_sent_from_the_preview(member_client, indexes):
    host, visitor = OrganisationFactory(), OrganisationFactory()
    member_client.post("/share/peer-visit/", peer_visit_data(host, visitor, action="preview"))
    contribution = Contribution.objects.get()
    assert member_client.post(f"/share/mine/{contribution.pk}/send/")["Location"] == "/share/mine/"
    assert PeerVisitReportPage.objects.get().current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_only_the_author_can_send_from_the_preview_and_only_by_post(client, member_client, indexes):
    post_note(member_client, action="preview")
    contribution = Contribution.objects.get()
    assert member_client.get(f"/share/mine/{contribution.pk}/send/").status_code == 405
    client.force_login(MemberFactory())
    assert client.post(f"/share/mine/{contribution.pk}/send/").status_code == 404
    assert LearningNotePage.objects.get().current_workflow_state is None


def test_the_preview_tells_its_author_that_comments_open_once_published(member_client, indexes):
    post_note(member_client, action="preview")
    html = main(member_client.get(f"/share/mine/{Contribution.objects.get().pk}/preview/"))
    assert "Comments open once the programme team publish this page." in html
    assert "Only approved community members can comment." not in html


def test_the_error_summary_is_the_design_systems_and_the_title_says_error(member_client, indexes):
    response = post_note(member_client, title="")
    page = response.content.decode()
    assert page.count('data-module="nhsuk-error-summary"') == 1
    assert "<title>Error: Share learning" in page


# One draft open in two tabs ------------------------------------------------------


def revision_in(html):
    return re.search(r'name="revision" value="(\d+)"', html).group(1)


def two_tabs_on_one_draft(client):
    """Save a draft, then open its edit page twice, as two tabs do; return its address and the revision shown."""
    post_note(client, action="draft")
    edit_url = f"/share/mine/{Contribution.objects.get().pk}/edit/"
    tab_a, tab_b = main(client.get(edit_url)), main(client.get(edit_url))
    assert revision_in(tab_a) == revision_in(tab_b) == str(LearningNotePage.objects.get().latest_revision_id)
    return edit_url, revision_in(tab_a)


def test_saving_from_an_older_tab_does_not_undo_a_newer_save_and_keeps_what_it_typed(member_client, indexes):
    """The phone review: tab B saved a change to "What we tried"; tab A then saved a change to "What happened"
    and said "Saved as a draft", and B's change was gone with no warning."""
    edit_url, opened_at = two_tabs_on_one_draft(member_client)
    token = str(Contribution.objects.get().token)
    tab_b = learning_note_data(token=token, revision=opened_at, what_we_tried="Jugs on every table.", action="draft")
    assert "Saved as a draft" in main(member_client.post(edit_url, tab_b, follow=True))
    newer = LearningNotePage.objects.get().latest_revision

    tab_a = learning_note_data(token=token, revision=opened_at, what_happened="Fewer falls & <fewer> calls.")
    tab_a["action"] = "draft"
    response = member_client.post(edit_url, tab_a)

    assert response.status_code == 409
    html = main(response)
    saved_at = timezone.localtime(newer.created_at)
    assert f"This draft was saved again at {saved_at:%H:%M} on {saved_at.day} {saved_at:%B}, in another tab" in html
    assert "nothing was saved from here" in html
    assert "Saved as a draft" not in html
    assert "Fewer falls &amp; &lt;fewer&gt; calls.</textarea>" in html  # what this tab typed, still in the box
    latest = LearningNotePage.objects.get().get_latest_revision_as_object()
    assert (latest.what_we_tried, latest.what_happened) == (
        "Jugs on every table.",
        "Residents drank more and slept better.",
    )
    assert LearningNotePage.objects.get().revisions.count() == 2

    # The form now carries the newer draft's revision: saving again is a deliberate choice, and it saves.
    assert revision_in(html) == str(newer.pk)
    response = member_client.post(edit_url, {**tab_a, "revision": revision_in(html)}, follow=True)
    assert "Saved as a draft. Only you can see it." in main(response)
    assert LearningNotePage.objects.get().get_latest_revision_as_object().what_happened == (
        "Fewer falls & <fewer> calls."
    )


def test_sending_for_review_from_an_older_tab_sends_nothing(member_client, indexes):
    edit_url, opened_at = two_tabs_on_one_draft(member_client)
    token = str(Contribution.objects.get().token)
    member_client.post(edit_url, learning_note_data(token=token, revision=opened_at, title="Newer", action="draft"))
    response = member_client.post(edit_url, learning_note_data(token=token, revision=opened_at, action="submit"))
    assert response.status_code == 409
    assert "in another tab or window" in main(response)
    assert not WorkflowState.objects.exists()
    assert Contribution.objects.with_status().get().status == Contribution.Status.DRAFT
    assert LearningNotePage.objects.get().get_latest_revision_as_object().title == "Newer"


def test_saving_from_the_newest_tab_saves_as_before(member_client, indexes):
    edit_url, opened_at = two_tabs_on_one_draft(member_client)
    token = str(Contribution.objects.get().token)
    data = learning_note_data(token=token, revision=opened_at, what_we_tried="Jugs.", action="draft")
    response = member_client.post(edit_url, data, follow=True)
    html = main(response)
    assert "Saved as a draft. Only you can see it." in html
    assert revision_in(html) == str(LearningNotePage.objects.get().latest_revision_id) != opened_at


@pytest.mark.parametrize("revision", [None, "", "-1", "abc", "99999999999999999999999"])
def test_a_save_without_a_genuine_revision_never_overwrites_the_draft(member_client, indexes, revision):
    """The attacker's review: an edit form whose hidden revision was missing or garbled saved over the draft."""
    edit_url, _opened_at = two_tabs_on_one_draft(member_client)
    token = str(Contribution.objects.get().token)
    data = learning_note_data(token=token, what_happened="From a form that lost its revision.", action="draft")
    data.pop("revision", None)
    if revision is not None:
        data["revision"] = revision
    response = member_client.post(edit_url, data)
    assert response.status_code == 409
    assert "nothing was saved from here" in main(response)
    assert LearningNotePage.objects.get().get_latest_revision_as_object().what_happened != (
        "From a form that lost its revision."
    )


def test_a_send_for_review_that_fails_its_checks_says_nothing_was_saved(member_client, indexes):
    """A phone review: "Send for review" with a section missing showed the problem but not that the
    change was not saved; leaving the page lost it."""
    post_note(member_client, action="draft")
    contribution = Contribution.objects.get()
    data = learning_note_data(what_we_would_advise="", what_we_learned="Typed on the bus.", action="submit")
    data["revision"] = LearningNotePage.objects.get().latest_revision_id
    response = member_client.post(f"/share/mine/{contribution.pk}/edit/", data)
    html = main(response)
    assert "There is a problem" in html
    assert "Nothing on this page has been saved yet." in html
    assert "Typed on the bus.</textarea>" in html
    assert LearningNotePage.objects.get().get_latest_revision_as_object().what_we_learned != "Typed on the bus."


def test_a_form_link_two_members_opened_saves_the_second_members_note_too(client, member, indexes):
    """The attacker's review: Helen saved first from a ?form= link Grace also had open; Grace's
    complete note was then dropped with "We already had this form from you"."""
    from portal.members.factories import MemberFactory

    token = str(uuid.uuid4())
    helen = MemberFactory(user__first_name="Helen", user__last_name="Marsh")
    client.force_login(helen)
    client.post("/share/learning-note/", learning_note_data(token=token, title="Helen's note", action="draft"))
    client.force_login(member)
    response = client.post(
        "/share/learning-note/", learning_note_data(token=token, title="Grace's note", action="draft"), follow=True
    )
    assert "We already had this form from you" not in main(response)
    assert "Saved as a draft" in main(response)
    assert sorted(Contribution.objects.values_list("author__first_name", "page__title")) == [
        ("Grace", "Grace's note"),
        ("Helen", "Helen's note"),
    ]


def test_sending_a_form_whose_token_another_member_used_twice_makes_one_post(client, member, indexes):
    """The third attacker review: Helen's three taps on "Send for review", on a form Grace had already
    sent, made three posts."""
    from portal.members.factories import MemberFactory

    token = str(uuid.uuid4())
    client.force_login(MemberFactory())
    client.post("/share/learning-note/", learning_note_data(token=token, title="The first member's note"))
    client.force_login(member)
    for _ in range(3):
        response = client.post("/share/learning-note/", learning_note_data(token=token, title="Grace's note"))
    assert Contribution.objects.filter(author=member).count() == 1
    assert "We already had this form from you" in main(client.get(response["Location"]))
