import factory
import wagtail_factories
from wagtail.rich_text import RichText

from portal.core.factories import KnowledgePageFactory

from .models import UpdateIndexPage, UpdatePage


class UpdateIndexPageFactory(wagtail_factories.PageFactory):
    title = "Updates"
    slug = "updates"
    intro = "News from the programme."

    class Meta:
        model = UpdateIndexPage
        django_get_or_create = ("slug", "parent")


class UpdatePageFactory(KnowledgePageFactory):
    body = factory.LazyAttribute(lambda o: [("paragraph", RichText(f"<p>{o.summary}</p>"))])

    class Meta:
        model = UpdatePage
