"""Which models a site archive holds: the one place to list a new app's models.

Every concrete model in the project sits in exactly one of the four lists
below (``tests/backup/test_registry.py`` fails otherwise), so a new app cannot
be forgotten: add its models to ``SITE_MODELS`` (or ``MEMBER_MODELS`` when a
row cannot exist without a member's account), or to ``REBUILT`` / ``LEFT_OUT``
with the reason. Many-to-many tables that Django creates follow their model.
The knowledge page types come from ``portal.core.knowledge_types``; their
topic tags and photos are listed here.

Rows are restored in list order with their primary keys; foreign keys are
checked once everything is in, so the order only has to keep each page tree in
path order (parents before children).
"""

from django.apps import apps

from portal.core.knowledge_types import KNOWLEDGE_PAGE_TYPES

SITE_MODELS = [
    # Wagtail's structure: the locale, collections, groups and their permissions, pages.
    "wagtailcore.Locale",
    "wagtailcore.Collection",
    "auth.Group",
    "wagtailcore.Page",
    "home.HomePage",
    "home.StandardPage",
    "core.KnowledgePage",
    *(page_type.model_label for page_type in KNOWLEDGE_PAGE_TYPES),
    "updates.UpdateIndexPage",
    "learning.LearningIndexPage",
    "learning.PeerVisitIndexPage",
    "casestudies.CaseStudyIndexPage",
    "roadmap.RoadmapPage",
    "wagtailcore.Revision",
    "wagtailcore.Site",
    "wagtailcore.GroupPagePermission",
    "wagtailcore.GroupCollectionPermission",
    "wagtailcore.GroupSitePermission",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.CollectionViewRestriction",
    "wagtailcore.Workflow",
    "wagtailcore.Task",
    "wagtailcore.GroupApprovalTask",
    "wagtailcore.WorkflowTask",
    "wagtailcore.WorkflowPage",
    "wagtailcore.WorkflowContentType",
    "wagtailcore.WorkflowState",
    "wagtailcore.TaskState",
    "wagtailcore.PageLogEntry",
    "wagtailcore.ModelLogEntry",
    # Images and documents: the rows here, the original files under media/.
    "wagtailimages.Image",
    "wagtaildocs.Document",
    # Taxonomy and tags.
    "taxonomy.Setting",
    "taxonomy.SafetyDomain",
    "taxonomy.Organisation",
    "taggit.Tag",
    "taggit.TaggedItem",
    "updates.UpdatePageTag",
    "learning.LearningNotePageTag",
    "learning.PeerVisitReportPageTag",
    "casestudies.CaseStudyPageTag",
    "learning.LearningNotePagePhoto",
    "learning.PeerVisitReportPagePhoto",
    # The roadmap: workstreams, the driver diagram, milestones, measures and their data.
    "roadmap.Workstream",
    "roadmap.Driver",
    "roadmap.ChangeIdea",
    "roadmap.ChangeIdeaEvidence",
    "roadmap.Milestone",
    "roadmap.MilestoneStatusChange",
    "roadmap.Measure",
    "roadmap.DataPoint",
    "roadmap.MeasureAnnotation",
    # Change ideas each organisation is planning, testing, has adopted or abandoned, with their history.
    "improvement.ChangeIdeaStatus",
    # Local measures the programme defines, organisations' monthly figures and whether each shares them.
    "localmeasures.LocalMeasure",
    "localmeasures.LocalValue",
    "localmeasures.LocalSharing",
    # Comments; their authors only with --with-members.
    "comments.Comment",
    # Site settings, header and footer, redirects, promoted search results, search terms.
    "culture.Framework",
    "culture.Dimension",
    "culture.LevelDescription",
    "culture.Round",
    "culture.Invitation",
    "culture.Response",
    "culture.Answer",
    "culture.DebriefItem",
    "culture.Action",
    "core.PortalSettings",
    "wagtailnhsukfrontendsettings.HeaderSettings",
    "wagtailnhsukfrontendsettings.NavigationLink",
    "wagtailnhsukfrontendsettings.FooterSettings",
    "wagtailnhsukfrontendsettings.FooterLinks",
    "wagtailnhsukfrontendsettings.FooterSettingsColumns",
    "wagtailnhsukfrontendsettings.FooterColumnLinks",
    "wagtailredirects.Redirect",
    "wagtailsearchpromotions.Query",
    "wagtailsearchpromotions.QueryDailyHits",
    "wagtailsearchpromotions.SearchPromotion",
    "search.ZeroResultSearch",
]

