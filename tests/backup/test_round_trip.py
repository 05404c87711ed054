"""Export a full site, empty the database back to a new install, import: everything must be as it was."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import ModelLogEntry, Page
from wagtail.search.models import IndexEntry

from learning.models import Contribution
from portal.comments.models import Comment, CommentReport
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Organisation
from tests.helpers import card_titles, facets_seen

from .conftest import back_to_a_new_site, fingerprint

pytestmark = pytest.mark.django_db


def export(path, *options):
    out = io.StringIO()
    call_command("export_site", str(path), *options, stdout=out)
    return out.getvalue()


def restore(path):
    out = io.StringIO()
    call_command("import_site", str(path), stdout=out)
    return out.getvalue()


def test_a_new_site_restored_from_its_own_archive_is_unchanged(seed_archive):
    before = fingerprint()

    back_to_a_new_site(seed_archive)

    assert fingerprint() == before


def test_restoring_a_full_site_gives_back_every_row_and_file(full_site, seed_archive, tmp_path):
    tables_before, files_before = fingerprint()
    archive = tmp_path / "site.tar.gz"
    export(archive, "--with-members")

    back_to_a_new_site(seed_archive)
    for name in files_before:
        default_storage.delete(name)
    assert Page.objects.filter(title="Coloured cups helped residents drink more").count() == 0
    output = restore(archive)

    tables_after, files_after = fingerprint()
    assert {label: tables_after[label] for label in tables_before if tables_after[label] != tables_before[label]} == {}
    assert files_after == files_before
    assert len(files_after) == 3
    # Something of every kind came back, not just empty tables twice.
    assert tables_after["wagtailcore.Revision"][0] >= 5
    assert tables_after["roadmap.DataPoint"][0] == 14
    assert tables_after["auth.User"][0] == 3
    assert "Site restored." in output


def test_the_restored_site_shows_its_pages_and_finds_them_in_search(full_site, seed_archive, tmp_path, client):
    archive = tmp_path / "site.tar.gz"
    export(archive, "--with-members")
    back_to_a_new_site(seed_archive)
    assert not IndexEntry.objects.filter(object_id=str(full_site["note"].pk)).exists()

    restore(archive)

    response = client.get(full_site["note"].url)
    assert response.status_code == 200
    assert "<h1" in response.text and "Coloured cups helped residents drink more" in response.text
    assert "We tried this too &amp; it worked &lt;really&gt;." in response.text
    assert "Night-time falls fell after a huddle at handover" in client.get("/case-studies/").text
    assert card_titles(client.get("/search/?q=cups")) == ["Coloured cups helped residents drink more"]
    # The facet counts come from search_pagefacet, which the triggers fill as the links are restored.
    setting = full_site["note"].settings.first()
    assert facets_seen(client, "/search/?q=cups")[setting.name] == 1


def test_the_restored_member_can_sign_in_with_their_old_password(full_site, seed_archive, tmp_path, client):
    from portal.members.factories import PASSWORD

    archive = tmp_path / "site.tar.gz"
    export(archive, "--with-members")
    back_to_a_new_site(seed_archive)
    restore(archive)

    assert client.login(username=full_site["member"].username, password=PASSWORD)


def test_new_rows_after_a_restore_get_new_ids(full_site, seed_archive, tmp_path):
    """On PostgreSQL the id sequences must be moved past the restored ids."""
    archive = tmp_path / "site.tar.gz"
    export(archive)
    highest = max(full_site["note"].pk, Page.objects.order_by("-pk").first().pk)
    back_to_a_new_site(seed_archive)
    restore(archive)

    organisation = OrganisationFactory(name="Pendleton Community Pharmacy")
    page = Page.objects.get(pk=full_site["note"].pk).add_child(instance=Page(title="Added after the restore"))

    assert organisation.pk and page.pk > highest


def test_without_members_authors_are_credited_to_their_organisation(full_site, seed_archive, tmp_path):
    member = full_site["member"]
    for subject in (member, Organisation.objects.get(name="Ordsall Lodge")):
        ModelLogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(subject),
            object_id=str(subject.pk),
            label=str(subject),
            action="wagtail.edit",
            timestamp=timezone.now(),
        )
    archive = tmp_path / "site.tar.gz"
    output = export(archive)
    assert "without member accounts" in output
    back_to_a_new_site(seed_archive)

    restore(archive)

    from django.contrib.auth import get_user_model

    assert get_user_model().objects.count() == 0
    comments = list(Comment.objects.order_by("pk"))
    assert [(c.author_id, c.author_name, c.author_organisation) for c in comments] == [
        (None, "A former member", "Kersal Brook Care Home"),
        (None, "A former member", "Irlam Community Pharmacy"),
        (None, "A former member", "Irlam Community Pharmacy"),
    ]
    assert comments[1].is_hidden and comments[1].hidden_by_id is None
    assert CommentReport.objects.count() == 0
    assert not Page.objects.filter(owner__isnull=False).exists()
    # "My contributions" rows need their member; the draft page itself stays, owned by nobody.
    assert Contribution.objects.count() == 0
    assert Page.objects.get(title="Drafting a note on bed rails").live is False
    assert Image.objects.count() == 2
    # The history of the organisation stays; that of the account does not.
    assert list(ModelLogEntry.objects.values_list("label", flat=True)) == ["Ordsall Lodge"]
