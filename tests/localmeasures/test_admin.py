"""The programme team define local measures in the admin."""

import pytest
from django.urls import reverse

from portal.localmeasures.models import LocalMeasure
from portal.roadmap.factories import MeasureFactory
from portal.taxonomy.models import Setting

pytestmark = pytest.mark.django_db


def test_the_programme_team_list_and_add_a_rate_measure(client, moderator, falls):
    client.force_login(moderator)
    listing = client.get(reverse("wagtailsnippets_localmeasures_localmeasure:list"))
    assert listing.status_code == 200 and "Falls" in listing.content.decode()
    programme = MeasureFactory(name="Pressure ulcers in care homes")
    response = client.post(
        reverse("wagtailsnippets_localmeasures_localmeasure:add"),
        {
            "name": "Pressure ulcers",
            "slug": "pressure-ulcers",
            "what_to_count": "New pressure ulcers of category 2 and above that began in the home.",
            "kind": "rate",
            "numerator_name": "Pressure ulcers",
            "denominator_name": "Occupied bed days",
            "multiplier": "1000",
            "settings": [Setting.objects.get(slug="care-homes").pk],
            "programme_measure": programme.pk,
            "direction": "lower",
            "chart_type": "run",
        },
    )
    assert response.status_code == 302
    measure = LocalMeasure.objects.get(slug="pressure-ulcers")
    assert measure.unit == "per 1,000 occupied bed days"
    assert list(measure.settings.values_list("slug", flat=True)) == ["care-homes"]


def test_a_rate_needs_its_denominators_name(client, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("wagtailsnippets_localmeasures_localmeasure:add"),
        {
            "name": "Infections",
            "slug": "infections",
            "what_to_count": "Urinary infections treated with antibiotics.",
            "kind": "rate",
            "numerator_name": "Infections",
            "denominator_name": "",
            "multiplier": "1000",
            "settings": [Setting.objects.get(slug="care-homes").pk],
            "direction": "lower",
            "chart_type": "run",
        },
    )
    assert response.status_code == 200
    assert "A rate needs a denominator" in response.content.decode()
    assert not LocalMeasure.objects.filter(slug="infections").exists()


def test_members_cannot_define_local_measures(client, manager):
    client.force_login(manager)
    response = client.get(reverse("wagtailsnippets_localmeasures_localmeasure:add"))
    assert response.status_code in (302, 403)
