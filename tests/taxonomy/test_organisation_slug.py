"""Organisations and change ideas get unique web addresses from their names (issue 18)."""

from importlib import import_module

import pytest
from django.apps import apps

from portal.roadmap.factories import ChangeIdeaFactory
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Organisation

pytestmark = pytest.mark.django_db


def test_a_new_organisation_gets_a_slug_from_its_name_unlike_any_other():
    first = OrganisationFactory(name="Kersal Brook Care Home")
    Organisation.objects.filter(pk=first.pk).update(slug="monton-mews")
    clash = OrganisationFactory(name="Monton Mews")
    assert first.slug == "kersal-brook-care-home"
    assert clash.slug == "monton-mews-2"


def test_change_ideas_get_slugs_too():
    idea = ChangeIdeaFactory(title="Afternoon hydration rounds")
    assert idea.slug == "afternoon-hydration-rounds"
    assert ChangeIdeaFactory(title="Afternoon hydration rounds!").slug == "afternoon-hydration-rounds-2"


def test_the_migration_fills_a_distinct_slug_for_every_existing_organisation():
    migration = import_module("portal.taxonomy.migrations.0004_organisation_slug")
    one, two = OrganisationFactory(name="Ordsall Surgery"), OrganisationFactory(name="Ordsall  Surgery")
    for organisation in Organisation.objects.all():  # as if added before slugs: no slug worth keeping
        Organisation.objects.filter(pk=organisation.pk).update(slug=f"old-{organisation.pk}")
    migration.fill_slugs(apps, None)
    assert sorted(Organisation.objects.filter(pk__in=[one.pk, two.pk]).values_list("slug", flat=True)) == [
        "ordsall-surgery",
        "ordsall-surgery-2",
    ]
