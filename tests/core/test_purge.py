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
from portal.roadmap.factories import MilestoneFactory
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


@pytest.mark.django_db
def test_paths_registered_for_a_model_are_purged_when_a_row_changes(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Apps above core add the pages they build from a model's rows, without core importing them."""
    settings.WAGTAILFRONTENDCACHE = {"nginx": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend"}}
    purged = []
    monkeypatch.setattr(purge, "purge_urls_from_cache", lambda urls: purged.extend(urls))
    monkeypatch.setattr(purge, "_path_providers", {})
    purge.register_paths("test", Milestone, lambda milestone: [f"/milestones/{milestone.pk}/"])
    purge.register_paths("broken", Milestone, lambda milestone: 1 / 0)  # logged, never breaks the save

    with django_capture_on_commit_callbacks(execute=True):
        milestone = MilestoneFactory()
    assert any(url.endswith(f"/milestones/{milestone.pk}/") for url in purged)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Setting.objects.first().save()
    assert purged and not any("/milestones/" in url for url in purged)
