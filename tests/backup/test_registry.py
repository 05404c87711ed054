"""Every model is either in the archive or left out for a stated reason, so a new app cannot be forgotten."""

from django.apps import apps
from django.contrib.auth import get_user_model

from portal.backup import registry


def test_every_model_is_archived_rebuilt_or_left_out_on_purpose():
    listed = [*registry.SITE_MODELS, *registry.MEMBER_MODELS, *registry.REBUILT, *registry.LEFT_OUT]
    models = {
        m._meta.label for m in apps.get_models() if not m._meta.proxy and m._meta.managed and not m._meta.auto_created
    }

    assert sorted(models - set(listed)) == []
    # Wagtail defines this model only on SQLite.
    assert sorted(set(listed) - models - {"wagtailsearch.SQLiteFTSIndexEntry"}) == []
    assert len(listed) == len(set(listed))


def test_seeded_models_are_archived():
    assert sorted(registry.SEEDED - set(registry.SITE_MODELS)) == []


def test_only_member_models_need_an_account():
    """Without members every link to an account is emptied, so a site model may not require one."""
    user = get_user_model()
    required = [
        f"{model._meta.label}.{field.name}"
        for model in registry.site_models()
        for field in model._meta.local_fields
        if field.remote_field and field.related_model is user and not field.null
    ]

    assert required == []
