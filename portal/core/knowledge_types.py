"""The knowledge page types: the one list of them.

Case studies, learning notes, peer-visit reports and updates are the concrete
subclasses of ``KnowledgePage``. Search (the database engine, the
Elasticsearch index, the "Type" filter and the label on each result) and the
site archive all read this list, so a new kind of knowledge page is added
here, once. ``tests/core/test_knowledge_types.py`` fails when a concrete
subclass of ``KnowledgePage`` is missing from it, or when a key or label no
longer matches its model's verbose name.

Models are named by label and looked up when used, so this module imports no
models and anything may import it, even while Django is still loading apps.
"""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class KnowledgePageType:
    # The search page's "type" filter value and the index's ``content_type``: the verbose name, slugified.
    key: str
    # What the "Type" filter and a result's card call it: the verbose name, capitalised.
    label: str
    # The model, as "app_label.ModelName".
    model_label: str

    @property
    def model(self):
        return apps.get_model(self.model_label)


# In the order the search page's "Type" filter lists them.
KNOWLEDGE_PAGE_TYPES = (
    KnowledgePageType("case-study", "Case study", "casestudies.CaseStudyPage"),
    KnowledgePageType("learning-note", "Learning note", "learning.LearningNotePage"),
    KnowledgePageType("peer-visit-report", "Peer-visit report", "learning.PeerVisitReportPage"),
    KnowledgePageType("update", "Update", "updates.UpdatePage"),
)


def knowledge_page_models():
    """The model of every knowledge page type, in the order of ``KNOWLEDGE_PAGE_TYPES``."""
    return [page_type.model for page_type in KNOWLEDGE_PAGE_TYPES]


def tag_through_models():
    """Each knowledge page type's topic tag table (``CaseStudyPageTag``, ...), in the same order."""
    return [model.tags.through for model in knowledge_page_models()]
