"""Safety culture self-assessment: a framework of dimensions rated on five maturity levels,
assessment rounds for one organisation, anonymous answers, and the facilitated debrief.

Anonymity is a property of the tables, not of the views: nothing on the answering side
(``Invitation``, ``Response``, ``Answer``) has a user, an email address, an IP address or a
time finer than a date. See docs/culture.md for what is stored and why.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Max, Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from portal.core.access import is_moderator

#: No result, chart, comment or total ever rests on fewer answers than this, whatever a round asks.
ANONYMITY_FLOOR = 5


class Level(models.IntegerChoices):
    """The five maturity levels, from least to most mature."""

    PATHOLOGICAL = 1, "Pathological"
    REACTIVE = 2, "Reactive"
    BUREAUCRATIC = 3, "Bureaucratic"
    PROACTIVE = 4, "Proactive"
    GENERATIVE = 5, "Generative"


class Framework(models.Model):
    name = models.CharField(max_length=200, unique=True, help_text="For example 'Safety culture in primary care'.")
    description = models.TextField(blank=True, help_text="A sentence or two for facilitators about this framework.")

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Dimension(ClusterableModel):
    """One aspect of safety culture that people rate, with a description for each level."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="dimensions")
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are asked first.")
    name = models.CharField(max_length=200, help_text="For example 'Communication about safety'.")
    covers = models.TextField(help_text="What this dimension is about, in a sentence people can answer from.")

    panels = [
        FieldPanel("framework"),
        FieldPanel("name"),
        FieldPanel("covers"),
        FieldPanel("sort_order"),
        InlinePanel("levels", label="Level descriptions", min_num=5, max_num=5),
    ]

    class Meta:
        ordering = ["framework", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["framework", "name"], name="culture_dimension_unique_name")]

    def __str__(self):
        return self.name

    def level_rows(self):
        """``(value, label, description)`` for each of the five levels, lowest first."""
        texts = {item.level: item.text for item in self.levels.all()}
        return [(level.value, level.label, texts.get(level.value, "")) for level in Level]


