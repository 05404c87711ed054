"""The admin's page form, with a slug clash that says which page is in the way.

Wagtail autosaves a new page as a draft while it is being written. If the
editor then gives up on that screen (for example after "Publish" was refused
for an empty body) and starts the page again with the same title, Wagtail's
own message is only "The slug '...' is already in use within the parent
page", on the Promote tab, about a draft they never knowingly saved. This
form names the page that holds the address, says whether it is a draft, and
links to it beside the slug; the banner at the top of the form says the same
in one plain sentence (Wagtail shows the banner's errors as text).
"""

from django.forms import BoundField
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page


class SlugBoundField(BoundField):
    """The slug field, showing the clash (with its link) beside it as well as any error of its own."""

    @property
    def errors(self):
        return self.form.error_class(list(super().errors) + self.form.slug_clash, renderer=self.form.renderer)


class PortalPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slug_clash = []
        if "slug" in self.fields:
            self.fields["slug"].get_bound_field = lambda form, name: SlugBoundField(form, self.fields["slug"], name)

    def clean(self):
        # Wagtail's clean drops the slug from cleaned_data when it clashes; read it first.
        slug = self.cleaned_data.get("slug")
        cleaned_data = super().clean()
        if slug and "slug" in self.errors and self.parent_page is not None:
            holder = self.page_holding(slug)
            if holder is not None:
                # The link goes beside the slug. The banner at the top of the editor lists the
                # form's errors as text (Wagtail escapes them), so it gets one plain sentence.
                del self.errors["slug"]
                self.slug_clash = [self.clash_message(holder)]
                self.add_error(None, self.banner_message(holder))
        return cleaned_data

    def page_holding(self, slug):
        siblings = Page.objects.child_of(self.parent_page).filter(slug=slug)
        if self.instance.pk:
            siblings = siblings.exclude(pk=self.instance.pk)
        return siblings.first()

    @staticmethod
    def saved(holder, pattern):
        if not holder.latest_revision_created_at:
            return ""
        return timezone.localtime(holder.latest_revision_created_at).strftime(pattern)

    def banner_message(self, holder):
        if holder.live:
            return (
                f"This address is already used by the page ‘{holder.title}’. "
                "Open it from the Slug field's message (Promote tab) or the page explorer, "
                "or change the title or the slug of this one."
            )
        saved = self.saved(holder, " (saved %-d %B at %H:%M)")
        return (
            f"This address is already used by the draft ‘{holder.draft_title}’{saved}. "
            "Open it from the Slug field's message (Promote tab) or the page explorer, "
            "or change the title or the slug of this one."
        )

    def clash_message(self, holder):
        edit_url = reverse("wagtailadmin_pages:edit", args=[holder.pk])
        if holder.live:
            return format_html(
                "The page ‘{}’ already uses the address ‘{}’ here. "
                '<a href="{}">Open that page</a>, or change the title or the slug of this one.',
                holder.title,
                holder.slug,
                edit_url,
            )
        saved = self.saved(holder, " on %-d %B %Y at %H:%M")
        return format_html(
            "A draft, ‘{}’, already uses the address ‘{}’ here: it was saved{} (the admin saves drafts "
            "automatically while you write, so it may be this page from an earlier try). "
            '<a href="{}">Carry on with that draft</a>, or change the title or the slug of this one.',
            holder.draft_title,
            holder.slug,
            saved,
            edit_url,
        )
