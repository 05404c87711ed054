"""What is stored: the seeded framework, and nothing on the answering side that names a person."""

import pytest
from django.conf import settings
from django.db import models

from portal.culture.factories import add_response
from portal.culture.framework_text import DIMENSIONS
from portal.culture.models import Answer, Framework, Invitation, Level, Response, hash_token

pytestmark = pytest.mark.django_db

ANSWERING_SIDE = [Invitation, Response, Answer]


def test_the_migration_seeds_nine_dimensions_each_described_at_five_levels():
    framework = Framework.objects.get()
    dimensions = list(framework.dimensions.prefetch_related("levels"))
    assert [d.name for d in dimensions] == [name for name, _, _ in DIMENSIONS]
    for dimension in dimensions:
        rows = dimension.level_rows()
        assert [label for _, label, _ in rows] == [
            "Pathological",
            "Reactive",
            "Bureaucratic",
            "Proactive",
            "Generative",
        ]
        assert all(text for _, _, text in rows)


@pytest.mark.parametrize("model", ANSWERING_SIDE)
def test_no_answering_model_points_at_a_user_or_keeps_personal_details(model):
    user_model = settings.AUTH_USER_MODEL.lower()
    for field in model._meta.get_fields():
        related = getattr(field, "related_model", None)
        if related is not None:
            assert related._meta.label_lower != user_model, f"{model.__name__}.{field.name} links to a user"
        assert not isinstance(field, models.DateTimeField | models.GenericIPAddressField | models.EmailField), (
            f"{model.__name__}.{field.name} could identify when or from where someone answered"
        )
        assert not any(word in field.name for word in ("user", "email", "ip", "name", "created", "modified")), (
            f"{model.__name__}.{field.name}"
        )


def test_private_links_are_stored_only_as_hashes(round_):
    tokens = round_.create_links(3)
    assert len(set(tokens)) == 3
    stored = set(Invitation.objects.filter(round=round_).values_list("token_hash", flat=True))
    assert stored == {hash_token(t) for t in tokens}
    assert not stored & set(tokens)


def test_a_members_key_is_the_same_each_visit_and_different_for_each_round(round_, closed_round, staff):
    assert round_.member_token(staff) == round_.member_token(staff)
    assert round_.member_token(staff) != closed_round.member_token(staff)


def test_the_threshold_comes_from_settings_unless_the_round_sets_its_own(round_, settings):
    settings.CULTURE_MIN_RESPONSES = 7
    assert round_.threshold == 7
    round_.min_responses = 9
    assert round_.threshold == 9
    round_.min_responses = 3  # never below the anonymity floor of 5
    assert round_.threshold == 5


def test_only_sent_responses_count_and_only_once_released_in_a_batch(round_):
    for _ in range(4):
        add_response(round_, Level.PROACTIVE)
    add_response(round_, Level.PROACTIVE, submitted=False)
    assert round_.released_count() == 0
    add_response(round_, Level.PROACTIVE)
    assert round_.released_count() == 5
