"""Controlled vocabularies every knowledge page is tagged with.

``Setting`` and ``SafetyDomain`` are small, fixed lists seeded by a data
migration. Editors may refine their wording; their slugs appear in web
addresses and filters, so change a slug only with a redirect in place.
"""

from django.db import models
from django.urls import reverse
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Vocabulary(index.Indexed, models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="The name people see on pages and filters.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Used in web addresses such as /settings/care-homes/. Lower-case letters, numbers and hyphens.",
    )
    description = models.TextField(blank=True, help_text="One or two sentences shown at the top of its browse page.")
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Setting(Vocabulary):
    """A care setting: care homes, general practice, acute hospital, ..."""

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta(Vocabulary.Meta):
        verbose_name = "care setting"

    def get_absolute_url(self):
        return reverse("taxonomy:setting", args=[self.slug])


class SafetyDomain(Vocabulary):
    """One of the five dimensions of the Measuring and Monitoring of Safety framework."""

    guiding_question = models.CharField(
        max_length=200, help_text="The question this domain asks, for example 'Is care safe today?'"
    )
    example_measures = models.TextField(
        blank=True, help_text="A short list of the kinds of measure that belong in this domain."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("guiding_question"),
        FieldPanel("description"),
        FieldPanel("example_measures"),
        FieldPanel("sort_order"),
    ]

    class Meta(Vocabulary.Meta):
        verbose_name = "safety domain"

    def get_absolute_url(self):
        return reverse("taxonomy:domain", args=[self.slug])


class Organisation(index.Indexed, models.Model):
    """A care home, practice, trust or service that writes, hosts or visits."""

    name = models.CharField(max_length=200, unique=True, help_text="The organisation's full name.")
    setting = models.ForeignKey(
        Setting,
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text="The care setting this organisation mainly works in.",
    )
    locality = models.CharField(max_length=100, blank=True, help_text="The area of the city, for example 'Eccles'.")
    website = models.URLField(blank=True, help_text="The organisation's own website, if it has one.")

    panels = [FieldPanel("name"), FieldPanel("setting"), FieldPanel("locality"), FieldPanel("website")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("locality")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
