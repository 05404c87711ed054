"""The programme team's spread report in the admin, and its CSV export."""

import pytest

from portal.improvement.factories import ChangeIdeaStatusFactory
from portal.members.factories import MemberFactory, ModeratorFactory, UserFactory
from portal.roadmap.factories import ChangeIdeaFactory
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/spread/"


def make_spread(size):
    idea = ChangeIdeaFactory(title="Afternoon hydration rounds")
    practices = Setting.objects.get(slug="general-practice")
    for _ in range(size):
        home = OrganisationFactory()
        ChangeIdeaStatusFactory(organisation=home, change_idea=idea, status="planning")
        ChangeIdeaStatusFactory(organisation=home, change_idea=idea, status="testing")  # the later row counts
        ChangeIdeaStatusFactory(organisation=OrganisationFactory(setting=practices), change_idea=idea, status="adopted")
    return idea


def test_the_report_counts_current_statuses_by_change_idea_and_setting_and_exports_csv(client):
    make_spread(3)
    client.force_login(ModeratorFactory())
    page = client.get(REPORT).content.decode()
    assert "Spread of change ideas" in page and "Afternoon hydration rounds" in page

    response = client.get(REPORT + "?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "change-idea-spread-" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert lines == [
        "Change idea,Care setting,Planning,Testing,Adopted,Abandoned,Organisations",
        "Afternoon hydration rounds,Care homes,0,3,0,0,3",
        "Afternoon hydration rounds,General practice,0,0,3,0,3",
    ]


@pytest.mark.parametrize("who", ["member", "staff without a role"])
def test_only_the_programme_team_sees_the_report(client, who):
    user = MemberFactory() if who == "member" else UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(REPORT).status_code in (302, 403)
    assert client.get(REPORT + "?export=csv").status_code in (302, 403)


@pytest.mark.parametrize("size", [2, 8])
def test_the_report_costs_the_same_at_any_size(client, size, django_assert_max_num_queries):
    make_spread(size)
    client.force_login(ModeratorFactory())
    client.get(REPORT)
    with django_assert_max_num_queries(30):
        assert client.get(REPORT).status_code == 200