# Rows the migrations create; a database holding only these counts as empty.
SEEDED = {
    "wagtailcore.Locale",
    "wagtailcore.Collection",
    "auth.Group",
    "wagtailcore.Site",
    "wagtailcore.GroupPagePermission",
    "wagtailcore.GroupCollectionPermission",
    "wagtailcore.GroupSitePermission",
    "wagtailcore.Workflow",
    "wagtailcore.Task",
    "wagtailcore.GroupApprovalTask",
    "wagtailcore.WorkflowTask",
    "wagtailcore.WorkflowPage",
    "wagtailcore.WorkflowContentType",
    "wagtailcore.Revision",
    "wagtailcore.PageLogEntry",
    "wagtailcore.ModelLogEntry",
    "taxonomy.Setting",
    "taxonomy.SafetyDomain",
    "culture.Framework",
    "culture.Dimension",
    "culture.LevelDescription",
    "core.PortalSettings",
    "wagtailnhsukfrontendsettings.HeaderSettings",
    "wagtailnhsukfrontendsettings.NavigationLink",
    "wagtailnhsukfrontendsettings.FooterSettings",
    "wagtailnhsukfrontendsettings.FooterLinks",
    "wagtailnhsukfrontendsettings.FooterSettingsColumns",
    "wagtailnhsukfrontendsettings.FooterColumnLinks",
}

# Only with ``export_site --with-members``: accounts and rows that cannot exist without one.
MEMBER_MODELS = [
    "auth.User",
    "account.EmailAddress",
    "members.MemberProfile",
    "members.NameRecord",
    "wagtailusers.UserProfile",
    "learning.Contribution",
    "comments.CommentReport",
    "wagtailcore.Comment",
    "wagtailcore.CommentReply",
    "wagtailcore.PageSubscription",
    "mfa.Authenticator",
]

# Emptied before a restore and built again from the restored rows afterwards.
REBUILT = {
    "wagtailsearch.IndexEntry": "the search index; rebuilt from the restored pages",
    "wagtailsearch.SQLiteFTSIndexEntry": "the search index (SQLite); rebuilt from the restored pages",
    "wagtailcore.ReferenceIndex": "where each object is used; rebuilt by Wagtail's rebuild_references_index",
    "wagtailimages.Rendition": "resized copies of images; made again on first view",
    "search.IndexOutbox": "Elasticsearch updates waiting to be sent; run search_rebuild after a restore",
    "search.PageFacet": "each page's settings, domains and topics for search's facet counts; the database's "
    "triggers copy them again as the restore writes those links",
}

# Never in an archive.
LEFT_OUT = {
    "contenttypes.ContentType": "made by migrate; the archive names content types by app and model",
    "auth.Permission": "made by migrate; the archive names permissions by codename",
    "sessions.Session": "sign-ins belong to one server",
    "admin.LogEntry": "Django's own admin is not used; the Wagtail history is kept",
    "account.EmailConfirmation": "confirmation links expire within days",
    "wagtailcore.APIToken": "credentials; issue new ones on the new server",
    "wagtailcore.UploadedFile": "half-finished uploads",
    "wagtailadmin.Admin": "holds no rows; it only carries the admin access permission",
    "wagtailadmin.EditingSession": "who has an editor open right now",
    "wagtailadmin.FormState": "unsaved admin form drafts of one browser",
    "wagtailembeds.Embed": "a cache of oEmbed answers; fetched again when a page is shown",
    "mail.OutboxEmail": "emails queued on this server, with members' addresses; run send_outbox before moving",
    "django_tasks_database.DBTaskResult": "background tasks queued on this server (emails, index and cache updates)",
    "learning.HeldPhoto": "photos kept for a day across a form's mistakes; a member chooses them again",
    "learning.RefusedPhoto": "a day's count of refused uploads for the posting limit",
    "search.SearchEngineStatus": "the last error this server saw from Elasticsearch",
}


def _models(labels):
    return [apps.get_model(label) for label in labels]


def site_models():
    return _models(SITE_MODELS)


def member_models():
    return _models(MEMBER_MODELS)


def rebuilt_models():
    """Wagtail defines its SQLite full-text table only when the database is SQLite."""
    return [apps.get_model(label) for label in REBUILT if _installed(label)]


def _installed(label):
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def archived_models(with_members):
    """The models in an archive, in restore order (member models right after the groups)."""
    if not with_members:
        return site_models()
    labels = list(SITE_MODELS)
    at = labels.index("auth.Group") + 1
    return _models(labels[:at] + MEMBER_MODELS + labels[at:])


def through_models(model):
    """The many-to-many tables Django made for ``model``'s own fields, saved as rows of their own."""
    return [
        field.remote_field.through
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]


def label(model):
    return model._meta.label
