"""Controlled vocabularies every knowledge page is tagged with.

``Setting`` and ``SafetyDomain`` are small, fixed lists seeded by a data
migration. Editors may refine their wording; their slugs appear in web
addresses and filters, so change a slug only with a redirect in place.
"""

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
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


def unique_slug(model, text, pk=None, max_length=200):
    """A slug made from ``text`` that no other ``model`` row has: 'kersal-brook', then 'kersal-brook-2'."""
    base = slugify(text)[: max_length - 6].strip("-") or "item"
    others = model._default_manager.exclude(pk=pk) if pk else model._default_manager.all()
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


class OrganisationQuerySet(models.QuerySet):
    def in_setting(self, setting):
        return self.filter(setting=setting)


class Organisation(index.Indexed, models.Model):
    """A care home, practice, trust or service that writes, hosts or visits."""

    name = models.CharField(max_length=200, unique=True, help_text="The organisation's full name.")
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="Its web address: /organisations/<slug>/. Made from the name when left empty.",
    )
    setting = models.ForeignKey(
        Setting,
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text="The care setting this organisation mainly works in.",
    )
    locality = models.CharField(max_length=100, blank=True, help_text="The area of the city, for example 'Eccles'.")
    website = models.URLField(blank=True, help_text="The organisation's own website, if it has one.")

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("setting"),
        FieldPanel("locality"),
        FieldPanel("website"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("locality")]

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Organisation, self.name, self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("organisations:detail", args=[self.slug])
