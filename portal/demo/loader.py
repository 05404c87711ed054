"""Build the demo site from the TOML files in ``content/``.

Pages are made with the same factories the tests use. Every step looks up
what already exists (by slug, name or username) first, so running it again
changes nothing and duplicates nothing.
"""

import datetime
import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.html import escape
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail.rich_text import RichText
from wagtail.search import index
from wagtailnhsukfrontend.settings.models import FooterSettings, HeaderSettings

from casestudies.factories import CaseStudyIndexPageFactory, CaseStudyPageFactory
from casestudies.models import CaseStudyPage
from learning.factories import (
    LearningIndexPageFactory,
    LearningNotePageFactory,
    PeerVisitIndexPageFactory,
    PeerVisitReportPageFactory,
)
from learning.models import LearningNotePage, PeerVisitReportPage
from portal.core.access import MEMBERS_GROUP
from portal.core.models import KnowledgePage, PortalSettings
from portal.core.progress import Progress
from portal.home.factories import StandardPageFactory
from portal.home.models import HomePage
from portal.improvement.models import ChangeIdeaStatus
from portal.members.models import MemberProfile
from portal.roadmap.factories import (
    ChangeIdeaFactory,
    DriverFactory,
    MeasureFactory,
    MilestoneFactory,
    RoadmapPageFactory,
    WorkstreamFactory,
)
from portal.roadmap.models import ChangeIdea, Driver, Measure, Milestone, Workstream
from portal.taxonomy.models import Organisation, SafetyDomain, Setting
from portal.updates.factories import UpdateIndexPageFactory, UpdatePageFactory
from portal.updates.models import UpdatePage

from .culture import load_culture
from .images import illustration_png
from .local_measures import load_local_measures
from .members import confirmed_by_programme_team
from .series import monthly_series

CONTENT_DIR = Path(__file__).parent / "content"

# Demo logins exist only where settings.PORTAL_DEMO_ACCOUNTS is true (dev).
# Everyone signs in with their email address, on the one sign-in page that the
# public site and the Wagtail admin share.
DEMO_ACCOUNTS = [
    # username, email, password, name, role, groups, superuser
    ("admin", "admin@example.org", "demo-admin-pass", "Ada Whitworth", "Administrator (everything)", [], True),
    (
        "editor",
        "editor@example.org",
        "demo-editor-pass",
        "Ravi Chandran",
        "Programme team editor and moderator",
        ["Moderators"],
        False,
    ),
    (
        "carehome",
        "carehome@example.org",
        "demo-carehome-pass",
        "Grace Okafor",
        "Care home manager (approved member)",
        [],
        False,
    ),
    (
        "newstarter",
        "newstarter@example.org",
        "demo-newstarter-pass",
        "Tomasz Nowak",
        "Deputy manager waiting for approval",
        [],
        False,
    ),
]

# The programme team must use two-factor authentication, so the demo's staff
# accounts come with an authenticator already set up from these known (and so
# not secret) keys: `python manage.py demo_totp admin` prints the current code,
# and the browser tests compute it the same way. Development only, like the
# accounts themselves.
DEMO_TOTP_SECRETS = {
    "admin": "DEMOADMNQ2FACTRKEYSAFETYLEARNING",
    "editor": "DEMOEDTRQ2FACTRKEYSAFETYLEARNING",
}

# The member profiles behind the demo's community accounts.
DEMO_MEMBERS = {
    "carehome": {
        "status": "approved",
        "organisation": "kersal-brook-care-home",
        "role": "Registered manager",
        "settings": ["care-homes"],
        "domains": ["past-harm", "reliability"],
        "wants_digest": True,
    },
    "newstarter": {
        "status": "pending",
        "requested_organisation": "Brookfield House Care Home",
        "role": "Deputy manager",
        "settings": ["care-homes"],
        "domains": [],
        "wants_digest": False,
    },
}


def paragraphs(text):
    return [p.strip() for p in text.strip().split("\n\n") if p.strip()]


def rich_text(text):
    """Plain paragraphs from the content files as escaped rich-text HTML."""
    return "".join(f"<p>{escape(' '.join(p.split()))}</p>" for p in paragraphs(text))


def plain(text):
    return "\n\n".join(" ".join(p.split()) for p in paragraphs(text))


@dataclass
class Counts:
    created: dict = field(default_factory=dict)

    def add(self, kind, was_created):
        self.created.setdefault(kind, [0, 0])[0 if was_created else 1] += 1


