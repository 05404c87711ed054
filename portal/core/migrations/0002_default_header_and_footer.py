"""Give a fresh install the portal's header: its name and a search box.

The NHS.UK header settings live in wagtail-nhsuk-frontend's own app; without a
row they show neither. The demo loader adds the navigation links.
"""

from django.db import migrations


def create_header(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    HeaderSettings = apps.get_model("wagtailnhsukfrontendsettings", "HeaderSettings")
    for site in Site.objects.all():
        HeaderSettings.objects.get_or_create(
            site=site,
            defaults={
                "service_name": "Safety Learning Portal",
                "service_link_id": site.root_page_id,
                "show_search": True,
                "logo_aria": "NHS",
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("home", "0002_create_homepage"),
        ("wagtailnhsukfrontendsettings", "0008_footersettingscolumns_footercolumnlinks"),
    ]

    operations = [migrations.RunPython(create_header, migrations.RunPython.noop)]
