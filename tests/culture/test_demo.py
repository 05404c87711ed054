"""The demo's culture step: rounds with enough answers and a debrief, and safe to run twice."""

import tomllib
from pathlib import Path

import pytest

from portal.culture.models import Action, Answer, Response, Round
from portal.demo.culture import load_culture
from portal.demo.loader import CONTENT_DIR, Counts
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting

pytestmark = pytest.mark.django_db


def run(with_accounts):
    content = tomllib.loads(Path(CONTENT_DIR / "culture.toml").read_text())
    gp = Setting.objects.get(slug="general-practice")
    organisations = {
        "ordsall-riverside-surgery": OrganisationFactory(name="Ordsall Riverside Surgery", setting=gp),
        "little-hulton-family-practice": OrganisationFactory(name="Little Hulton Family Practice", setting=gp),
    }
    counts = Counts()
    return load_culture(content, organisations, counts, with_accounts), counts


def test_the_demo_has_a_debriefed_round_an_open_round_and_a_facilitator():
    login, _ = run(with_accounts=True)
    assert login[0] == "facilitator@example.org"
    closed = Round.objects.get(organisation__name="Ordsall Riverside Surgery", title="Spring 2026")
    assert closed.released_count() >= 5 and closed.debrief_complete
    assert closed.facilitator.email == "facilitator@example.org"
    assert Action.objects.filter(round=closed).count() == 3
    open_round = Round.objects.get(title="Winter 2026")
    assert open_round.is_open() and open_round.released_count() == 0


def test_running_it_again_changes_nothing():
    run(with_accounts=True)
    before = Round.objects.count(), Response.objects.count(), Answer.objects.count(), Action.objects.count()
    _, counts = run(with_accounts=True)
    assert counts.created["culture rounds"] == [0, 4]
    assert (Round.objects.count(), Response.objects.count(), Answer.objects.count(), Action.objects.count()) == before


def test_without_demo_accounts_the_rounds_have_no_facilitator():
    login, _ = run(with_accounts=False)
    assert login is None
    assert not Round.objects.filter(facilitator__isnull=False).exists()