class DemoLoader:
    def __init__(self, stdout, content_dir=CONTENT_DIR):
        self.stdout = stdout
        self.content = {path.stem: tomllib.loads(path.read_text()) for path in sorted(content_dir.glob("*.toml"))}
        self.counts = Counts()

    def run(self):
        site = Site.objects.get(is_default_site=True)
        self.site_address(site)
        home = self.home(site)
        indexes = self.indexes(home)
        organisations = self.organisations()
        self.case_studies(indexes["case_studies"], organisations)
        self.learning_notes(indexes["learning"], organisations)
        self.peer_visits(indexes["peer_visits"], organisations)
        self.updates(indexes["updates"])
        self.roadmap(organisations)
        load_local_measures(
            self.content["local_measures"],
            organisations,
            self.counts,
            lambda label, total: Progress(self.stdout, label, total),
        )
        self.spread(organisations)
        self.standard_pages(home)
        self.navigation(site, indexes)
        self.search_index()
        accounts = self.accounts(organisations) if getattr(django_settings, "PORTAL_DEMO_ACCOUNTS", False) else []
        # Safety culture rounds (issue #7): last, so the facilitator's login follows the others.
        facilitator = load_culture(
            self.content["culture"], organisations, self.counts, getattr(django_settings, "PORTAL_DEMO_ACCOUNTS", False)
        )
        return [*accounts, facilitator] if facilitator else accounts

    # Pages -----------------------------------------------------------------

    def home(self, site):
        text = self.content["site"]["site"]
        home = site.root_page.specific
        if not isinstance(home, HomePage):
            raise RuntimeError("The default site's root page is not a HomePage; run migrate on an empty database.")
        home.title = text["portal_name"]
        home.intro = plain(text["home_intro"])
        home.aim = text["aim_statement"]
        home.save_revision().publish()
        return home

    def indexes(self, home):
        roadmap_text = self.content["site"]["roadmap"]
        site_text = self.content["site"]["site"]
        roadmap = RoadmapPageFactory(
            parent=home,
            title=roadmap_text["title"],
            aim=site_text["aim_statement"],
            target_date=site_text["target_date"],
            intro=plain(roadmap_text["intro"]),
            body=[("paragraph", RichText(rich_text(roadmap_text["body"])))],
        )
        return {
            "case_studies": CaseStudyIndexPageFactory(parent=home),
            "learning": LearningIndexPageFactory(parent=home),
            "peer_visits": PeerVisitIndexPageFactory(parent=home),
            "updates": UpdateIndexPageFactory(parent=home),
            "roadmap": roadmap,
        }

    def organisations(self):
        settings_by_slug = {s.slug: s for s in Setting.objects.all()}
        found = {}
        rows = self.content["organisations"]["organisation"]
        progress = Progress(self.stdout, "Organisations", len(rows))
        for row in rows:
            organisation, created = Organisation.objects.get_or_create(
                name=row["name"],
                defaults={
                    "slug": row["slug"],
                    "setting": settings_by_slug[row["setting"]],
                    "locality": row.get("locality", ""),
                    "website": row.get("website", ""),
                },
            )
            found[row["slug"]] = organisation
            self.counts.add("organisations", created)
            progress.step()
        return found

    def _page(self, kind, model, factory, parent, row, **fields):
        """Create one knowledge page unless a page with its slug is already there."""
        if model.objects.child_of(parent).filter(slug=row["slug"]).exists():
            self.counts.add(kind, False)
            return None
        when = timezone.make_aware(datetime.datetime.combine(row.get("date") or row["visit_date"], datetime.time(9)))
        page = factory(
            parent=parent,
            slug=row["slug"],
            title=row["title"],
            summary=" ".join(row["summary"].split()),
            date=row.get("date") or row["visit_date"],
            settings=row["settings"],
            safety_domains=row["domains"],
            tags=row["tags"],
            first_published_at=when,
            last_published_at=when,
            **fields,
        )
        self.counts.add(kind, True)
        return page

    def _image(self, row):
        spec = row["image"]
        Image = get_image_model()
        title = f"Illustration: {row['title']}"[:255]
        image = Image.objects.filter(title=title).first()
        if image is None:
            data = illustration_png(spec["motif"], spec["colour"])
            image = Image(title=title, description=spec["alt"][:255])
            image.file = ImageFile(io.BytesIO(data), name=f"{row['slug']}.png")
            image.save()
        return image, spec["alt"]

    def case_studies(self, parent, organisations):
        rows = self.content["case_studies"]["case_study"]
        progress = Progress(self.stdout, "Case studies", len(rows))
        for row in rows:
            image, alt = self._image(row)
            self._page(
                "case studies",
                CaseStudyPage,
                CaseStudyPageFactory,
                parent,
                row,
                organisation=organisations.get(row.get("organisation")),
                contact_name=row.get("contact_name", ""),
                hero_image=image,
                hero_image_alt=alt,
                problem=rich_text(row["problem"]),
                what_was_done=rich_text(row["what_we_did"]),
                results=rich_text(row["results"]),
                result_figures=[("figures", row.get("results_figures", []))] if row.get("results_figures") else [],
                what_others_can_copy=rich_text(row["what_others_can_copy"]),
            )
            progress.step()

    def learning_notes(self, parent, organisations):
        rows = self.content["learning_notes"]["learning_note"]
        progress = Progress(self.stdout, "Learning notes", len(rows))
        for row in rows:
            self._page(
                "learning notes",
                LearningNotePage,
                LearningNotePageFactory,
                parent,
                row,
                author_name=row["author"],
                organisation=organisations.get(row.get("organisation")),
                what_we_tried=plain(row["what_we_tried"]),
                what_happened=plain(row["what_happened"]),
                what_we_learned=plain(row["what_we_learned"]),
                what_we_would_advise=plain(row["what_we_would_advise"]),
            )
            progress.step()

    def peer_visits(self, parent, organisations):
        rows = self.content["peer_visits"]["peer_visit"]
        progress = Progress(self.stdout, "Peer-visit reports", len(rows))
        for row in rows:
            self._page(
                "peer-visit reports",
                PeerVisitReportPage,
                PeerVisitReportPageFactory,
                parent,
                row,
                host_organisation=organisations[row["host"]],
                visiting_organisations=[organisations[slug] for slug in row["visitors"]],
                visitors=", ".join(row.get("visitor_names", [])),
                focus=" ".join(row["focus"].split()),
                what_works_well=plain(row["what_works_well"]),
                what_could_be_better=plain(row["what_could_be_better"]),
                ideas_to_take_home=plain(row["ideas_to_take_home"]),
                agreed_actions="\n".join(row.get("agreed_actions", [])),
            )
            progress.step()

    def updates(self, parent):
        rows = self.content["updates"]["update"]
        progress = Progress(self.stdout, "Updates", len(rows))
        for row in rows:
            self._page(
                "updates",
                UpdatePage,
                UpdatePageFactory,
                parent,
                row,
                body=[("paragraph", RichText(rich_text(row["body"])))],
            )
            progress.step()

    def standard_pages(self, home):
        for row in self.content["site"].get("standard_page", []):
            StandardPageFactory(
                parent=home,
                slug=row["slug"],
                title=row["title"],
                intro=" ".join(row.get("intro", "").split()),
                body=[("paragraph", RichText(rich_text(row["body"])))],
            )

    # Roadmap ---------------------------------------------------------------
    # Snippets, not pages: the driver diagram, workstreams, milestones and
    # measures. Each is matched by slug (or by title under its parent) so a
    # second run adds nothing; pages and updates are named by slug.

    def roadmap(self, organisations):
        text = self.content["roadmap"]
        workstreams = self.workstreams(text["workstream"], organisations)
        self.driver_diagram(text["primary_driver"], workstreams)
        self.milestones(text["milestone"], workstreams, organisations)
        self.measures(text["measure"], workstreams)

    def workstreams(self, rows, organisations):
        found = {}
        progress = Progress(self.stdout, "Workstreams", len(rows))
        for order, row in enumerate(rows):
            workstream = Workstream.objects.filter(slug=row["slug"]).first()
            created = workstream is None
            if created:
                workstream = WorkstreamFactory(
                    slug=row["slug"],
                    title=row["title"],
                    description=plain(row["description"]),
                    lead_organisation=organisations[row["lead"]],
                    settings=row["settings"],
                    safety_domains=row["domains"],
                    sort_order=order,
                )
            self.counts.add("workstreams", created)
            found[row["slug"]] = workstream
            progress.step()
        return found

    def driver_diagram(self, primaries, workstreams):
        secondaries = [secondary for primary in primaries for secondary in primary["secondary"]]
        ideas = [idea for secondary in secondaries for idea in secondary["change_idea"]]
        pages = self._pages_by_slug(slug for idea in ideas for slug in idea.get("evidence", []))
        progress = Progress(self.stdout, "Driver diagram", len(ideas))
        for order, row in enumerate(primaries):
            primary = self._driver(row, None, order)
            for secondary_order, secondary_row in enumerate(row["secondary"]):
                secondary = self._driver(secondary_row, primary, secondary_order)
                for idea_order, idea in enumerate(secondary_row["change_idea"]):
                    exists = ChangeIdea.objects.filter(driver=secondary, title=idea["title"]).exists()
                    if not exists:
                        ChangeIdeaFactory(
                            driver=secondary,
                            title=idea["title"],
                            description=idea["description"],
                            sort_order=idea_order,
                            workstreams=[workstreams[slug] for slug in idea["workstreams"]],
                            evidence=[pages[slug] for slug in idea.get("evidence", [])],
                        )
                    self.counts.add("change ideas", not exists)
                    progress.step()

    def spread(self, organisations):
        """Organisations at every status of the change ideas, each with its history (spread.toml).

        A step already there (same organisation, idea and status) is left alone, so loading
        again adds nothing; dates count back from the first load, so the charts are current.
        """
        rows = self.content["spread"]["status"]
        ideas = {idea.title: idea for idea in ChangeIdea.objects.all()}
        notes = {page.slug: page for page in LearningNotePage.objects.all()}
        progress = Progress(self.stdout, "Change idea statuses", sum(len(row["steps"]) for row in rows))
        today = timezone.localdate()
        for row in rows:
            organisation, idea = organisations[row["organisation"]], ideas[row["change_idea"]]
            for status, months_ago in row["steps"]:
                took_effect_on = today - datetime.timedelta(days=round(months_ago * 30.4))
                existing = ChangeIdeaStatus.objects.filter(organisation=organisation, change_idea=idea, status=status)
                created = not existing.exists()
                if created:
                    recorded = ChangeIdeaStatus.objects.create(
                        organisation=organisation,
                        change_idea=idea,
                        status=status,
                        took_effect_on=took_effect_on,
                        reason=row.get("reason", "") if status == ChangeIdeaStatus.Status.ABANDONED else "",
                        recorded_at=datetime.datetime.combine(took_effect_on, datetime.time(10), tzinfo=datetime.UTC),
                    )
                    recorded.learning_notes.set([notes[slug] for slug in row.get("notes", []) if slug in notes])
                self.counts.add("change idea statuses", created)
                progress.step()

    def _driver(self, row, parent, order):
        driver = Driver.objects.filter(parent=parent, title=row["title"]).first()
        created = driver is None
        if created:
            driver = DriverFactory(parent=parent, title=row["title"], description=row["description"], sort_order=order)
        self.counts.add("drivers", created)
        return driver

    def _pages_by_slug(self, slugs):
        slugs = set(slugs)
        pages = {page.slug: page for page in KnowledgePage.objects.filter(slug__in=slugs)}
        if missing := slugs - pages.keys():
            raise ValueError(f"roadmap.toml names pages that are not in the demo: {', '.join(sorted(missing))}")
        return pages

    def milestones(self, rows, workstreams, organisations):
        updates = {page.slug: page for page in UpdatePage.objects.all()}
        progress = Progress(self.stdout, "Milestones", len(rows))
        for row in rows:
            workstream = workstreams[row["workstream"]]
            exists = Milestone.objects.filter(workstream=workstream, title=row["title"]).exists()
            if not exists:
                MilestoneFactory(
                    workstream=workstream,
                    title=row["title"],
                    description=row["description"],
                    lead_organisation=organisations[row["lead"]] if "lead" in row else workstream.lead_organisation,
                    planned_date=row["planned_date"],
                    actual_date=row.get("actual_date"),
                    settings=row["settings"],
                    safety_domains=row["domains"],
                    status_history=[
                        {
                            "date": change["date"],
                            "status": change["status"],
                            "reason": change["reason"],
                            "update": updates[change["update"]] if "update" in change else None,
                        }
                        for change in row["changes"]
                    ],
                )
            self.counts.add("milestones", not exists)
            progress.step()

    def measures(self, rows, workstreams):
        progress = Progress(self.stdout, "Measures", len(rows))
        for row in rows:
            exists = Measure.objects.filter(slug=row["slug"]).exists()
            if not exists:
                MeasureFactory(
                    slug=row["slug"],
                    name=row["name"],
                    definition=plain(row["definition"]),
                    unit=row["unit"],
                    safety_domain=row["domain"],
                    settings=row["settings"],
                    direction=row["direction"],
                    chart_type=row["chart_type"],
                    baseline_points=row.get("baseline_points"),
                    workstream=workstreams.get(row.get("workstream")),
                    data_points=monthly_series(row["series"]),
                    annotations=[(note["date"], note["text"]) for note in row.get("annotations", [])],
                )
            self.counts.add("measures", not exists)
            progress.step()

    # Site furniture ----------------------------------------------------------

    def search_index(self):
        """Index every knowledge page again, now that its tags, settings and domains are saved.

        Wagtail indexes a page before its relations are saved (see
        ``search.signals``); pages left by an earlier load may lack them in the
        index, so every knowledge page is indexed, not only the new ones.
        """
        pages = KnowledgePage.objects.order_by("pk").specific()
        progress = Progress(self.stdout, "Search index", pages.count())
        for page in pages:
            index.insert_or_update_object(page)
            progress.step()

    def site_address(self, site):
        """The site's address is the portal's public one (``PORTAL_BASE_URL``), so the sitemap and the
        API's links name it, not Wagtail's placeholder ``http://localhost``."""
        address = urlsplit(django_settings.PORTAL_BASE_URL)
        port = address.port or (443 if address.scheme == "https" else 80)
        if (site.hostname, site.port) != (address.hostname, port):
            site.hostname, site.port = address.hostname, port
            site.save()

    def navigation(self, site, indexes):
        header = HeaderSettings.for_site(site)
        header.service_name = self.content["site"]["site"]["portal_name"]
        header.service_link = site.root_page
        header.logo_aria = "NHS"
        header.show_search = True
        header.navigation_links.all().delete()
        for label, key in [
            ("Case studies", "case_studies"),
            ("Learning notes", "learning"),
            ("Peer visits", "peer_visits"),
            ("Updates", "updates"),
            ("Roadmap", "roadmap"),
        ]:
            header.navigation_links.create(label=label, page=indexes[key])
        header.save()

        footer = FooterSettings.for_site(site)
        footer.footer_links.all().delete()
        for label, url in [
            ("About the programme", "/about/"),
            ("Roadmap and measures", "/roadmap/"),
            ("How to use this portal", "/help/"),
            ("Care settings", "/settings/"),
            ("Safety domains", "/domains/"),
            ("Accessibility statement", "/accessibility/"),
        ]:
            # Whole addresses: the design system's footer link is a URL field, which the admin's
            # form refuses a path for, so a footer saved with paths could not be saved again.
            footer.footer_links.create(link_label=label, link_url=django_settings.PORTAL_BASE_URL + url)
        footer.save()

        portal_settings = PortalSettings.for_site(site)
        portal_settings.programme_name = self.content["site"]["site"]["programme_name"]
        portal_settings.footer_note = "Demo content: every organisation and person named here is fictional."
        portal_settings.save()

    def accounts(self, organisations):
        """Demo logins with confirmed email addresses, so they can sign in to the
        public site as well as the admin, and the member profiles behind them."""
        User = get_user_model()
        made = []
        for username, email, password, name, role, groups, superuser in DEMO_ACCOUNTS:
            first, _, last = name.partition(" ")
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = email
            user.is_superuser = user.is_staff = superuser
            user.set_password(password)
            user.save()
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            profile = (
                self.member_profile(user, DEMO_MEMBERS[username], organisations) if username in DEMO_MEMBERS else None
            )
            if profile is not None and profile.is_approved:
                groups = [*groups, MEMBERS_GROUP]
            user.groups.set(Group.objects.filter(name__in=groups))
            if username in DEMO_TOTP_SECRETS:
                Authenticator.objects.update_or_create(
                    user=user,
                    type=Authenticator.Type.TOTP,
                    defaults={"data": {"secret": encrypt(DEMO_TOTP_SECRETS[username])}},
                )
            made.append((email, password, role))
        return made

    def member_profile(self, user, row, organisations):
        """The member's profile as the demo describes it, unless it is already there:
        a decision a moderator made while trying the demo is kept."""
        profile, created = MemberProfile.objects.get_or_create(
            user=user,
            defaults={
                "status": row["status"],
                "organisation": organisations.get(row.get("organisation")),
                "requested_organisation": row.get("requested_organisation", ""),
                "role": row["role"],
                "wants_digest": row["wants_digest"],
                **confirmed_by_programme_team(row["status"], organisations.get(row.get("organisation"))),
            },
        )
        if created:
            profile.followed_settings.set(Setting.objects.filter(slug__in=row["settings"]))
            profile.followed_domains.set(SafetyDomain.objects.filter(slug__in=row["domains"]))
        return profile
