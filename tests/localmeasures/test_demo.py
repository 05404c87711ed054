"""The demo's local data: something for every view, with a real signal, and safe to load twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from portal.localmeasures.chart import local_chart
from portal.localmeasures.disclosure import rollups
from portal.localmeasures.models import LocalMeasure, LocalSharing, LocalValue
from portal.localmeasures.reports import organisations_without_recent_data
from portal.taxonomy.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_a_shown_roll_up_a_suppressed_one_and_a_shift_after_a_change(demo):
    assert "Local data  " in demo  # the progress bar, labelled like the others
    by_slug = {rollup.measure.slug: rollup for rollup in rollups()}
    falls, events = by_slug["falls"], by_slug["significant-events-reported"]
    assert falls.latest.organisations == 5
    assert events.figures == []  # fewer than 5 share it: no month is listed
    assert falls.measure.programme_measure.slug == "falls-in-care-homes"

    kersal = Organisation.objects.get(name="Kersal Brook Care Home")
    values = list(LocalValue.objects.of(kersal, falls.measure))
    assert len(values) >= 12
    chart = local_chart(falls.measure, values)["chart"]
    assert any(s.rule == "shift" and s.meaning == "improvement" and len(s.indices) >= 8 for s in chart.signals)

    assert LocalSharing.objects.filter(shared=False).exists() and LocalSharing.objects.filter(shared=True).exists()
    assert "Little Hulton Family Practice" in [o.name for o in organisations_without_recent_data()]


def test_loading_the_demo_twice_adds_no_local_data(demo):
    before = (LocalMeasure.objects.count(), LocalValue.objects.count(), LocalSharing.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (LocalMeasure.objects.count(), LocalValue.objects.count(), LocalSharing.objects.count()) == before
