"""Load tens of thousands of knowledge pages quickly, for the search benchmark.

Saving Wagtail pages one by one costs ~60 ms each (tree locking, revisions,
signals, search-index updates): 100,000 would take almost two hours. Here the
rows are written as Wagtail would leave them for a published page, but in bulk:

* treebeard paths are computed here (``Page._get_path``), children numbered
  1..n under their index page, and the index pages' ``numchild`` set once;
* ``wagtailcore_page`` rows go in with ``bulk_create`` (which returns their ids);
* the multi-table child rows (``core_knowledgepage``, ``learning_learningnotepage``,
  ...) go in with ``executemany``, each value prepared by its own model field,
  because Django cannot ``bulk_create`` a multi-table-inherited model;
* many-to-many and tag rows go in with ``bulk_create`` on their through models.

The index pages, organisations and taxonomy come from the same factories and
seed data as the tests and the demo site. Page text is made from a fixed
vocabulary of safety topics (seeded), so searches for "falls" or "medication"
find a realistic share of pages rather than Faker's lorem ipsum.
"""

import datetime
import random
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page
from wagtail.rich_text import RichText

from casestudies.factories import CaseStudyIndexPageFactory
from casestudies.models import CaseStudyPage
from learning.factories import LearningIndexPageFactory, PeerVisitIndexPageFactory
from learning.models import LearningNotePage, PeerVisitReportPage
from portal.core.models import KnowledgePage
from portal.core.progress import Progress
from portal.home.models import HomePage
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import SafetyDomain, Setting
from portal.updates.factories import UpdateIndexPageFactory
from portal.updates.models import UpdatePage

BATCH = 2_000
# Share of each page type, roughly as the demo site has them.
MIX = [(LearningNotePage, 0.35), (CaseStudyPage, 0.25), (PeerVisitReportPage, 0.25), (UpdatePage, 0.15)]

TOPICS = [
    "falls",
    "medication",
    "handover",
    "hydration",
    "sepsis",
    "pressure ulcers",
    "deterioration",
    "infection control",
    "discharge",
    "delirium",
    "nutrition",
    "end of life care",
    "safeguarding",
    "insulin",
    "staffing",
    "night checks",
    "family involvement",
    "medicines reconciliation",
    "early warning scores",
    "dementia",
]
FILLER_TEXT = """
    the team staff residents patients nurses carers managers pharmacist doctor ward home practice shift
    week month checklist audit meeting huddle review plan change idea measure data chart trial test
    improved reduced started stopped shared agreed learned noticed tried asked trained recorded
    daily weekly every each new simple clear small early late safer better quicker together because
    after before during while with without about around across between through
"""
FILLER = FILLER_TEXT.split()


class TextMaker:
    """Seeded sentences about a page's topics, with ordinary words around them."""

    def __init__(self, seed):
        self.random = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets

    def sentence(self, topics):
        words = self.random.choices(FILLER, k=self.random.randint(8, 14))
        words.insert(self.random.randrange(len(words)), self.random.choice(topics))
        return " ".join(words).capitalize() + "."

    def paragraph(self, topics, sentences=3):
        return " ".join(self.sentence(topics) for _ in range(sentences))

    def title(self, topics):
        words = self.random.choices(FILLER, k=4)
        words.insert(1, topics[0])
        return " ".join(words).capitalize()


