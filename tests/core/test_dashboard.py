"""The admin dashboard's panels of waiting work share one base (portal/core/dashboard.py)."""

from django.contrib.auth.models import AnonymousUser

from portal.comments.dashboard import ReportedCommentsPanel, may_moderate_comments
from portal.core.dashboard import WaitingWorkPanel
from portal.members.dashboard import MembersWaitingPanel, may_approve_members


def test_both_waiting_panels_are_built_on_the_base():
    assert issubclass(MembersWaitingPanel, WaitingWorkPanel) and issubclass(ReportedCommentsPanel, WaitingWorkPanel)


def test_someone_signed_out_sees_neither_panel():
    assert not may_approve_members(AnonymousUser()) and not may_moderate_comments(AnonymousUser())
