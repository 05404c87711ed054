import pytest

from casestudies.models import CaseStudyPage
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from learning.models import LearningNotePage, PeerVisitReportPage
from portal.core.models import KnowledgePage
from portal.taxonomy.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_learning_note_shows_its_four_parts_and_author(client, learning_index):
    note = LearningNotePageFactory(
        parent=learning_index,
        title="A hydration chart nobody filled in",
        author_name="Tom Hassan",
        organisation=OrganisationFactory(name="Walkden Grange Nursing Home"),
        what_we_tried="We put a chart on every door.\n\nThen we moved it to the tea trolley.",
        what_happened="Nobody filled it in at night.",
        what_we_learned="Charts need an owner on every shift.",
        what_we_would_advise="Start with the night staff.",
        date="2019-02-19",
    )
    html = client.get(note.url).content.decode()
    for expected in [
        "<h1>A hydration chart nobody filled in</h1>",
        "Tom Hassan, Walkden Grange Nursing Home",
        "19 February 2019",
        "<h2>What we tried</h2>",
        "<p>We put a chart on every door.</p>",
        "<p>Then we moved it to the tea trolley.</p>",
        "Nobody filled it in at night.",
        "Charts need an owner on every shift.",
        "Start with the night staff.",
    ]:
        assert expected in html, expected


def test_text_written_by_members_is_escaped(client, learning_index):
    note = LearningNotePageFactory(
        parent=learning_index,
        author_name='<img src=x onerror="alert(1)">',
        what_we_tried="<script>alert('tried')</script>",
        summary="<b>bold?</b>",
    )
    html = client.get(note.url).content.decode()
    assert "<script>alert('tried')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;tried&#x27;)&lt;/script&gt;" in html
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html


def test_peer_visit_report_shows_who_visited_whom_and_the_actions(client, peer_visit_index):
    host = OrganisationFactory(name="Kersal Brook Care Home")
    visitor = OrganisationFactory(name="Swinton Lodge")
    report = PeerVisitReportPageFactory(
        parent=peer_visit_index,
        title="Swinton Lodge visits Kersal Brook",
        host_organisation=host,
        visiting_organisations=[visitor],
        visitors="Priya Nair, Tom Hassan",
        focus="How the home keeps residents drinking well.",
        what_works_well="Yellow two-handled cups.",
        what_could_be_better="The night lights are too dim.",
        ideas_to_take_home="A nightcap round at half past nine.",
        agreed_actions="Share the drinks timetable\n\nVisit again in March\n",
        date="2018-03-07",
    )
    html = client.get(report.url).content.decode()
    for expected in [
        "<h1>Swinton Lodge visits Kersal Brook</h1>",
        '<dt class="nhsuk-summary-list__key">Host</dt><dd class="nhsuk-summary-list__value">Kersal Brook Care Home',
        "Swinton Lodge",
        "Priya Nair, Tom Hassan",
        "7 March 2018",
        "How the home keeps residents drinking well.",
        "<h2>What works well</h2>",
        "Yellow two-handled cups.",
        "The night lights are too dim.",
        "A nightcap round at half past nine.",
        "<li>Share the drinks timetable</li><li>Visit again in March</li>",
    ]:
        assert expected in html, expected


def test_knowledge_pages_have_their_own_index_and_no_children(learning_index, peer_visit_index, case_study_index):
    assert LearningNotePage.can_create_at(learning_index)
    assert not LearningNotePage.can_create_at(peer_visit_index)
    assert PeerVisitReportPage.can_create_at(peer_visit_index)
    assert not PeerVisitReportPage.can_create_at(case_study_index)
    assert LearningNotePage.allowed_subpage_models() == []
    assert not KnowledgePage.is_creatable
    assert not CaseStudyPage.can_create_at(peer_visit_index)


def test_a_contribution_from_the_factory_is_its_authors_draft(learning_index):
    from learning.factories import ContributionFactory
    from learning.models import Contribution
    from portal.members.factories import MemberFactory

    member = MemberFactory()
    made = ContributionFactory(author=member, page__title="Our first note")
    contribution = Contribution.objects.with_status().get(pk=made.pk)
    assert contribution.status == Contribution.Status.DRAFT and contribution.is_editable
    assert contribution.kind == "Learning note"
    page = contribution.page.specific
    assert (page.live, page.owner, page.latest_revision.user, page.title) == (False, member, member, "Our first note")
