"""The digest's "Organisations like yours started testing" section.

Registered with ``portal.members.digests`` from ``ImprovementConfig.ready``:
members sit below this app and never import it.
"""

from portal.core.links import base_url
from portal.members.digests import DigestLink, DigestSection

from .models import ChangeIdeaStatus


def started_testing_for(profile, since, until):
    """Organisations in the member's followed settings whose current status became 'testing' in (since, until].

    Current statuses only, as the public change idea pages show: "homes like
    yours started testing ...". The member's own organisation is left out.
    """
    rows = (
        ChangeIdeaStatus.objects.current()
        .filter(
            status=ChangeIdeaStatus.Status.TESTING,
            recorded_at__gt=since,
            recorded_at__lte=until,
            organisation__setting__in=profile.followed_settings.all(),
        )
        .exclude(organisation_id=profile.organisation_id)
        .select_related("organisation__setting", "change_idea")
        .order_by("change_idea__title", "organisation__name")
    )
    return [
        DigestLink(
            lead=f"{row.organisation.name} ({row.organisation.setting.name})",
            title=row.change_idea.title,
            url=base_url() + row.change_idea.get_absolute_url(),
        )
        for row in rows
    ]


SECTION = DigestSection(position=10, heading="Organisations like yours started testing", links=started_testing_for)