class BulkLoader:
    """Load ``total`` live knowledge pages, mixed by type as ``MIX`` says.

    ``indexes`` ({page model: its index page}) adds the pages under index pages
    that already exist, after their current children (the query-budget tests
    grow a small site this way); without it, new index pages are made under the
    home page.
    """

    def __init__(self, total, stdout, seed=2024, indexes=None, organisations=60):
        self.total, self.stdout = total, stdout
        self.text = TextMaker(seed)
        self.random = random.Random(seed + 1)  # noqa: S311 - repeatable test data, not secrets
        self.given_indexes, self.organisation_count = indexes, organisations

    @transaction.atomic
    def run(self):
        if self.given_indexes:
            self.indexes = {model: Page.objects.get(pk=index.pk) for model, index in self.given_indexes.items()}
        else:
            home = HomePage.objects.get(depth=2)
            self.indexes = {
                LearningNotePage: LearningIndexPageFactory(parent=home),
                CaseStudyPage: CaseStudyIndexPageFactory(parent=home),
                PeerVisitReportPage: PeerVisitIndexPageFactory(parent=home),
                UpdatePage: UpdateIndexPageFactory(parent=home),
            }
        # Children are numbered after any the index page already has.
        self.offsets = {model: index.numchild for model, index in self.indexes.items()}
        self.settings = list(Setting.objects.all())
        self.domains = list(SafetyDomain.objects.all())
        self.organisations = OrganisationFactory.create_batch(self.organisation_count)
        self.tags = [Tag.objects.get_or_create(slug=t.replace(" ", "-"), defaults={"name": t})[0] for t in TOPICS]
        progress = Progress(self.stdout, "Knowledge pages", self.total)
        counts = {model: int(self.total * share) for model, share in MIX if model in self.indexes}
        counts[next(iter(counts))] += self.total - sum(counts.values())
        for model, count in counts.items():
            for start in range(0, count, BATCH):
                self.load_batch(model, start, min(BATCH, count - start))
                for _ in range(min(BATCH, count - start)):
                    progress.step()
        for model, index in self.indexes.items():
            Page.objects.filter(pk=index.pk).update(numchild=self.offsets[model] + counts.get(model, 0))

    def load_batch(self, model, start, size):
        parent = self.indexes[model]
        content_type_id = ContentType.objects.get_for_model(model).pk
        now = timezone.now()
        pages, specifics = [], []
        offset = self.offsets[model]
        for number in range(offset + start + 1, offset + start + size + 1):
            topics = self.random.sample(TOPICS, 2)
            title = f"{self.text.title(topics)} {number}"
            slug = f"{model._meta.model_name}-{number}"
            published = now - datetime.timedelta(days=self.random.randint(0, 5 * 365))
            pages.append(
                Page(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type_id=content_type_id,
                    path=Page._get_path(parent.path, parent.depth + 1, number),
                    depth=parent.depth + 1,
                    numchild=0,
                    url_path=f"{parent.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    latest_revision_created_at=published,
                    locale_id=parent.locale_id,
                    translation_key=uuid.uuid4(),
                )
            )
            specifics.append((topics, published.date()))
        Page.objects.bulk_create(pages)

        instances = []
        for page, (topics, date) in zip(pages, specifics, strict=True):
            instance = model(summary=self.text.paragraph(topics, 2)[:300], date=date, **self.fields(model, topics))
            for table in self.tables(model):
                setattr(instance, table._meta.pk.attname, page.pk)
            instances.append(instance)
        for table in self.tables(model):
            insert_rows(table, instances)
        self.relations(model, pages, specifics)

    def fields(self, model, topics):
        paragraph = lambda: self.text.paragraph(topics)  # noqa: E731
        organisation = self.random.choice(self.organisations)
        if model is LearningNotePage:
            return {
                "author_name": "Sam Taylor",
                "organisation": organisation,
                "what_we_tried": paragraph(),
                "what_happened": paragraph(),
                "what_we_learned": paragraph(),
                "what_we_would_advise": paragraph(),
            }
        if model is CaseStudyPage:
            return {
                "organisation": organisation,
                "problem": f"<p>{paragraph()}</p>",
                "what_was_done": f"<p>{paragraph()}</p>",
                "results": f"<p>{paragraph()}</p>",
                "what_others_can_copy": f"<p>{paragraph()}</p>",
            }
        if model is PeerVisitReportPage:
            return {
                "host_organisation": organisation,
                "focus": self.text.sentence(topics),
                "what_works_well": paragraph(),
                "what_could_be_better": paragraph(),
                "ideas_to_take_home": paragraph(),
                "agreed_actions": "Share the checklist\nVisit again in three months",
            }
        return {"body": [("paragraph", RichText(f"<p>{paragraph()}</p>"))]}

    @staticmethod
    def tables(model):
        """The multi-table chain below ``Page``: KnowledgePage, then the specific model."""
        return [KnowledgePage, model]

    def relations(self, model, pages, specifics):
        through = {
            "settings": KnowledgePage.settings.through,
            "domains": KnowledgePage.safety_domains.through,
            "tags": model.tags.through,
        }
        settings_rows, domain_rows, tag_rows, visiting_rows = [], [], [], []
        visiting = PeerVisitReportPage.visiting_organisations.through
        for page, (topics, _date) in zip(pages, specifics, strict=True):
            for setting in self.random.sample(self.settings, self.random.choice([1, 1, 2])):
                settings_rows.append(through["settings"](knowledgepage_id=page.pk, setting_id=setting.pk))
            for domain in self.random.sample(self.domains, self.random.choice([1, 2])):
                domain_rows.append(through["domains"](knowledgepage_id=page.pk, safetydomain_id=domain.pk))
            for topic in topics:
                tag = self.tags[TOPICS.index(topic)]
                tag_rows.append(through["tags"](content_object_id=page.pk, tag_id=tag.pk))
            if model is PeerVisitReportPage:
                organisation = self.random.choice(self.organisations)
                visiting_rows.append(visiting(peervisitreportpage_id=page.pk, organisation_id=organisation.pk))
        through["settings"].objects.bulk_create(settings_rows)
        through["domains"].objects.bulk_create(domain_rows)
        through["tags"].objects.bulk_create(tag_rows)
        if visiting_rows:
            visiting.objects.bulk_create(visiting_rows)


def insert_rows(table, instances):
    """``INSERT`` one table's own columns for these (unsaved) instances, in one ``executemany``."""
    fields = table._meta.local_concrete_fields
    quote = connection.ops.quote_name
    # Table and column names come from the models and are quoted; the values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(table._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [[field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields] for obj in instances]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
