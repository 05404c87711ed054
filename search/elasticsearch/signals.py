"""Page events that change the search index, recorded in the outbox.

Each handler writes ``IndexOutbox`` rows inside the transaction that changed
the page (so a rolled-back publish leaves nothing behind and a committed one
cannot be forgotten) and, once that transaction commits, enqueues the
django-tasks task that sends pending rows. Connected by ``SearchConfig.ready``
only when ``ELASTICSEARCH_URL`` is set.
"""

import logging

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from portal.core.models import KnowledgePage
from portal.taxonomy.models import Organisation, SafetyDomain, Setting
from search.models import IndexOutbox

from .documents import knowledge_models, organisation_fields

logger = logging.getLogger(__name__)


def record(page_ids, action):
    """Write outbox rows for these pages and send them once the change is committed."""
    page_ids = sorted(set(page_ids))
    if not page_ids:
        return
    IndexOutbox.objects.bulk_create([IndexOutbox(page_id=page_id, action=action) for page_id in page_ids])
    # robust: a queue that cannot take the task must not undo or break the publish;
    # the rows stay pending for the next run or ``search_outbox --replay``.
    transaction.on_commit(enqueue_send, robust=True)


def enqueue_send():
    from search.tasks import send_index_outbox

    send_index_outbox.enqueue()


def knowledge_pages_under(page):
    """The ids of knowledge pages at or below ``page`` (a move or slug change changes all their URLs)."""
    return list(KnowledgePage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))


def on_page_published(sender, instance, **kwargs):
    if isinstance(instance, KnowledgePage):
        record([instance.pk], IndexOutbox.UPSERT)


def on_page_unpublished(sender, instance, **kwargs):
    if isinstance(instance, KnowledgePage):
        record([instance.pk], IndexOutbox.DELETE)


def on_page_moved(sender, instance, **kwargs):
    record(knowledge_pages_under(instance), IndexOutbox.UPSERT)


def on_knowledge_page_deleted(sender, instance, **kwargs):
    record([instance.pk], IndexOutbox.DELETE)


def on_view_restriction_changed(sender, instance, **kwargs):
    """A restriction hides (or, removed, reveals) a whole branch; the sender decides which."""
    try:
        page = instance.page
    except Page.DoesNotExist:  # deleted together with its page; the page's own delete is recorded
        return
    record(knowledge_pages_under(page), IndexOutbox.UPSERT)


def on_view_restriction_groups_changed(sender, instance, action, reverse, **kwargs):
    """Ticking or unticking Community members makes a branch member-only or takes it out of the index."""
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    on_view_restriction_changed(sender, instance)


def on_term_saved(sender, instance, created, **kwargs):
    """A renamed setting, safety domain, topic tag or organisation changes the text of every page using it."""
    if created or kwargs.get("raw"):
        return
    record(pages_using(instance), IndexOutbox.UPSERT)


def pages_using(term):
    if isinstance(term, Setting):
        return KnowledgePage.objects.filter(settings=term).values_list("pk", flat=True)
    if isinstance(term, SafetyDomain):
        return KnowledgePage.objects.filter(safety_domains=term).values_list("pk", flat=True)
    if isinstance(term, Tag):
        # Each page type has its own tag table; a tag's slug is what the topic facet filters on.
        return [
            pk for model in knowledge_models() for pk in model.objects.filter(tags=term).values_list("pk", flat=True)
        ]
    page_ids = []
    for model in knowledge_models():
        for name in organisation_fields(model):
            page_ids += model.objects.filter(**{name: term}).values_list("pk", flat=True)
    return page_ids


def _connections():
    yield page_published, on_page_published, None
    yield page_unpublished, on_page_unpublished, None
    yield post_page_move, on_page_moved, None
    yield page_slug_changed, on_page_moved, None
    # post_delete is sent once per table of a multi-table page; listen on the concrete types only.
    for model in knowledge_models():
        yield post_delete, on_knowledge_page_deleted, model
    yield post_save, on_view_restriction_changed, PageViewRestriction
    yield post_delete, on_view_restriction_changed, PageViewRestriction
    yield m2m_changed, on_view_restriction_groups_changed, PageViewRestriction.groups.through
    for model in (Setting, SafetyDomain, Organisation, Tag):
        yield post_save, on_term_saved, model


def connect():
    for signal, handler, sender in _connections():
        signal.connect(handler, sender=sender, dispatch_uid=_uid(handler, sender))


def disconnect():
    for signal, handler, sender in _connections():
        signal.disconnect(handler, sender=sender, dispatch_uid=_uid(handler, sender))


def _uid(handler, sender):
    return f"search.elasticsearch.{handler.__name__}.{sender._meta.label if sender else 'any'}"
