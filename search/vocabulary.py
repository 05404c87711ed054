"""The care vocabulary search forgives: synonyms, plurals and stop words.

People type what they say at work: "meds", "bed sores", "UTI", "GP". Pages
say "medicines", "pressure ulcers", "urinary infection", "general practice".
Both search engines read this module, so a search means the same thing
whichever engine answers: the database engine expands queries with it, and
the Elasticsearch engine builds its synonym filter from ``SYNONYMS``.

Every term is lower-case words separated by single spaces, without
punctuation, and written in the singular: plurals are forgiven separately
(``variants``), and a query word matches a term in either number.
"""

import re
from dataclasses import dataclass

# Each tuple is a group of interchangeable terms.
SYNONYMS: list[tuple[str, ...]] = [
    ("fall", "faller", "fall with harm"),
    ("meds", "medication", "medicine", "drug"),
    ("uti", "urinary tract infection", "urinary infection", "water infection"),
    ("pressure ulcer", "pressure sore", "bed sore", "bedsore", "pressure damage", "pressure injury", "pressure care"),
    ("gp", "general practice", "general practitioner", "primary care", "family doctor"),
    ("hydration", "dehydration", "fluid intake", "drink"),
    ("care home", "nursing home", "residential home", "residential care"),
    ("home care", "domiciliary care", "homecare"),
    ("handover", "handoff", "hand over"),
    ("discharge", "transfer of care"),
    ("deterioration", "deteriorating", "soft sign", "early warning score", "news2", "restore2"),
    ("end of life", "palliative care", "dying"),
    ("dementia", "alzheimer", "alzheimers"),
    ("covid", "coronavirus", "sars cov 2"),
    ("infection control", "infection prevention", "ipc"),
    ("ppe", "personal protective equipment"),
    ("anticoagulant", "anticoagulation", "blood thinner", "doac", "warfarin"),
    ("incident", "significant event", "adverse event"),
    ("near miss", "good catch"),
    ("error", "mistake"),
    ("nutrition", "malnutrition", "weight loss"),
    ("self harm", "self injury"),
    ("sepsis", "septicaemia", "blood poisoning"),
    ("mouth care", "oral care", "dental care"),
    ("learning from deaths", "mortality review", "structured judgement review"),
    ("staffing", "workforce", "agency staff"),
    ("safety huddle", "huddle", "safety brief"),
    ("safety culture", "just culture"),
]

# The Snowball English stop words, the list PostgreSQL's "english" text search
# configuration drops, so that both databases ignore the same words.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing a an the and but if or because as until while
    of at by for with about against between into through during before after above below to from up down in out
    on off over under again further then once here there when where why how all any both each few more most
    other some such no nor not only own same so than too very s t can will just don should now
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Words that end in "s" but are not plurals.
NOT_PLURAL = frozenset({"news", "series", "species", "diabetes", "lens", "gas", "bus", "always", "perhaps"})

MAX_TOKENS = 12
WORD = re.compile(r"[^\W_]+")
QUOTED = re.compile(r'"([^"]*)"')


def tokenize(text: str) -> list[str]:
    """Lower-case words of ``text``: letters and digits only, so no search syntax gets through."""
    return [word for word in WORD.findall((text or "").lower()) if len(word) > 1 or word.isdigit()][:MAX_TOKENS]


def singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")) or word in NOT_PLURAL:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    return word[:-1]


def plural(word: str) -> str:
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh", "z")):
        return word + "es"
    return word + "s"


def variants(word: str) -> tuple[str, ...]:
    """The word in the singular and the plural (SQLite's full-text index does not stem)."""
    if len(word) < 3 or word.isdigit() or word in STOP_WORDS:
        return (word,)
    one = singular(word)
    return tuple(dict.fromkeys((word, one, plural(one))))


