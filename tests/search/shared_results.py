"""Searches whose results both engines must agree on, and the pages they run over.

``test_shared_results.py`` runs them against the database engine (here, in
every run); ``test_es_live.py`` runs the same cases against Elasticsearch
when ``ELASTICSEARCH_URL`` names a real cluster (never run so far: none could
be installed where this was written).

The pages are chosen so that fuzzy matching on every word would show: "care"
is one letter from "core", "cure" and "case", and "patient" two from
"parent". Words are corrected only when the exact search finds nothing (as
the database engine does), so neither engine finds those.
"""

from learning.factories import LearningNotePageFactory

PLAIN = {
    "what_we_tried": "Notes kept by the team.",
    "what_happened": "Notes kept by the team.",
    "what_we_learned": "Notes kept by the team.",
    "what_we_would_advise": "Notes kept by the team.",
    "settings": ["acute-hospital"],
    "safety_domains": ["reliability"],
    "tags": [],
}

PAGES = [
    ("Care plans checked monthly", "Plans are read with each family."),
    ("Core skills for new starters", "Induction over two weeks."),
    ("Cure rates after treatment", "Figures from the clinic."),
    ("Case review after a fall", "What the review found."),
    ("Patient leaflets in plain words", "Leaflets rewritten with readers."),
    ("Parent forum at the clinic", "Parents meet each month."),
    ("Insulin passports", "Patients carry their insulin record."),
]

# (what is typed, the titles found in any order, what the results say was searched instead, if anything)
CASES = [
    ("care", ["Care plans checked monthly"], None),
    ("patient", ["Insulin passports", "Patient leaflets in plain words"], None),
    ("review", ["Case review after a fall"], None),
    ("clinic", ["Cure rates after treatment", "Parent forum at the clinic"], None),
    ("insulun pasports", ["Insulin passports"], "insulun pasports"),
]

# Suggestions while typing: the last word is a prefix and every word must match (AND), as the
# database engine does (measured on SQLite: "insulin pa" suggests only "Insulin passports").
AUTOCOMPLETE = [
    ("insulin pa", ["Insulin passports"]),
    ("pa", ["Insulin passports", "Parent forum at the clinic", "Patient leaflets in plain words"]),
]


def build_pages(learning_index):
    return [
        LearningNotePageFactory(parent=learning_index, title=title, summary=summary, **PLAIN)
        for title, summary in PAGES
    ]


def check(engine, query_class):
    """``[]`` when ``engine`` agrees with every case, else a line per disagreement."""
    wrong = []
    for text, titles, corrected_from in CASES:
        results = engine.search(query_class(text=text, per_page=50))
        found = sorted(hit.title for hit in results.hits)
        counts = {value.key: value.count for value in results.facets.get("type", [])}
        if found != sorted(titles) or results.total != len(titles) or results.corrected_from != corrected_from:
            wrong.append(f"{text!r}: found {found} (total {results.total}, corrected from {results.corrected_from!r})")
        elif counts != {"learning-note": len(titles)}:
            wrong.append(f"{text!r}: type facet {counts}")
    for prefix, titles in AUTOCOMPLETE:
        suggested = sorted(item["title"] for item in engine.autocomplete(prefix))
        if suggested != titles:
            wrong.append(f"autocomplete {prefix!r}: {suggested}")
    return wrong
