"""Keep Wagtail's database search index whole when a page is published.

Wagtail writes a page's index entry from ``post_save``, which Django sends
before modelcluster saves the page's child relations and parental
many-to-many fields. A knowledge page's topic tags, care settings and safety
domains are therefore missing from the entry written then. ``page_published``
is sent once the whole page, relations included, has been saved, so indexing
the page again there makes its tags findable by the database engine's plain
full-text query. (The Elasticsearch engine builds its documents separately,
through ``search.elasticsearch.signals``.)

For the same reason renaming a topic tag, care setting or safety domain
indexes every page using it again, once the rename has committed: nothing
else would, and the database engine would go on finding the old name and
not the new.
"""

from django.db import transaction
from django.db.models.signals import post_save
from taggit.models import Tag
from wagtail.search import index
from wagtail.signals import page_published

from portal.core.knowledge_types import knowledge_page_models
from portal.taxonomy.models import SafetyDomain, Setting


def reindex_published_page(sender, instance, **kwargs):
    index.insert_or_update_object(instance.specific)


def reindex_pages_using_term(sender, instance, created=False, raw=False, **kwargs):
    if created or raw:
        return
    transaction.on_commit(lambda: reindex_pages_using(sender, instance.pk), robust=True)


def reindex_pages_using(term_model, term_pk):
    field = {Tag: "tags", Setting: "settings", SafetyDomain: "safety_domains"}[term_model]
    for model in knowledge_page_models():
        for page in model.get_indexed_objects().filter(**{field: term_pk}).distinct():
            index.insert_or_update_object(page)


def connect():
    page_published.connect(reindex_published_page, dispatch_uid="search.reindex_published_page")
    for model in (Tag, Setting, SafetyDomain):
        post_save.connect(
            reindex_pages_using_term, sender=model, dispatch_uid=f"search.reindex_pages_using.{model._meta.label}"
        )