def phrase_variants(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A phrase with its last word in either number: ("bed", "sore") and ("bed", "sores")."""
    return [(*words[:-1], last) for last in variants(words[-1])]


def _key(words) -> tuple[str, ...]:
    return tuple(singular(word) for word in words)


# Synonym groups indexed by each term's words in the singular.
_GROUPS: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
for _group in SYNONYMS:
    _terms = tuple(tuple(term.split()) for term in _group)
    for _term in _terms:
        _GROUPS[_key(_term)] = _terms
_LONGEST = max(len(key) for key in _GROUPS)


@dataclass(frozen=True)
class Concept:
    """One thing the reader asked for, and every way a page may say it.

    ``alternatives`` are phrases (tuples of words); a page matches the concept
    when it contains any one of them.
    """

    text: str
    alternatives: tuple[tuple[str, ...], ...]
    exact: bool = False


def _expand(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    alternatives = []
    for term in _GROUPS.get(_key(words), (words,)):
        alternatives.extend(phrase_variants(term))
    for own in phrase_variants(words):  # what was typed, in case the group spells it differently
        if own not in alternatives:
            alternatives.insert(0, own)
    return tuple(alternatives)


def _concepts_from_words(tokens: list[str]) -> list[Concept]:
    concepts = []
    position = 0
    while position < len(tokens):
        for length in range(min(_LONGEST, len(tokens) - position), 0, -1):
            words = tuple(tokens[position : position + length])
            if length == 1 or _key(words) in _GROUPS:
                break
        position += length
        if length == 1 and words[0] in STOP_WORDS:
            continue
        concepts.append(Concept(text=" ".join(words), alternatives=_expand(words)))
    return concepts


def parse(text: str) -> list[Concept]:
    """The concepts in a query; a page must match every one of them.

    Words in balanced double quotes must appear together as typed. Everything
    else is split into words; known terms of several words ("bed sores") are
    recognised before single words; stop words are dropped (a query of stop
    words alone has no concepts and matches nothing, on either database).
    """
    text = text or ""
    concepts = []
    if text.count('"') % 2 == 0:
        for phrase in QUOTED.findall(text):
            words = tuple(tokenize(phrase))
            if words and not STOP_WORDS.issuperset(words):
                concepts.append(Concept(text=" ".join(words), alternatives=(words,), exact=True))
        text = QUOTED.sub(" ", text)
    concepts.extend(_concepts_from_words(tokenize(text)))
    return concepts[:MAX_TOKENS]


def search_terms(concepts: list[Concept]) -> set[str]:
    """Every word or phrase a matching page may contain, for highlighting ("bed sores", "falls")."""
    return {" ".join(words) for concept in concepts for words in concept.alternatives}


# A compound's parts are at least this long: "bed" + "rails", never "be" + "drails".
MIN_COMPOUND_PART = 3


def split_compound(word: str, is_known) -> tuple[str, str] | None:
    """``word`` as two words that are both ``is_known``: "bedrails" -> ("bed", "rails"), or None.

    Neither part may be a stop word ("without" is not "with out"). Of several
    splits, the one with the most even parts is taken.
    """
    if len(word) < 2 * MIN_COMPOUND_PART or not word.isalpha():
        return None
    best = None
    for cut in range(MIN_COMPOUND_PART, len(word) - MIN_COMPOUND_PART + 1):
        first, second = word[:cut], word[cut:]
        if first in STOP_WORDS or second in STOP_WORDS or not (is_known(first) and is_known(second)):
            continue
        evenness = abs(len(first) - len(second))
        if best is None or evenness < best[0]:
            best = (evenness, (first, second))
    return best[1] if best else None


def _single_word(concept: Concept) -> str | None:
    words = concept.text.split()
    if concept.exact or len(words) != 1 or not words[0].isalpha() or words[0] in STOP_WORDS:
        return None
    return words[0]


def with_compounds(concepts: list[Concept], is_known) -> list[Concept]:
    """``concepts`` with compound words and their spaced forms finding each other.

    ``is_known(word)`` says whether any indexed page has the word (the spelling
    dictionary's known words). Two neighbouring words whose join is known
    become one concept, either the phrase or the joined word ("bed rails" or
    "bedrails"); a word that splits into two known words may also be found
    as the phrase ("bedrails" or "bed rails").
    """
    result = []
    position = 0
    while position < len(concepts):
        concept = concepts[position]
        word = _single_word(concept)
        following = _single_word(concepts[position + 1]) if position + 1 < len(concepts) else None
        if word and following and is_known(word + following):
            alternatives = list(_expand((word, following)))
            alternatives += [form for form in _expand((word + following,)) if form not in alternatives]
            result.append(Concept(text=f"{word} {following}", alternatives=tuple(alternatives)))
            position += 2
            continue
        parts = split_compound(word, is_known) if word else None
        if parts:
            extra = [form for form in _expand(parts) if form not in concept.alternatives]
            concept = Concept(text=concept.text, alternatives=concept.alternatives + tuple(extra))
        result.append(concept)
        position += 1
    return result
