"""``collectstatic`` with the production storage: every file hashed, compressed and findable."""

import json

from django.core.management import call_command


def test_collectstatic_finishes_with_the_production_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "portal.core.storage.StaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    css = manifest["wagtailnhsukfrontend/css/nhsuk-frontend-10.4.2.min.css"]
    assert css != "wagtailnhsukfrontend/css/nhsuk-frontend-10.4.2.min.css"  # hashed
    assert (tmp_path / css).exists() and (tmp_path / f"{css}.gz").exists()
    # portal.js imports the NHS.UK module by its hashed name.
    frontend_js = manifest["wagtailnhsukfrontend/js/nhsuk-frontend-10.4.2.min.js"].rsplit("/", 1)[1]
    assert f"/{frontend_js}" in (tmp_path / manifest["js/portal.js"]).read_text()
