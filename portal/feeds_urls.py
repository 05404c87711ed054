"""RSS and Atom feeds, under /feeds/ (see portal/core/feeds.py and portal/updates/feeds.py)."""

from django.urls import path
from django.utils.feedgenerator import Atom1Feed

from portal.core.feeds import DomainFeed, KnowledgeFeed, SettingFeed
from portal.improvement.feeds import ChangeIdeaFeed
from portal.updates.feeds import UpdateFeed

app_name = "feeds"

urlpatterns = [
    path("knowledge/rss/", KnowledgeFeed(), name="knowledge_rss"),
    path("knowledge/atom/", KnowledgeFeed(Atom1Feed), name="knowledge_atom"),
    path("settings/<slug:slug>/rss/", SettingFeed(), name="setting_rss"),
    path("settings/<slug:slug>/atom/", SettingFeed(Atom1Feed), name="setting_atom"),
    path("domains/<slug:slug>/rss/", DomainFeed(), name="domain_rss"),
    path("domains/<slug:slug>/atom/", DomainFeed(Atom1Feed), name="domain_atom"),
    path("updates/rss/", UpdateFeed(), name="updates_rss"),
    path("updates/atom/", UpdateFeed(Atom1Feed), name="updates_atom"),
    path("change-ideas/<slug:slug>/atom/", ChangeIdeaFeed(), name="change_idea_atom"),
]
