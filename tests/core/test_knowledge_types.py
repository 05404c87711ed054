"""The one list of knowledge page types: complete, true to the models, and what search and the archive read."""

from django.apps import apps
from django.utils.text import capfirst, slugify

from portal.backup import registry
from portal.core.knowledge_types import KNOWLEDGE_PAGE_TYPES, knowledge_page_models, tag_through_models
from portal.core.models import KnowledgePage
from search.elasticsearch.documents import content_type_key, knowledge_models
from search.engines.database import knowledge_types
from search.results import CONTENT_TYPES


def test_every_concrete_knowledge_page_is_listed_once():
    """A new subclass of KnowledgePage that nobody lists fails here, before search and backups miss it."""
    concrete = {
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, KnowledgePage) and model is not KnowledgePage and not model._meta.proxy
    }
    listed = [page_type.model_label for page_type in KNOWLEDGE_PAGE_TYPES]

    assert sorted(listed) == sorted(concrete)
    assert len(listed) == len(set(listed))


def test_keys_and_labels_are_the_models_verbose_names():
    for page_type in KNOWLEDGE_PAGE_TYPES:
        verbose_name = page_type.model._meta.verbose_name
        assert page_type.key == slugify(verbose_name)
        assert page_type.label == capfirst(verbose_name)


def test_search_and_the_archive_read_the_list():
    models = knowledge_page_models()

    assert list(CONTENT_TYPES.items()) == [(page_type.key, page_type.label) for page_type in KNOWLEDGE_PAGE_TYPES]
    assert list(knowledge_types().items()) == [(page_type.key, page_type.model) for page_type in KNOWLEDGE_PAGE_TYPES]
    assert knowledge_models() == models
    assert [content_type_key(model) for model in models] == list(CONTENT_TYPES)
    assert [label for label in registry.SITE_MODELS if label in {m._meta.label for m in models}] == [
        page_type.model_label for page_type in KNOWLEDGE_PAGE_TYPES
    ]
    assert [through._meta.label for through in tag_through_models() if through._meta.label in registry.SITE_MODELS] == [
        model.tags.through._meta.label for model in models
    ]
