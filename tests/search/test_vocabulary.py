"""The care vocabulary: how a query is read into concepts, and every way a page may say each one."""

from search import vocabulary
from search.vocabulary import MAX_TOKENS, parse, phrase_variants, search_terms, split_compound, tokenize, with_compounds


def test_synonym_groups_are_lower_case_words():
    assert len(vocabulary.SYNONYMS) >= 15
    for group in vocabulary.SYNONYMS:
        assert len(group) >= 2
        for term in group:
            assert term == term.lower() and term == " ".join(vocabulary.tokenize(term)), term


def test_the_required_groups_are_there():
    groups = [set(group) for group in vocabulary.SYNONYMS]

    def together(*terms):
        return any(set(terms) <= group for group in groups)

    assert together("fall", "faller")
    assert together("meds", "medication", "medicine")
    assert together("uti", "urinary tract infection")
    assert together("pressure ulcer", "pressure sore", "bed sore")
    assert together("gp", "general practice", "primary care")


def test_a_query_becomes_concepts_with_every_way_of_saying_them():
    concepts = vocabulary.parse("Bed sores at NIGHT")
    assert [concept.text for concept in concepts] == ["bed sores", "night"]
    assert ("pressure", "ulcers") in concepts[0].alternatives
    assert ("bed", "sore") in concepts[0].alternatives
    assert concepts[1].alternatives == (("night",), ("nights",))


def test_plurals_and_singulars():
    assert vocabulary.variants("falls") == ("falls", "fall")
    assert vocabulary.variants("injuries") == ("injuries", "injury")
    assert vocabulary.variants("box") == ("box", "boxes")
    assert vocabulary.singular("sepsis") == "sepsis"
    assert vocabulary.singular("news") == "news"
    assert vocabulary.variants("at") == ("at",)


def test_quoted_words_stay_together_and_unbalanced_quotes_are_ignored():
    exact = vocabulary.parse('"tea trolley" falls')
    assert exact[0].exact and exact[0].alternatives == (("tea", "trolley"),)
    assert [concept.text for concept in vocabulary.parse('"tea trolley falls')] == ["tea", "trolley", "falls"]


def test_search_syntax_and_stop_words_are_not_concepts():
    assert vocabulary.parse('AND OR NOT * ^ - : ( ) "') == []
    assert [concept.text for concept in vocabulary.parse("NEAR(falls night)")] == ["near", "falls", "night"]
    assert vocabulary.tokenize("a\x00b\x07c 🙂 ſtaff") == ["ſtaff"]


def test_a_synonym_finds_every_way_of_saying_it_in_either_number():
    terms = search_terms(parse("meds"))

    assert {"meds", "medicine", "medicines", "medication", "drugs"} <= terms
    assert {"water infection", "urinary tract infections"} <= search_terms(parse("UTI"))


def test_a_phrase_forgives_the_number_of_its_last_word():
    assert phrase_variants(("bed", "sore")) == [("bed", "sore"), ("bed", "sores")]


def test_a_quoted_term_is_not_widened_by_its_synonyms():
    (concept,) = parse('"bed sore"')

    assert concept.exact and concept.alternatives == (("bed", "sore"),)


def test_single_letters_are_dropped_and_numbers_kept():
    assert tokenize("a b 2 x ray") == ["2", "ray"]


def test_only_the_first_twelve_words_are_read():
    words = [f"word{number}" for number in range(20)]

    assert tokenize(" ".join(words)) == words[:MAX_TOKENS]
    assert len(parse(" ".join(words))) == MAX_TOKENS


def test_a_query_of_stop_words_alone_asks_for_nothing():
    assert parse("the and of") == []


def test_a_compound_splits_into_two_known_words_the_most_even_way():
    known = {"bed", "rails", "hand", "washing", "handwash", "ing", "with", "out"}.__contains__

    assert split_compound("bedrails", known) == ("bed", "rails")
    assert split_compound("handwashing", known) == ("hand", "washing")
    assert split_compound("without", known) is None  # "with" is a stop word
    assert split_compound("bedpans", known) is None


def test_two_words_whose_join_is_known_find_the_joined_word_and_the_other_way_round():
    (spaced,) = with_compounds(parse("bed rails"), {"bedrails"}.__contains__)
    (joined,) = with_compounds(parse("bedrails"), {"bed", "rails"}.__contains__)

    assert spaced.text == "bed rails"
    assert {("bed", "rails"), ("bedrails",)} <= set(spaced.alternatives)
    assert {("bedrails",), ("bed", "rails")} <= set(joined.alternatives)


def test_words_nobody_joins_stay_apart():
    concepts = with_compounds(parse("bed rails"), set().__contains__)

    assert [concept.text for concept in concepts] == ["bed", "rails"]
