"""Write the site into an archive: every listed model's rows with their primary keys, and the original files.

Rows are written with Django's serializers (the same encoding as ``dumpdata``),
then two things are translated so the archive loads into any database migrated
from the same code: content types and permissions are named by app, model and
codename rather than by id, and many-to-many links are saved as rows of their
own. Without members, links to accounts are emptied the way deleting an account
empties them (see ``portal.members.my_data.delete_member_account``).
"""

import contextlib
import datetime
import hashlib
import json
import subprocess
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from treebeard.mp_tree import MP_Node

from portal.members.models import MemberProfile

from . import registry
from .archive import FORMAT, FORMAT_VERSION, MANIFEST, sha256_of, writing


class ExactJSONEncoder(DjangoJSONEncoder):
    """Keeps microseconds, which Django's encoder cuts to milliseconds, so a restore gives back the same times."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class NaturalNames:
    """Content types and permissions by name instead of by id, which differs between databases."""

    def __init__(self):
        self.content_types = {ct.pk: [ct.app_label, ct.model] for ct in ContentType.objects.all()}
        self.permissions = {
            p.pk: [p.codename, *self.content_types[p.content_type_id]] for p in Permission.objects.all()
        }

    def for_model(self, model):
        if model is ContentType:
            return self.content_types
        if model is Permission:
            return self.permissions
        return None


def ordering(model):
    """Trees in path order, so a parent page or collection always comes before its children."""
    return ("path",) if issubclass(model, MP_Node) else ("pk",)


def dump_rows(model, with_members, names):
    """Each row of ``model`` as serializer output, ready for JSON."""
    user_model = get_user_model()
    selected = [f.name for f in model._meta.local_fields]
    queryset = model._base_manager.order_by(*ordering(model))
    rows = serializers.serialize("python", queryset.iterator(chunk_size=500), fields=selected)
    relations = [f for f in model._meta.local_fields if f.remote_field and f.serialize]
    for row in rows:
        values = row["fields"]
        for field in relations:
            related = field.related_model
            value = values.get(field.name)
            if value is None:
                continue
            lookup = names.for_model(related)
            if lookup is not None:
                values[field.name] = lookup[value]
            elif related is user_model and not with_members:
                values[field.name] = None
    if not with_members:
        rows = [row for row in rows if not about_an_account(row)]
    return rows


MEMBER_CONTENT_TYPES = {tuple(label.lower().split(".")) for label in registry.MEMBER_MODELS}


def about_an_account(row):
    """A log entry (or other row naming a content type) about an account or profile: never without members."""
    content_type = row["fields"].get("content_type")
    return content_type is not None and tuple(content_type) in MEMBER_CONTENT_TYPES


def organisations_by_user():
    return {p.user_id: p.organisation_name for p in MemberProfile.objects.select_related("organisation")}


@contextlib.contextmanager
def one_snapshot():
    """Read every table as of one moment, even while people keep editing.

    PostgreSQL's default isolation lets each query see newer commits; repeatable
    read gives the whole export one snapshot. SQLite's read transaction already does.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def file_fields(model):
    return [f for f in model._meta.local_fields if isinstance(f, models.FileField)]


def portal_commit():
    """The git commit the code was deployed from, if the code is a git checkout."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def export_site(path, with_members=False, progress_factory=None, warn=None):
    """Write the archive at ``path``; returns the manifest."""
    models_in_order = []
    for model in registry.archived_models(with_members):
        models_in_order.append(model)
        models_in_order.extend(registry.through_models(model))

    data_files = []
    progress = progress_factory("Tables", len(models_in_order)) if progress_factory else None
    media_names = set()
    with one_snapshot():
        names = NaturalNames()
        organisation_of_user = {} if with_members else organisations_by_user()
        for number, model in enumerate(models_in_order, start=1):
            rows = dump_rows(model, with_members, names)
            if not with_members and registry.label(model) == "comments.Comment":
                keep_comment_organisations(rows, organisation_of_user)
            content = json.dumps(rows, cls=ExactJSONEncoder, ensure_ascii=False, sort_keys=True).encode()
            name = f"data/{number:03d}-{registry.label(model)}.json"
            data_files.append((name, registry.label(model), len(rows), content))
            for field in file_fields(model):
                media_names.update(row["fields"][field.name] for row in rows if row["fields"].get(field.name))
            if progress:
                progress.step()

    media = []
    missing = []
    progress = progress_factory("Media files", len(media_names)) if progress_factory else None
    for name in sorted(media_names):
        try:
            with default_storage.open(name, "rb") as source:
                digest = sha256_of(source)
            media.append((name, digest, default_storage.size(name)))
        except FileNotFoundError:
            missing.append(name)
        if progress:
            progress.step()
    if missing and warn:
        warn(f"{len(missing)} file(s) named in the database are missing from storage, e.g. {missing[0]}")

    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "portal_commit": portal_commit(),
        "created_at": timezone.now().isoformat(),
        "with_members": with_members,
        "models": [{"model": label, "file": name, "count": count} for name, label, count, _ in data_files],
        "media_missing": missing,
        "files": {
            **{name: hashlib.sha256(content).hexdigest() for name, _, _, content in data_files},
            **{f"media/{name}": digest for name, digest, _ in media},
        },
    }
    with writing(path, mtime=int(time.time())) as writer:
        writer.add_bytes(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        for name, _, _, content in data_files:
            writer.add_bytes(name, content)
        progress = progress_factory("Writing archive", len(media)) if progress_factory else None
        for name, _, size in media:
            with default_storage.open(name, "rb") as source:
                writer.add_file(f"media/{name}", source, size)
            if progress:
                progress.step()
    manifest["size"] = Path(path).stat().st_size
    return manifest


def keep_comment_organisations(rows, organisation_of_user):
    """Without its author, a comment still says where it came from, as after the author deletes their account."""
    authors = dict(apps.get_model("comments.Comment")._base_manager.values_list("pk", "author_id"))
    for row in rows:
        values = row["fields"]
        if not values["author_organisation_name"]:
            values["author_organisation_name"] = organisation_of_user.get(authors[row["pk"]], "")
