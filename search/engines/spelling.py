"""Spelling suggestions from the words of the published knowledge pages.

The dictionary has two parts, both built from live, public knowledge pages
(so that a member-only page's words are never suggested to the public):

* candidates: the words of titles, summaries, topic tags, care settings,
  safety domains and the synonym list, each weighted by where it appears;
  the joined form of each two-word tag and synonym ("bed rails" gives
  "bedrails", which search finds either way). Only these, and the fallback
  below, are ever offered as corrections;
* fallback: each word of the body of two or more live, public pages (a word
  in one page's body may be that page's own typo), offered only for a word
  that no candidate above is close enough to;
* known words: every word of the indexed text of knowledge pages (drafts
  included; they are never shown, only spared from "correction"). A query
  word that is known is never "corrected", even if it appears only deep in
  one page's body.

Building it takes five small queries; it is kept in Django's cache until
content next changes (the content generation, ``portal.core.pagecache``) or
for ten minutes at most, and each process keeps the last one it read
(``get_dictionary``), so a search costs no extra queries for it most of the
time, and a page published now has its words suggested by the next search.

A query word is corrected to the candidate with the fewest edits (insertions,
deletions, substitutions, swaps of neighbours) among those of trigram
similarity 0.3 or more, the threshold of PostgreSQL's ``pg_trgm``. On
PostgreSQL the similarity is computed by ``pg_trgm``'s ``similarity()``
(enabled by migration ``search.0003``); elsewhere by the same formula in
Python, so both databases suggest the same words.
"""

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from wagtail.search.models import IndexEntry

from portal.core import pagecache
from portal.core.knowledge_types import tag_through_models
from portal.core.models import KnowledgePage
from portal.taxonomy.models import SafetyDomain, Setting
from search.vocabulary import STOP_WORDS, SYNONYMS, variants

SIMILARITY_THRESHOLD = 0.3
CACHE_KEY = "search:term-dictionary"
CACHE_SECONDS = 10 * 60
LETTERS = re.compile(r"[^\W\d_]{3,}")
BODY_WORD_PAGES = 2  # a word of page bodies is suggested once this many live, public pages have it
_kept = {}  # "dictionary": (content generation, kept until, TermDictionary), this process's last


def words_in(text):
    return LETTERS.findall((text or "").lower())


def trigrams(word):
    """The trigrams ``pg_trgm`` takes from one word: lower-cased, two spaces before, one after."""
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a, b):
    """``pg_trgm``'s similarity(): shared trigrams over all distinct trigrams of both words."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta | tb else 0.0


def edit_distance(a, b):
    """Optimal string alignment distance: a swap of two neighbouring letters counts as one edit."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


@dataclass
class TermDictionary:
    candidates: dict[str, int]  # word -> weight
    known: frozenset[str]
    fallback: dict[str, int] = field(default_factory=dict)  # body word -> how many pages have it

    def is_known(self, word):
        return any(form in self.known for form in variants(word))

    @cached_property
    def fallback_dictionary(self):
        """The body words as a dictionary of their own, with its own trigram index."""
        return TermDictionary(candidates=self.fallback, known=self.known)

    @cached_property
    def trigram_index(self):
        """{trigram: [(candidate, its number of trigrams)]}: the candidates sharing each trigram.

        Worked out once per process and dictionary, so that a correction
        looks only at candidates sharing a trigram with the word (none other
        can reach the threshold), rather than at every candidate.
        """
        index = {}
        for candidate in self.candidates:
            grams = trigrams(candidate)
            for gram in grams:
                index.setdefault(gram, []).append((candidate, len(grams)))
        return index

    def __getstate__(self):  # the index is rebuilt where it is used, not stored in the shared cache
        return {"candidates": self.candidates, "known": self.known, "fallback": self.fallback}

    def __setstate__(self, state):  # one stored before the fallback existed has none
        self.__dict__.update({"fallback": {}, **state})


def index_text_field():
    # PostgreSQL keeps tsvectors in ``body`` and the plain text in ``body_text``.
    names = {field.name for field in IndexEntry._meta.get_fields()}
    return "body_text" if "body_text" in names else "body"


def build_dictionary():
    weights = Counter()
    known = set(STOP_WORDS)
    # Subqueries rather than lists of ids: SQLite allows only so many
    # parameters in one statement, and the portal may hold 100,000 pages.
    live = KnowledgePage.objects.live().public()
    live_ids = live.values("pk")
    for title, summary in live.values_list("title", "summary").iterator():
        weights.update(dict.fromkeys(words_in(title), 3))
        weights.update(words_in(summary))
    tags = None
    for through in tag_through_models():
        rows = through.objects.filter(content_object_id__in=live_ids).order_by().values_list("tag__name", flat=True)
        tags = rows if tags is None else tags.union(rows)
    joined = Counter()
    for name in tags or []:
        weights.update(dict.fromkeys(words_in(name), 3))
        joined.update(_joined(name))
    taxonomy = Setting.objects.order_by().values_list("name", flat=True)
    for name in taxonomy.union(SafetyDomain.objects.order_by().values_list("name", flat=True)):
        weights.update(dict.fromkeys(words_in(name), 2))
    for group in SYNONYMS:
        for term in group:
            weights.update(words_in(term))
            joined.update(_joined(term))
    # Words from every indexed knowledge page count as known (never "corrected");
    # only live, public pages supply the suggestions themselves.
    knowledge_types = ContentType.objects.get_for_models(
        *[model for model in django_apps.get_models() if issubclass(model, KnowledgePage)]
    ).values()
    public_ids = {str(pk) for pk in live.values_list("pk", flat=True)}
    in_bodies = Counter()
    entries = IndexEntry.objects.filter(content_type__in=knowledge_types).values_list("object_id", index_text_field())
    for object_id, text in entries.iterator():
        words = set(words_in(text))
        known.update(words)
        if object_id in public_ids:
            in_bodies.update(words)
    for word in joined:
        weights.setdefault(word, 1)
    fallback = {
        word: pages
        for word, pages in in_bodies.items()
        if pages >= BODY_WORD_PAGES and word not in weights and word not in STOP_WORDS
    }
    known.update(weights)
    return TermDictionary(candidates=dict(weights), known=frozenset(known), fallback=fallback)


