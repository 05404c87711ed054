"""Keep Wagtail's database search index whole when a page is published.

Wagtail writes a page's index entry from ``post_save``, which Django sends
before modelcluster saves the page's child relations and parental
many-to-many fields. A knowledge page's topic tags, care settings and safety
domains are therefore missing from the entry written then. ``page_published``
is sent once the whole page, relations included, has been saved, so indexing
the page again there makes its tags findable by the database engine's plain
full-text query. (The Elasticsearch engine builds its documents separately,
through ``search.elasticsearch.signals``.)
"""

from wagtail.search import index
from wagtail.signals import page_published


def reindex_published_page(sender, instance, **kwargs):
    index.insert_or_update_object(instance.specific)


def connect():
    page_published.connect(reindex_published_page, dispatch_uid="search.reindex_published_page")
