"""The admin's page form, with a slug clash that says which page is in the way.

Wagtail autosaves a new page as a draft while it is being written. If the
editor then gives up on that screen (for example after "Publish" was refused
for an empty body) and starts the page again with the same title, Wagtail's
own message is only "The slug '...' is already in use within the parent
page", on the Promote tab, about a draft they never knowingly saved. This
form names the page that holds the address, says whether it is a draft, and
links to it, both beside the slug and at the top of the form.
"""

from django.urls import reverse
from django.utils.html import format_html
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page


class PortalPageForm(WagtailAdminPageForm):
    def clean(self):
        # Wagtail's clean drops the slug from cleaned_data when it clashes; read it first.
        slug = self.cleaned_data.get("slug")
        cleaned_data = super().clean()
        if slug and "slug" in self.errors and self.parent_page is not None:
            holder = self.page_holding(slug)
            if holder is not None:
                message = self.clash_message(holder)
                self.errors["slug"] = self.error_class([message])
                self.add_error(None, message)
        return cleaned_data

    def page_holding(self, slug):
        siblings = Page.objects.child_of(self.parent_page).filter(slug=slug)
        if self.instance.pk:
            siblings = siblings.exclude(pk=self.instance.pk)
        return siblings.first()

    def clash_message(self, holder):
        edit_url = reverse("wagtailadmin_pages:edit", args=[holder.pk])
        if holder.live:
            return format_html(
                "The page ‘{}’ already uses the address ‘{}’ here. "
                '<a href="{}">Open that page</a>, or change the title or the slug (Promote tab) of this one.',
                holder.title,
                holder.slug,
                edit_url,
            )
        return format_html(
            "A draft, ‘{}’, already uses the address ‘{}’ here: it was saved{} (the admin saves drafts "
            "automatically while you write, so it may be this page from an earlier try). "
            '<a href="{}">Carry on with that draft</a>, or change the title or the slug (Promote tab) of this one.',
            holder.draft_title,
            holder.slug,
            f" on {holder.latest_revision_created_at:%-d %B %Y at %H:%M}" if holder.latest_revision_created_at else "",
            edit_url,
        )
