"""The demo's safety culture rounds (``content/culture.toml``): two debriefed rounds and an
open one for a GP practice, so results, the debrief, the summary and change over time all
have something to show, and a second practice for the care-setting totals.

A round that already exists (same organisation and title) is left exactly as it is, so
running the loader again duplicates nothing and keeps answers given while trying the demo.
"""

import datetime
import random

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.core.access import MEMBERS_GROUP
from portal.culture.factories import add_response, seeded_framework
from portal.culture.models import Action, DebriefItem, Round
from portal.members.models import MemberProfile

from .members import confirmed_by_programme_team


def load_culture(content, organisations, counts, with_accounts):
    """Returns the facilitator's demo login as ``(email, password, role)``, or None."""
    facilitator, login = _facilitator(content["facilitator"], organisations) if with_accounts else (None, None)
    framework = seeded_framework()
    dimensions = list(framework.dimensions.all())
    for row in content["round"]:
        organisation = organisations[row["organisation"]]
        if row.get("open_now"):
            today = timezone.localdate()
            opens_on, closes_on = today - datetime.timedelta(days=7), today + datetime.timedelta(days=21)
        else:
            opens_on, closes_on = row["opens_on"], row["closes_on"]
        round, created = Round.objects.get_or_create(
            organisation=organisation,
            title=row["title"],
            defaults={
                "framework": framework,
                "opens_on": opens_on,
                "closes_on": closes_on,
                "facilitator": facilitator if row["organisation"] == content["facilitator"]["organisation"] else None,
                "debrief_complete": row.get("debrief_complete", False),
            },
        )
        counts.add("culture rounds", created)
        if created:
            _answers(round, row, len(dimensions))
            _debrief(round, row, dimensions)
    return login


def _facilitator(row, organisations):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=row["username"])
    user.first_name, _, user.last_name = row["name"].partition(" ")
    user.email = row["email"]
    user.set_password(row["password"])
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=row["email"], defaults={"verified": True, "primary": True})
    MemberProfile.objects.get_or_create(
        user=user,
        defaults={
            "status": MemberProfile.Status.APPROVED,
            "organisation": organisations[row["organisation"]],
            "role": "Practice manager",
            **confirmed_by_programme_team(MemberProfile.Status.APPROVED, organisations[row["organisation"]]),
        },
    )
    user.groups.add(Group.objects.get(name=MEMBERS_GROUP))
    return user, (row["email"], row["password"], row["role"])


def _answers(round, row, dimension_count):
    rng = random.Random(row["seed"])  # noqa: S311 - repeatable demo numbers, not security
    comments = {}
    for dimension_number, text in row.get("comments", []):
        comments.setdefault(rng.randrange(row["responses"]), {})[dimension_number - 1] = text
    for i in range(row["responses"]):
        levels = [min(5, max(1, centre + rng.choice([-1, 0, 0, 0, 1]))) for centre in row["centres"]]
        mine = comments.get(i, {})
        add_response(round, levels, [mine.get(d, "") for d in range(dimension_count)])


def _debrief(round, row, dimensions):
    for dimension, level in zip(dimensions, row.get("agreed", []), strict=False):
        DebriefItem.objects.create(round=round, dimension=dimension, agreed_level=level)
    for dimension_number, what, owner, due_on in row.get("actions", []):
        Action.objects.create(
            round=round, dimension=dimensions[dimension_number - 1], what=what, owner=owner, due_on=due_on
        )
