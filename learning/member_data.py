"""A member's posts in the download of their data, and what happens to them when they leave
(``portal.members.my_data``, which this registers with in ``LearningConfig.ready``)."""

from portal.members.my_data import MemberDataPart, former_member_name, live_url, when

from .models import Contribution, LearningNotePage


def export(user, request):
    contributions = Contribution.objects.by(user).with_status().filter(page__isnull=False)
    return {
        "posts": [
            {
                "title": contribution.page.draft_title,
                "kind": contribution.kind,
                "status": contribution.Status(contribution.status).label,
                "created_at": when(contribution.created_at),
                "url": live_url(contribution.page, request),
            }
            for contribution in contributions
        ],
    }


def hand_over(user, organisation_name):
    """Posts never published are deleted. A live learning note whose newest
    revision is the live one gets a new published revision naming "a former
    member"; one with unpublished changes waiting is left
    alone, since publishing would also put those changes live.
    """
    for contribution in Contribution.objects.by(user).select_related("page"):
        page = contribution.page
        if page is None:
            continue
        if not page.live and page.first_published_at is None:
            page.delete()
            continue
        page = page.specific
        if isinstance(page, LearningNotePage) and page.live and not page.has_unpublished_changes:
            # The page shows its organisation after the name ("A former member,
            # Sunrise Care"), so name the organisation only when the page has none.
            page.author_name = former_member_name("" if page.organisation_id else organisation_name)
            page.save_revision(log_action=True).publish()


PART = MemberDataPart(position=10, export=export, hand_over=hand_over)
