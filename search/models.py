from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import IntegrityError, models, transaction


class IndexOutboxQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(done_at__isnull=True)


class IndexOutbox(models.Model):
    """A change to a knowledge page that the Elasticsearch index has still to hear about.

    Written in the same transaction as the publish, unpublish, move or delete,
    and marked done only once Elasticsearch has acknowledged the write, so that
    no change is lost while the cluster is unreachable. See
    ``search.elasticsearch.indexing``.
    """

    UPSERT = "upsert"
    DELETE = "delete"
    ACTIONS = [(UPSERT, "Add or update"), (DELETE, "Remove")]

    # Not a foreign key: the row must outlive the page it asks to remove.
    page_id = models.PositiveIntegerField(db_index=True)
    action = models.CharField(max_length=10, choices=ACTIONS)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = IndexOutboxQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "search index outbox entry"
        verbose_name_plural = "search index outbox"

    def __str__(self):
        return f"{self.action} page {self.page_id}"


class SearchEngineStatus(models.Model):
    """What the site last saw of Elasticsearch, for ``search_health``: one row.

    Written when a search, suggestion, related-learning lookup or outbox send
    fails (at most once a minute per process while the error stays the same)
    and when a process sees the cluster answer again after a failure; never
    on an ordinary successful search. See ``search.elasticsearch.health``.
    """

    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    recovered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "search engine status"
        verbose_name_plural = "search engine status"

    def __str__(self):
        return "failing" if self.failing_since else "answering"


class ZeroResultSearch(models.Model):
    """How often, on one day, a search found nothing: words the portal is missing.

    Every search is also counted in ``wagtail.contrib.search_promotions``'
    ``Query``/``QueryDailyHits``; the "Search terms" report puts the two side
    by side (``search.reports``).
    """

    query_string = models.CharField(max_length=255, help_text="The search, lower-cased, with spaces tidied.")
    date = models.DateField(help_text="The day the search was made.")
    hits = models.PositiveIntegerField(default=0, help_text="How many times it found nothing that day.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["query_string", "date"], name="unique_zero_result_search_day")]
        verbose_name = "search with no results"
        verbose_name_plural = "searches with no results"
        permissions = [("view_search_terms", "Can see which searches are popular and which find nothing")]

    def __str__(self):
        return f"{self.query_string} ({self.date})"

    @classmethod
    def record(cls, query_string, date):
        """Count one search that found nothing."""
        count_hit(cls, query_string=query_string, date=date)


def count_hit(model, **day):
    """Add one to ``hits`` of the ``model`` row for one day, creating it if need be (usually one query)."""
    if model.objects.filter(**day).update(hits=models.F("hits") + 1):
        return
    try:
        with transaction.atomic():
            model.objects.create(**day, hits=1)
    except IntegrityError:  # created meanwhile by another request
        model.objects.filter(**day).update(hits=models.F("hits") + 1)


class PageFacet(models.Model):
    """One care setting, safety domain or topic tag of a knowledge page, for counting a search's facets.

    A copy of one row of the table that holds it (``core_knowledgepage_settings``,
    ``core_knowledgepage_safety_domains`` or a page type's topic tag table),
    kept by database triggers (migration ``search.0007``) that insert, change and
    delete the copy with the row itself, whoever writes it: the page editor,
    a bulk load, a delete. So a search counts every facet of its matches from
    one narrow index instead of looking each match up in three tables
    (``search.engines.database._facet_counts_sql``). Nothing in Python writes it.
    """

    SETTING, DOMAIN, TAG = 0, 1, 2
    KINDS = {SETTING: "setting", DOMAIN: "domain", TAG: "tag"}

    page_id = models.IntegerField()
    kind = models.SmallIntegerField(choices=list(KINDS.items()))
    term_id = models.IntegerField()
    # Which table the row is a copy of (numbered in migration search.0007), and its id there.
    source = models.SmallIntegerField()
    source_id = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["page_id", "kind", "term_id"], name="search_pagefacet_page")]
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="search_pagefacet_source")]

    def __str__(self):
        return f"page {self.page_id} {self.KINDS.get(self.kind, self.kind)} {self.term_id}"


class PageDocument(models.Model):
    """A knowledge page as a search on PostgreSQL finds and counts it: one narrow row, kept by database triggers.

    Its index entry's title and body vectors together (what Wagtail's backend
    matches), with its own GIN index; whether the page is live; its path (for
    view restrictions); its content type, date, title and summary; the ids of
    its care settings, safety domains and topic tags. So a search finds its
    matches, counts their facets and groups them for ranking from one table,
    without joining each match to the page tables
    (``search.engines.database._counts_and_page``).

    The table, its index and its triggers exist on PostgreSQL only and are made
    by migration ``search.0008``, which says what keeps each column in step.
    Django neither creates nor writes it (``managed = False``); nothing in
    Python writes it.
    """

    page_id = models.IntegerField(primary_key=True)
    vector = SearchVectorField()
    live = models.BooleanField()
    path = models.TextField()
    content_type_id = models.IntegerField()
    date = models.DateField(null=True)
    title = models.TextField()
    summary = models.TextField()
    settings = ArrayField(models.IntegerField())
    domains = ArrayField(models.IntegerField())
    tags = ArrayField(models.IntegerField())

    class Meta:
        managed = False

    def __str__(self):
        return f"search document of page {self.page_id}"
