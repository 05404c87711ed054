"""A small site with something in every archived model, and a fingerprint of the whole database.

The fingerprint is written here, independently of the exporter: each table's
rows straight from the ORM, sorted by primary key, with content types and
permissions named (their ids belong to one database), as canonical JSON and a
SHA-256 per table; and the SHA-256 of every stored image and document file.
No column is left out: after a restore every value must be the same.
"""

import datetime
import hashlib
import io
import json

import pytest
import wagtail_factories
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Site

from casestudies.factories import CaseStudyPageFactory
from learning.factories import ContributionFactory, LearningNotePageFactory, PeerVisitReportPageFactory
from learning.models import LearningNotePagePhoto
from portal.backup import registry
from portal.backup.restore import clear_site
from portal.comments.factories import CommentFactory, CommentReportFactory
from portal.core.factories import restrict_to_members
from portal.home.factories import StandardPageFactory
from portal.members.factories import MemberFactory, ModeratorFactory
from portal.roadmap.factories import (
    ChangeIdeaFactory,
    DriverFactory,
    MeasureFactory,
    MilestoneFactory,
    RoadmapPageFactory,
    SecondaryDriverFactory,
    WorkstreamFactory,
)
from portal.taxonomy.factories import OrganisationFactory
from portal.updates.factories import UpdatePageFactory
from search.models import ZeroResultSearch


def _named(model, value, names):
    return names[model].get(value, value)


def table_rows(model, names):
    relations = {
        f.attname: f.related_model
        for f in model._meta.local_fields
        if f.remote_field and f.related_model in (ContentType, Permission)
    }
    rows = []
    for row in model._base_manager.order_by("pk").values(*[f.attname for f in model._meta.local_fields]):
        rows.append(
            {key: _named(relations[key], value, names) if key in relations else value for key, value in row.items()}
        )
    return rows


def fingerprint():
    """{table: sha256 of its canonical rows} for every archived table, and {file name: sha256}."""
    names = {
        ContentType: {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()},
        Permission: {
            p.pk: f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")
        },
    }
    tables = {}
    for model in registry.archived_models(with_members=True):
        for each in [model, *registry.through_models(model)]:
            canonical = json.dumps(table_rows(each, names), sort_keys=True, default=str)
            tables[each._meta.label] = (len(table_rows(each, names)), hashlib.sha256(canonical.encode()).hexdigest())
    files = {}
    for model in (Image, Document):
        for item in model.objects.all():
            with default_storage.open(item.file.name, "rb") as f:
                files[item.file.name] = hashlib.sha256(f.read()).hexdigest()
    return tables, files


def back_to_a_new_site(seed_archive):
    """Empty every archived table, then load the rows a newly migrated database has (from ``seed_archive``)."""
    clear_site()
    call_command("import_site", str(seed_archive), stdout=io.StringIO())


@pytest.fixture
def seed_archive(db, tmp_path):
    """The newly migrated test database, exported before anything is added."""
    path = tmp_path / "seed.tar.gz"
    call_command("export_site", str(path), "--with-members", stdout=io.StringIO())
    return path


@pytest.fixture
def full_site(seed_archive, home, case_study_index, learning_index, peer_visit_index, update_index, navigation):
    """Every kind of content, with history: what a year of the programme leaves behind."""
    moderator = ModeratorFactory(first_name="Priya", last_name="Raman")
    member = MemberFactory(
        user__first_name="Grace", user__last_name="Okafor", organisation__name="Kersal Brook Care Home"
    )
    reporter = MemberFactory(organisation__name="Irlam Community Pharmacy")
    member.member_profile.followed_settings.set([1, 2])
    organisations = [OrganisationFactory(name=name) for name in ("Weaste Medical Practice", "Ordsall Lodge")]

    photo = wagtail_factories.ImageFactory(title="Drinks trolley")
    hero = wagtail_factories.ImageFactory(title="Falls huddle board")
    wagtail_factories.DocumentFactory(title="Hydration checklist")

    case_study = CaseStudyPageFactory(
        parent=case_study_index,
        title="Night-time falls fell after a huddle at handover",
        hero_image=hero,
        hero_image_alt="A whiteboard listing residents at risk of falling",
        organisation=organisations[0],
        tags=["falls", "handover"],
        settings=["care-homes"],
        safety_domains=["past-harm", "reliability"],
    )
    for n in range(3):
        case_study.summary = f"Draft {n} of the summary."
        case_study.save_revision(user=moderator).publish()
    note = LearningNotePageFactory(parent=learning_index, title="Coloured cups helped residents drink more")
    LearningNotePagePhoto.objects.create(page=note, image=photo, alt_text="A trolley of coloured cups")
    note.save_revision(user=member).publish()
    member_only = LearningNotePageFactory(parent=learning_index, title="What our medicines audit found")
    restrict_to_members(member_only)
    visit = PeerVisitReportPageFactory(
        parent=peer_visit_index, title="A visit to Ordsall Lodge", visiting_organisations=organisations
    )
    visit.save_revision(user=moderator).publish()
    UpdatePageFactory(parent=update_index, title="Dashboard launch")
    StandardPageFactory(parent=home, title="About the programme")
    ContributionFactory(author=member, page__title="Drafting a note on bed rails")

    comment = CommentFactory(page=note, author=member, body="We tried this too & it worked <really>.")
    hidden = CommentFactory(page=case_study, author=reporter, body="Names a resident.")
    hidden.hide(by=moderator, reason="Names a resident")
    CommentReportFactory(comment=hidden, reporter=member)
    CommentFactory(
        page=note,
        author=reporter,
        body="A second thought.",
        created_at=comment.created_at + datetime.timedelta(seconds=1),
    )

    workstream = WorkstreamFactory(
        title="Safer care homes", lead_organisation=organisations[1], settings=["care-homes"]
    )
    primary = DriverFactory(title="Reliable basic care")
    secondary = SecondaryDriverFactory(title="Hydration", parent=primary)
    ChangeIdeaFactory(title="Coloured cups", driver=secondary, workstreams=[workstream], evidence=[note])
    MilestoneFactory(
        title="Every home has a hydration lead",
        workstream=workstream,
        status_history=[("2024-01-10", "on-track"), ("2024-06-01", "done")],
    )
    MeasureFactory(name="Falls per 1,000 bed days", data_points=14, annotations=[("2023-06-01", "Huddles began")])
    RoadmapPageFactory(parent=home, title="Roadmap")
    ZeroResultSearch.objects.create(query_string="bed rails", date=datetime.date(2026, 11, 2), hits=3)
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Safety Learning Portal"
    site.save()
    return {"member": member, "note": note, "case_study": case_study}
