import wagtail_factories

from .models import StandardPage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = "About the programme"
    slug = "about"
    intro = "Who we are and how we work."

    class Meta:
        model = StandardPage
        django_get_or_create = ("slug", "parent")
