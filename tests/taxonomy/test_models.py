import pytest

from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import SafetyDomain, Setting

pytestmark = pytest.mark.django_db


def test_migrations_seed_the_eight_care_settings_in_order():
    assert list(Setting.objects.values_list("slug", flat=True)) == [
        "care-homes",
        "general-practice",
        "acute-hospital",
        "mental-health",
        "community-health",
        "social-care",
        "community-pharmacy",
        "whole-system",
    ]
    assert all(Setting.objects.values_list("description", flat=True))


def test_migrations_seed_the_five_safety_domains_with_their_guiding_questions():
    questions = dict(SafetyDomain.objects.values_list("slug", "guiding_question"))
    assert questions == {
        "past-harm": "Has patient care been safe in the past?",
        "reliability": "Are our clinical systems and processes reliable?",
        "sensitivity-to-operations": "Is care safe today?",
        "anticipation-and-preparedness": "Will care be safe in the future?",
        "integration-and-learning": "Are we responding and improving?",
    }
    assert SafetyDomain.objects.get(slug="sensitivity-to-operations").name == "Sensitivity to operations"


def test_terms_link_to_their_browse_pages():
    assert Setting.objects.get(slug="care-homes").get_absolute_url() == "/settings/care-homes/"
    assert SafetyDomain.objects.get(slug="past-harm").get_absolute_url() == "/domains/past-harm/"


def test_organisation_belongs_to_a_setting_and_reads_as_its_name():
    organisation = OrganisationFactory(name="Kersal Brook Care Home", setting=Setting.objects.get(slug="care-homes"))
    assert str(organisation) == "Kersal Brook Care Home"
    assert organisation in Setting.objects.get(slug="care-homes").organisations.all()
