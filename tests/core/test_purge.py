"""Purging listens only to the models that hold content: a save elsewhere calls nothing (portal/core/purge.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page

from learning.models import LearningNotePage
from portal.comments.models import Comment
from portal.core import purge
from portal.core.models import PortalSettings
from portal.culture.models import Round
from portal.mail.models import OutboxEmail
from portal.members.models import MemberProfile
from portal.roadmap.models import Milestone
from portal.taxonomy.models import Organisation, Setting


def listens(signal, sender):
    sync, asynchronous = signal._live_receivers(sender)
    return purge._on_model_changed in [*sync, *asynchronous]


@pytest.mark.parametrize("model", [OutboxEmail, MemberProfile, Round])
def test_a_save_of_what_no_public_page_shows_calls_no_purge_receiver(model):
    assert not listens(post_save, model)
    assert not listens(post_delete, model)


@pytest.mark.parametrize("model", [Page, LearningNotePage, Setting, Organisation, Milestone, Comment, PortalSettings])
def test_pages_and_content_models_are_listened_to_by_name(model):
    assert listens(post_save, model)
    assert listens(post_delete, model)


def test_a_many_to_many_change_on_a_content_model_is_listened_to():
    assert listens(m2m_changed, Milestone.settings.through)
    # Neither side of a member's groups shows on a public page.
    assert not listens(m2m_changed, get_user_model().groups.through)
