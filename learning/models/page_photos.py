"""The photos a learning note or peer-visit report may carry, each with alt text."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable


class PagePhoto(Orderable):
    """A photo on a learning note or peer-visit report, always with alt text."""

    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The photo. People in it must have agreed to it being shared.",
    )
    alt_text = models.CharField(
        max_length=200,
        help_text="What the photo shows, for people who cannot see it, such as 'Drinks trolley with coloured cups'.",
    )
    caption = models.CharField(max_length=255, blank=True, help_text="An optional line shown under the photo.")

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        abstract = True
