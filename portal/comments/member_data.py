"""A member's comments and reports in the download of their data, and their comments when they
leave (``portal.members.my_data``, which this registers with in ``CommentsConfig.ready``)."""

from portal.members.my_data import MemberDataPart, live_url, when

from .models import Comment, CommentReport


def export(user, request):
    comments = Comment.objects.filter(author=user).select_related("page").order_by("created_at", "pk")
    reports = CommentReport.objects.filter(reporter=user).select_related("comment__page")
    return {
        "comments": [
            {
                "page_title": comment.page.title,
                "page_url": live_url(comment.page, request),
                "text": comment.body,
                "created_at": when(comment.created_at),
                "hidden": comment.is_hidden,
            }
            for comment in comments
        ],
        "comment_reports": [
            {
                "page_title": report.comment.page.title,
                "page_url": live_url(report.comment.page, request),
                "comment_id": report.comment_id,
                "reason": report.reason,
                "created_at": when(report.created_at),
            }
            for report in reports
        ],
    }


def hand_over(user, organisation_name):
    """Comments stay, credited to the organisation; those posted before the organisation was
    kept on each comment get it now."""
    if organisation_name:
        Comment.objects.filter(author=user, author_organisation_name="").update(
            author_organisation_name=organisation_name
        )


PART = MemberDataPart(position=20, export=export, hand_over=hand_over)