def _joined(term):
    """The one-word form of a two-word term ("bed rails": "bedrails"), or nothing."""
    words = words_in(term)
    return [words[0] + words[1]] if len(words) == 2 else []


def get_dictionary():
    """The dictionary for the content as it is now.

    Kept in Django's cache (shared by the workers when it is Redis) under the
    content generation (``portal.core.pagecache``), so a publish, unpublish,
    move or taxonomy change has the next search build it afresh, and for at
    most ``CACHE_SECONDS`` in any case. Each process also keeps the one it
    last read, with its trigram index: reading it from the cache unpickled
    every known word on every search.
    """
    generation = pagecache.current_generation()
    kept = _kept.get("dictionary")
    if kept is not None and kept[0] == generation and kept[1] > time.monotonic():
        return kept[2]
    key = f"{CACHE_KEY}:{generation}"
    dictionary = cache.get(key)
    if dictionary is None:
        dictionary = build_dictionary()
        cache.set(key, dictionary, CACHE_SECONDS)
    _kept["dictionary"] = (generation, time.monotonic() + CACHE_SECONDS, dictionary)
    return dictionary


def _similar_in_python(words, candidates, index=None):
    """(word, candidate, similarity) at or above the threshold, among candidates within three letters' length.

    With ``index`` (``TermDictionary.trigram_index`` of ``candidates``) only
    the candidates sharing a trigram with a word are scored; the scores are
    the same ``similarity``, counted from the shared trigrams.
    """
    found = []
    for word in words:
        grams = trigrams(word)
        if index is None:
            scored = ((candidate, similarity(word, candidate)) for candidate in candidates)
        else:
            shared, sizes = Counter(), {}
            for gram in grams:
                for candidate, size in index.get(gram, ()):
                    shared[candidate] += 1
                    sizes[candidate] = size
            scored = (
                (candidate, count / (len(grams) + sizes[candidate] - count)) for candidate, count in shared.items()
            )
        for candidate, score in scored:
            if abs(len(candidate) - len(word)) <= 3 and score >= SIMILARITY_THRESHOLD:
                found.append((word, candidate, score))
    return found


def _similar_in_postgres(words, candidates):
    sql = (
        "SELECT q.word, c.word, similarity(q.word, c.word) FROM unnest(%s::text[]) AS q(word) "
        "CROSS JOIN unnest(%s::text[]) AS c(word) WHERE similarity(q.word, c.word) >= %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [list(words), list(candidates), SIMILARITY_THRESHOLD])
        return [(word, candidate, float(score)) for word, candidate, score in cursor.fetchall()]


def similar_words(words, candidates, index=None):
    """(word, candidate, similarity) for every pair at or above the threshold."""
    if connection.vendor == "postgresql":
        try:
            return _similar_in_postgres(words, candidates)
        except DatabaseError:  # pg_trgm missing: same answer, computed here
            pass
    return _similar_in_python(words, candidates, index)


def _could_be_misspelt(word):
    return len(word) >= 3 and word.isalpha() and word not in STOP_WORDS


def _needs_correction(word, dictionary):
    return _could_be_misspelt(word) and not dictionary.is_known(word)


def _closest(words, dictionary):
    """{word: (rank, candidate)}: each word's closest candidate of ``dictionary``, if any is close enough."""
    best = {}
    index = dictionary.trigram_index if connection.vendor != "postgresql" else None
    for word, candidate, score in similar_words(words, dictionary.candidates, index):
        distance = edit_distance(word, candidate)
        if distance > (1 if len(word) <= 5 else 2):
            continue
        rank = (distance, -score, -dictionary.candidates[candidate], candidate)
        if word not in best or rank < best[word][0]:
            best[word] = (rank, candidate)
    return best


def correct(tokens, suspects=None):
    """``tokens`` with unknown words replaced by the likeliest candidate, or None if nothing changes.

    Only ``suspects`` (by default every token) are looked at.
    """
    suspects = set(tokens if suspects is None else suspects)
    if not any(_could_be_misspelt(token) for token in suspects):
        return None
    dictionary = get_dictionary()
    unknown = sorted({token for token in suspects if _needs_correction(token, dictionary)})
    if not unknown:
        return None
    best = _closest(unknown, dictionary)
    left = [word for word in unknown if word not in best]
    if left and dictionary.fallback:
        best.update(_closest(left, dictionary.fallback_dictionary))
    if not best:
        return None
    return [best[token][1] if token in best else token for token in tokens]
