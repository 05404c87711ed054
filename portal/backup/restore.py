"""Load a verified archive into an empty database, all or nothing.

"Empty" means migrated and nothing more: no accounts, no pages beyond the
root and the home page the migrations make, and no rows in any archived model
that the migrations do not seed. The seeded rows (home page, default site,
care settings, safety domains, groups, the Community submissions workflow,
header and footer) are replaced by the archive's own, which keep their
primary keys so every reference in the archive lines up.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import connection, transaction
from wagtail.models import Page
from wagtail.search.backends import get_search_backends
from wagtail.search.index import get_indexed_models

from . import registry


class RestoreRefused(Exception):
    """The database or the archive does not allow a restore; nothing was changed."""


def what_is_in_the_way():
    """Why this database is not empty enough to restore into, or an empty list."""
    problems = []
    users = get_user_model()._base_manager.count()
    if users:
        problems.append(f"{users} user account(s)")
    pages = Page._base_manager.count()
    if pages > 2:
        problems.append(f"{pages} pages (a new site has 2)")
    for model in registry.site_models() + registry.member_models():
        if registry.label(model) in registry.SEEDED or issubclass(model, (Page, get_user_model())):
            continue
        count = model._base_manager.count()
        if count:
            problems.append(f"{count} {model._meta.verbose_name_plural}")
    return problems


class Loader:
    """Turns the archive's rows back into unsaved objects, checking everything that can be checked first."""

    def __init__(self, archive):
        self.archive = archive
        self.content_types = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.all()}
        self.permissions = {
            (p.codename, p.content_type.app_label, p.content_type.model): p.pk
            for p in Permission.objects.select_related("content_type")
        }
        self.batches = []
        for entry in archive.manifest["models"]:
            try:
                model = apps.get_model(entry["model"])
            except LookupError as exc:
                raise RestoreRefused(f"the archive holds {entry['model']}, which this portal does not have") from exc
            rows = archive.data[entry["file"]]
            self.batches.append((model, self.objects(model, rows, entry["file"])))

    def objects(self, model, rows, file_name):
        relations = [
            f for f in model._meta.local_fields if f.remote_field and f.related_model in (ContentType, Permission)
        ]
        for row in rows:
            values = row["fields"]
            for field in relations:
                if values.get(field.name) is not None:
                    values[field.name] = self.local_id(field.related_model, values[field.name])
        try:
            return list(serializers.deserialize("python", rows))
        except DeserializationError as exc:
            raise RestoreRefused(f"{file_name} could not be read: {exc}") from exc

    def local_id(self, related_model, natural):
        table = self.content_types if related_model is ContentType else self.permissions
        try:
            return table[tuple(natural)]
        except (KeyError, TypeError) as exc:
            raise RestoreRefused(
                f"the archive names {'.'.join(map(str, natural))}, which this portal does not have"
            ) from exc

    @property
    def models(self):
        return [model for model, _ in self.batches]


def replaced_models():
    """Every model whose rows are replaced: the archived ones, their link tables, and the rebuilt ones."""
    models = []
    for model in registry.site_models() + registry.member_models():
        models.append(model)
        models.extend(registry.through_models(model))
    return models + registry.rebuilt_models()


def clear_site():
    """Delete every row the restore replaces; foreign keys are checked at the end of the transaction."""
    with connection.cursor() as cursor:
        for model in reversed(replaced_models()):
            if model._meta.managed and not model._meta.proxy:
                # The table name comes from the model, never from input.
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


def restore(archive, progress_factory=None):
    """Load ``archive`` (a ``VerifiedArchive``) into this database. Raises ``RestoreRefused``."""
    problems = what_is_in_the_way()
    if problems:
        raise RestoreRefused(
            "the database is not empty ("
            + ", ".join(problems[:4] + ([f"and {len(problems) - 4} more"] if len(problems) > 4 else []))
            + "); restore into a newly migrated database"
        )
    loader = Loader(archive)
    total = sum(len(objects) for _, objects in loader.batches)
    media = [name[len("media/") :] for name in archive.manifest["files"] if name.startswith("media/")]
    with transaction.atomic():
        clear_site()
        progress = progress_factory("Rows", total) if progress_factory else None
        for _, objects in loader.batches:
            for obj in objects:
                obj.save(force_insert=True)
                if progress:
                    progress.step()
        reset_sequences(loader.models)
        connection.check_constraints(table_names=[m._meta.db_table for m in loader.models])
        progress = progress_factory("Media files", len(media)) if progress_factory else None
        for name in media:
            put_file(name, archive.media_path(f"media/{name}"))
            if progress:
                progress.step()
    return total, len(media)


def reset_sequences(models):
    """Rows came in with their ids; on PostgreSQL the next new row must not reuse one."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def put_file(name, source_path):
    """Store the file under exactly its old name, replacing a stale file of that name left in storage."""
    if default_storage.exists(name):
        default_storage.delete(name)
    with open(source_path, "rb") as source:
        saved = default_storage.save(name, source)
    if saved != name:
        raise RestoreRefused(f"storage saved media file {name} as {saved}")


def rebuild_indexes(progress_factory=None, stdout=None):
    """The search index and Wagtail's reference index, from the restored rows."""
    from django.core.management import call_command

    backends = list(get_search_backends(with_auto_update=False))
    for model in get_indexed_models():
        objects = list(model.get_indexed_objects().order_by("pk"))
        if not objects:
            continue
        progress = progress_factory(f"Index {model._meta.verbose_name_plural}", len(objects))
        for start in range(0, len(objects), 200):
            chunk = objects[start : start + 200]
            for backend in backends:
                backend.add_bulk(model, chunk)
            for _ in chunk:
                progress.step()
    call_command("rebuild_references_index", verbosity=0, stdout=stdout)
