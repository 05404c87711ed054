"""Which pages take comments, and the queries the moderation listing and the limit rely on."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from casestudies.factories import CaseStudyPageFactory
from learning.factories import PeerVisitReportPageFactory
from portal.comments.factories import CommentFactory, CommentReportFactory
from portal.comments.models import Comment, takes_comments
from portal.members.factories import MemberFactory
from portal.updates.factories import UpdatePageFactory

pytestmark = pytest.mark.django_db


def test_case_studies_learning_notes_and_peer_visit_reports_take_comments_and_nothing_else(
    note, case_study_index, peer_visit_index, update_index, home
):
    assert takes_comments(note)
    assert takes_comments(CaseStudyPageFactory(parent=case_study_index))
    assert takes_comments(PeerVisitReportPageFactory(parent=peer_visit_index))
    assert not takes_comments(UpdatePageFactory(parent=update_index))
    assert not takes_comments(home)
    assert not takes_comments(note.page_ptr)  # only the specific page says what it is


def test_a_member_can_report_a_comment_only_once(note, member):
    report = CommentReportFactory(comment=CommentFactory(page=note, author=MemberFactory()), reporter=member)
    with pytest.raises(IntegrityError):
        CommentReportFactory(comment=report.comment, reporter=member)


def test_report_counts_and_the_reported_filter(note, member):
    quiet = CommentFactory(page=note, author=member)
    loud = CommentFactory(page=note, author=member)
    CommentReportFactory(comment=loud, reporter=MemberFactory())
    CommentReportFactory(comment=loud, reporter=MemberFactory())

    counts = {c.pk: c.report_count for c in Comment.objects.for_moderation()}
    assert counts == {quiet.pk: 0, loud.pk: 2}
    assert list(Comment.objects.reported()) == [loud]
    assert list(Comment.objects.not_reported()) == [quiet]


def test_comments_by_a_member_since_a_time(note, member):
    CommentFactory(page=note, author=member, created_at=timezone.now() - timedelta(hours=2))
    recent = CommentFactory(page=note, author=member)
    CommentFactory(page=note, author=MemberFactory())
    assert list(Comment.objects.by_author_since(member, timezone.now() - timedelta(hours=1))) == [recent]


def test_the_admin_shows_a_short_version_of_long_comments(note, member):
    comment = CommentFactory(page=note, author=member, body="word " * 40)
    assert len(str(comment)) == 60
    assert str(comment).endswith("…")
