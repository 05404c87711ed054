"""The demo's spread: organisations at every status across settings, with history and learning; safe to load twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from portal.core.access import organisation_of
from portal.improvement.models import ChangeIdeaStatus
from portal.members.models import MemberProfile

pytestmark = pytest.mark.django_db


def load():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_every_status_across_settings_with_history_and_learning_and_loads_twice_the_same(settings):
    settings.PORTAL_DEMO_ACCOUNTS = True
    output = load()
    assert "Change idea statuses" in output

    current = ChangeIdeaStatus.objects.current()
    assert set(current.values_list("status", flat=True)) == set(ChangeIdeaStatus.Status.values)
    assert current.values("organisation__setting").distinct().count() >= 5
    kersal = ChangeIdeaStatus.objects.filter(organisation__slug="kersal-brook-care-home")
    drinks = kersal.filter(change_idea__title="An earlier, smaller evening drinks round").order_by("took_effect_on")
    assert [row.status for row in drinks] == ["planning", "testing", "adopted"]
    abandoned = current.get(status="abandoned")
    assert "hydration chart" in abandoned.reason
    assert abandoned.learning_notes.live().exists()
    # Organisations' addresses are the demo's own slugs, not only their names'.
    assert ChangeIdeaStatus.objects.filter(organisation__slug="irwell-valley-hospitals").exists()
    # The demo care home manager keeps Kersal Brook's records.
    grace = MemberProfile.objects.get(user__email="carehome@example.org").user
    assert organisation_of(grace).slug == "kersal-brook-care-home"

    rows = ChangeIdeaStatus.objects.count()
    again = load()
    assert ChangeIdeaStatus.objects.count() == rows
    assert "change idea statuses: 0 added" in again
