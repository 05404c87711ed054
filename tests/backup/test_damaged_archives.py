"""A damaged archive, or a database that is not empty, gives one clear line and changes nothing."""

import gzip
import hashlib
import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(db, tmp_path, home):
    path = tmp_path / "site.tar.gz"
    OrganisationFactory(name="Swinton Hall Care Home")
    call_command("export_site", str(path), stdout=io.StringIO())
    return path


def test_only_the_owner_may_read_an_archive(archive):
    """With members it holds password hashes and email addresses."""
    assert archive.stat().st_mode & 0o077 == 0


def test_rows_that_do_not_fit_together_are_rejected_whole(archive):
    members = members_of(archive)
    manifest = json.loads(members[0][1])
    index, (name, content) = next(
        (i, (m, c)) for i, (m, c) in enumerate(members) if m.name.endswith("taxonomy.Organisation.json")
    )
    rows = json.loads(content)
    rows[0]["fields"]["setting"] = 9999
    content = json.dumps(rows).encode()
    members[index] = (name, content)
    manifest["files"][name.name] = hashlib.sha256(content).hexdigest()
    members[0] = (members[0][0], json.dumps(manifest).encode())
    rewrite(archive, members)
    Organisation.objects.all().delete()

    assert "the database rejected its rows" in import_error(archive)
    assert Organisation.objects.count() == 0


def members_of(path):
    with tarfile.open(path, "r:gz") as tar:
        return [(m, tar.extractfile(m).read()) for m in tar.getmembers()]


def rewrite(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for member, content in members:
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))


def import_error(path):
    pages_before = list(Page.objects.values_list("pk", "title"))
    with pytest.raises(CommandError) as caught:
        call_command("import_site", str(path), stdout=io.StringIO())
    assert list(Page.objects.values_list("pk", "title")) == pages_before
    message = str(caught.value)
    assert "\n" not in message and message.endswith("Nothing was changed.")
    return message


def test_a_truncated_archive(archive):
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])

    assert "it is truncated" in import_error(archive)


def test_a_file_that_is_not_an_archive(tmp_path, db):
    path = tmp_path / "notes.tar.gz"
    path.write_text("Minutes of the March steering group")

    assert "it is not a site archive (not a gzip-compressed tar file)" in import_error(path)


def test_a_gzip_file_that_holds_no_tar(tmp_path, db):
    path = tmp_path / "notes.tar.gz"
    path.write_bytes(gzip.compress(b"Minutes of the March steering group"))

    assert "not a site archive" in import_error(path)


def test_a_missing_file(tmp_path, db):
    assert "does not exist" in import_error(tmp_path / "nowhere.tar.gz")


def test_an_archive_without_a_manifest(archive):
    rewrite(archive, [(m, c) for m, c in members_of(archive) if m.name != "manifest.json"])

    assert "it has no manifest.json at the start" in import_error(archive)


def test_an_archive_of_another_format_version(archive):
    members = members_of(archive)
    manifest = json.loads(members[0][1])
    manifest["format_version"] = 99
    members[0] = (members[0][0], json.dumps(manifest).encode())
    rewrite(archive, members)

    assert "it is format version 99; this portal reads version 1" in import_error(archive)


def test_a_data_file_changed_after_export(archive):
    members = members_of(archive)
    name, content = next((m, c) for m, c in members if m.name.endswith("taxonomy.Organisation.json"))
    members[members.index((name, content))] = (name, content.replace(b"Swinton Hall", b"Swinton Vale"))
    rewrite(archive, members)

    assert f"{name.name} does not match its checksum in the manifest" in import_error(archive)


def test_a_data_file_missing(archive):
    members = [(m, c) for m, c in members_of(archive) if not m.name.endswith("taxonomy.Organisation.json")]
    rewrite(archive, members)

    message = import_error(archive)
    assert "taxonomy.Organisation.json is listed in the manifest but missing" in message


def test_a_file_added_to_the_archive(archive):
    members = members_of(archive)
    extra = tarfile.TarInfo("media/original_images/extra.png")
    members.append((extra, b"not listed"))
    rewrite(archive, members)

    assert "it holds media/original_images/extra.png, which its manifest does not list" in import_error(archive)


def test_a_file_that_points_outside_the_archive(archive):
    members = members_of(archive)
    members.append((tarfile.TarInfo("../../etc/cron.d/job"), b"* * * * * root true"))
    rewrite(archive, members)

    assert "it holds an unexpected file '../../etc/cron.d/job'" in import_error(archive)


def test_a_database_with_content_is_refused(archive):
    OrganisationFactory(name="Eccles Health Centre")

    message = import_error(archive)

    assert "the database is not empty (2 organisations); restore into a newly migrated database" in message
