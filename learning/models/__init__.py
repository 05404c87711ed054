"""Learning notes, peer-visit reports and what members post from the public site.

``notes`` holds learning notes, ``peer_visits`` peer-visit reports (both may
carry photos, ``page_photos``), and ``posting`` what tracks a member's posts
and photos. Import models from ``learning.models``, as Django and the
migrations know them.
"""

from .notes import LearningIndexPage, LearningNotePage, LearningNotePagePhoto, LearningNotePageTag
from .page_photos import PagePhoto
from .peer_visits import PeerVisitIndexPage, PeerVisitReportPage, PeerVisitReportPagePhoto, PeerVisitReportPageTag
from .posting import Contribution, ContributionQuerySet, HeldPhoto, RefusedPhoto, new_held_photo_key

__all__ = [
    "Contribution",
    "ContributionQuerySet",
    "HeldPhoto",
    "LearningIndexPage",
    "LearningNotePage",
    "LearningNotePagePhoto",
    "LearningNotePageTag",
    "PagePhoto",
    "PeerVisitIndexPage",
    "PeerVisitReportPage",
    "PeerVisitReportPagePhoto",
    "PeerVisitReportPageTag",
    "RefusedPhoto",
    "new_held_photo_key",
]