class LevelDescription(Orderable):
    dimension = ParentalKey(Dimension, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(choices=Level.choices, help_text="Which of the five maturity levels.")
    text = models.TextField(help_text="What a team at this level looks like for this dimension, in plain words.")

    panels = [FieldPanel("level"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["dimension", "level"], name="culture_level_once_per_dimension"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="culture_level_in_range"),
        ]

    def __str__(self):
        return f"{self.dimension}: {self.get_level_display()}"


class RoundQuerySet(models.QuerySet):
    def with_response_count(self):
        """``response_count``: how many answers have been *released* (see ``Round.release``).

        Answers sent but not yet released are never counted anywhere a person can see, so that
        a count cannot be compared either."""
        return self.annotate(response_count=Count("responses", filter=Q(responses__batch__isnull=False)))

    def visible_to(self, user):
        """Rounds whose results a person may see: the programme team sees all, a facilitator their own."""
        if is_moderator(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(facilitator=user)


class Round(models.Model):
    """One organisation's assessment: open for answers between two dates, then debriefed."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds")
    organisation = models.ForeignKey(
        "taxonomy.Organisation",
        on_delete=models.PROTECT,
        related_name="culture_rounds",
        help_text="The practice, care home or team whose staff answer.",
    )
    title = models.CharField(max_length=200, help_text="For example 'Spring 2026'. Shown to the people answering.")
    opens_on = models.DateField(help_text="The first day people can answer.")
    closes_on = models.DateField(help_text="The last day people can answer.")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilitated_culture_rounds",
        help_text="The person who runs the debrief. They see the results, never anyone's own answers.",
    )
    min_responses = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Results stay hidden until this many people have answered, and later answers are added to "
        "the results in groups of this size. Leave empty for the usual number (5); it is never fewer than 5.",
    )
    debrief_complete = models.BooleanField(
        default=False,
        help_text="Set by the facilitator once the team has agreed its levels and actions; "
        "members of the organisation can then see the printable summary.",
    )

    objects = RoundQuerySet.as_manager()

    panels = [
        FieldPanel("framework"),
        FieldPanel("organisation"),
        FieldPanel("title"),
        FieldPanel("opens_on"),
        FieldPanel("closes_on"),
        FieldPanel("facilitator"),
        FieldPanel("min_responses"),
        FieldPanel("debrief_complete"),
    ]

    class Meta:
        ordering = ["-opens_on", "organisation__name"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="culture_round_dates")
        ]

    def __str__(self):
        return f"{self.organisation}: {self.title}"

    @property
    def threshold(self):
        """How many new answers make a batch: the round's own number or the setting, never below the floor."""
        return max(self.min_responses or settings.CULTURE_MIN_RESPONSES, ANONYMITY_FLOOR)

    def facilitator_name(self):
        from .admin_forms import person_label

        return person_label(self.facilitator) if self.facilitator else "Not named yet"

    facilitator_name.short_description = "Facilitator"

    def is_closed(self, today=None):
        return (today or timezone.localdate()) > self.closes_on

    def release(self):
        """Add waiting answers to the results, as one batch, if there are enough of them.

        Call inside a transaction. Sent answers wait, unseen and uncounted, until ``threshold`` of
        them are waiting; then they all join the results together as the next batch. Once the
        round has closed, a last batch of at least ``ANONYMITY_FLOOR`` is released too (only
        after a first batch; a round that never reached its threshold shows nothing). Anything
        smaller is never shown. So every change to what anyone can see adds at least 5 answers:
        comparing the results before and after never isolates one person. Returns the number of
        answers released.
        """
        locked = Round.objects.select_for_update().get(pk=self.pk)
        waiting = locked.responses.filter(submitted=True, batch__isnull=True)
        count = waiting.count()
        last = locked.responses.aggregate(last=Max("batch"))["last"] or 0
        ready = count >= locked.threshold or (locked.is_closed() and last and count >= ANONYMITY_FLOOR)
        if not ready:
            return 0
        return waiting.update(batch=last + 1)

    def is_open(self, today=None):
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on

    def released_count(self):
        if hasattr(self, "response_count"):
            return self.response_count
        return self.responses.filter(batch__isnull=False).count()

    def create_links(self, number):
        """``number`` new single-use private links; the raw tokens are returned once and never stored."""
        tokens = [secrets.token_urlsafe(18) for _ in range(number)]
        Invitation.objects.bulk_create(
            [Invitation(round=self, token_hash=hash_token(t), kind=Invitation.Kind.LINK) for t in tokens]
        )
        return tokens

    def member_token(self, user):
        """A member's private key for this round, worked out again on each visit and never stored.

        HMAC-SHA256 of the user's id, keyed with SECRET_KEY and this round's id: the same member
        always gets the same key (so a draft can be resumed), and only its SHA-256 hash is kept.
        """
        key = f"{settings.SECRET_KEY}:culture-round:{self.pk}".encode()
        return hmac.new(key, str(user.pk).encode(), hashlib.sha256).hexdigest()


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use key to answer a round: a private link's token or a member's key, stored only as a hash."""

    class Kind(models.TextChoices):
        LINK = "link", "Private link"
        MEMBER = "member", "Signed-in member"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.LINK)
    used = models.BooleanField(default=False, help_text="True once answers have been sent with it.")

    def __str__(self):
        return f"{self.get_kind_display()} for {self.round}"


class Response(models.Model):
    """One person's answers to one round. No user, email, IP address or time is kept here."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    submitted = models.BooleanField(default=False)
    batch = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Which released batch of at least 5 answers this response joined the results in; "
        "empty while it waits for enough others.",
    )
    resume_key_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the random key kept in the cookie of the browser that saved this draft "
        "through a private link: only that browser is shown the saved answers.",
    )

    def __str__(self):
        return f"A response to {self.round}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="answers")
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "dimension"], name="culture_answer_once_per_dimension"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5), name="culture_answer_level_in_range"
            ),
        ]

    def __str__(self):
        return f"An answer about {self.dimension}"


class DebriefItem(models.Model):
    """What the team agreed about one dimension at the debrief."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="debrief_items")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="+")
    agreed_level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    notes = models.TextField(blank=True, max_length=4000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "dimension"], name="culture_debrief_once")]

    def __str__(self):
        return f"Debrief of {self.dimension}"


class Action(models.Model):
    """Something the team agreed to do, with an owner and a due date."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="actions")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="+")
    what = models.CharField(max_length=300)
    owner = models.CharField(max_length=120, help_text="A name or a role, as the team agreed it.")
    due_on = models.DateField()
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.what
