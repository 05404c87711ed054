"""The disclosure-control rule at its edges: what of the shared data may be shown in public."""

import datetime

import pytest

from portal.localmeasures.disclosure import (
    MIN_ORGANISATIONS,
    RULE_IN_SHORT,
    TOO_FEW_WORDS,
    disclose,
    rollups,
    rounded_count,
)
from portal.localmeasures.factories import LocalMeasureFactory, monthly_values, share
from portal.taxonomy.factories import OrganisationFactory

MONTH = datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("total", "shown"),
    [(0, 0), (1, None), (7, None), (8, 10), (12, 10), (13, 15), (15, 15), (17, 15), (18, 20), (1002, 1000)],
)
def test_counts_of_1_to_7_are_starred_and_others_round_to_the_nearest_5(total, shown):
    assert rounded_count(total) == shown


class _Count:
    is_rate = False
    multiplier = 1


class _Rate:
    is_rate = True
    multiplier = 1000


def test_nothing_is_shown_from_four_organisations_and_figures_are_shown_from_five():
    four = disclose(_Count(), month=MONTH, organisations=4, numerator=40, denominator=None)
    five = disclose(_Count(), month=MONTH, organisations=5, numerator=40, denominator=None)
    assert MIN_ORGANISATIONS == 5
    assert four is None  # nothing of the month may be published: not its figures, its count or that it exists
    assert (five.organisations, five.numerator_text) == (5, "40")


def test_a_rate_is_worked_from_the_rounded_counts():
    figure = disclose(_Rate(), month=MONTH, organisations=6, numerator=13, denominator=4_498)
    assert (figure.numerator, figure.denominator) == (15, 4_500)
    assert figure.rate_text == "3.3"  # 15 x 1000 / 4500, not 13 x 1000 / 4498 (2.89)


def test_a_rate_with_a_suppressed_numerator_is_suppressed_too():
    figure = disclose(_Rate(), month=MONTH, organisations=6, numerator=7, denominator=4_498)
    assert figure.numerator_text == "*"
    assert figure.denominator_text == "4,500"
    assert figure.rate is None and figure.rate_text == "*"


def test_a_rate_with_no_events_is_zero():
    figure = disclose(_Rate(), month=MONTH, organisations=5, numerator=0, denominator=4_000)
    assert figure.rate_text == "0.0"


def test_the_rule_is_said_in_words():
    assert "1 to 7" in RULE_IN_SHORT and "nearest 5" in RULE_IN_SHORT
    assert TOO_FEW_WORDS == "Not shown: fewer than 5 organisations shared data for any month"


@pytest.mark.django_db
def test_rollups_sum_numerators_over_denominators_of_shared_values_only():
    falls = LocalMeasureFactory(name="Falls", rate=True)
    homes = [OrganisationFactory() for _ in range(6)]
    for home in homes:
        monthly_values(home, falls, [4], denominators=[1000], start=MONTH)
    for home in homes[:5]:
        share(home, falls)
    [rollup] = rollups([falls])
    figure = rollup.latest
    # Five shared homes: 20 falls over 5,000 bed days; the sixth, private, home is left out.
    assert (figure.organisations, figure.numerator, figure.denominator, figure.rate_text) == (5, 20, 5000, "4.0")
    share(homes[0], falls, shared=False)
    [rollup] = rollups([falls])
    assert (rollup.figures, rollup.latest) == ([], None)
