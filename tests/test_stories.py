"""Tests for the offline story generator (bot/content/stories.py and its story_* helpers)."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from bot.content.stories import (
    GENRE_IDS,
    LENGTH_WORDS,
    LENGTHS,
    UnknownGenreError,
    UnknownLengthError,
    generate_story,
    list_genres,
    resolve_genre,
)
from bot.content.story_grammar import (
    DATA_DIR,
    GrammarError,
    grammars,
    load_grammars,
    validate_grammar,
)
from bot.content.story_prompt import MAX_PROMPT_CHARS, read_prompt, sanitise_prompt
from bot.content.story_text import fix_articles, title_case

SEEDS = range(12)
NAMED_PROMPT = "a story about Mina and her robot Bolt and a silver acorn"

SLOT_LEFT = re.compile(r"[{}]")
DOUBLED_ARTICLE = re.compile(r"\b(a|an|the)\s+(a|an|the)\b", re.IGNORECASE)
DOUBLED_WORD = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
ARTICLE_WORD = re.compile(r"(?<![\w'’-])(a|an)\s+([\"“‘(]*)([A-Za-z][\w'’-]*)")
BAD_AGREEMENT = re.compile(
    r"\b(they (was|is|has|does)|(she|he|it) (were|are|have|do))\b", re.IGNORECASE
)
# Independent oracle for a/an, covering the exceptions that occur in our content.
_A_DESPITE_VOWEL = ("uni", "use", "usu", "one", "once", "eu", "ure", "uri", "uti", "uto", "uku")
_AN_DESPITE_CONSONANT = ("hour", "honest", "honour", "honor", "heir")


def expected_article(word: str) -> str:
    w = word.lower()
    if w.startswith(_AN_DESPITE_CONSONANT):
        return "an"
    if w[0] in "aeiou" and not (w.startswith(_A_DESPITE_VOWEL) and not w.startswith("unin")):
        return "an"
    return "a"


def assert_clean(text: str) -> None:
    assert not SLOT_LEFT.search(text), f"unfilled slot in: {text!r}"
    assert not DOUBLED_ARTICLE.search(text), DOUBLED_ARTICLE.search(text)
    assert not DOUBLED_WORD.search(text), DOUBLED_WORD.search(text)
    assert not BAD_AGREEMENT.search(text), BAD_AGREEMENT.search(text)
    assert "@" not in text
    assert "  " not in text
    for m in ARTICLE_WORD.finditer(text):
        assert m.group(1).lower() == expected_article(m.group(3)), m.group(0)


# --- every genre x length -------------------------------------------------------------------


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize("genre", GENRE_IDS)
def test_every_genre_and_length(genre: str, length: str) -> None:
    lo, hi = LENGTH_WORDS[length]
    texts = set()
    for seed in SEEDS:
        story = generate_story(genre, NAMED_PROMPT, length, random.Random(seed))
        assert story.genre == genre and story.length == length
        assert story.text.strip()
        assert story.text == "\n\n".join(story.paragraphs)
        assert lo <= story.word_count <= hi, (seed, story.word_count)
        assert "Mina" in story.text and "Bolt" in story.text
        assert story.title and story.title[0].isupper()
        assert_clean(story.text)
        assert_clean(story.title)
        # Coherence: the hero opens and closes the story; the item pays off in the climax.
        assert "Mina" in story.paragraphs[0] and "Mina" in story.paragraphs[-1]
        climax = story.paragraphs[story.beats.index("climax")]
        assert "silver acorn" in story.paragraphs[0] and "silver acorn" in climax
        texts.add(story.text)
    assert len(texts) == len(SEEDS), "different seeds should give different stories"


@pytest.mark.parametrize("genre", GENRE_IDS)
def test_no_prompt_stories_are_in_range_and_clean(genre: str) -> None:
    for length in LENGTHS:
        lo, hi = LENGTH_WORDS[length]
        for seed in range(40):
            story = generate_story(genre, None, length, random.Random(seed))
            assert lo <= story.word_count <= hi
            assert_clean(story.text)


def test_same_seed_same_story_and_different_seeds_differ() -> None:
    a = generate_story("fantasy", "a dragon who loves pancakes", "medium", random.Random(5))
    b = generate_story("fantasy", "a dragon who loves pancakes", "medium", random.Random(5))
    c = generate_story("fantasy", "a dragon who loves pancakes", "medium", random.Random(6))
    assert a == b
    assert a.text != c.text


# --- the prompt is woven in ---------------------------------------------------------------


@pytest.mark.parametrize("genre", GENRE_IDS)
def test_prompt_nouns_become_hero_and_item(genre: str) -> None:
    for length in LENGTHS:
        for seed in range(5):
            story = generate_story(
                genre, "a dragon who loves pancakes", length, random.Random(seed)
            )
            assert "dragon" in story.text and "pancakes" in story.text
            assert "a pancakes" not in story.text.lower()
            assert_clean(story.text)


def test_three_names_all_appear_even_in_short_stories() -> None:
    prompt = "Mina and her robot Bolt meet Captain Ada"
    for genre in GENRE_IDS:
        for length in LENGTHS:
            story = generate_story(genre, prompt, length, random.Random(3))
            for name in ("Mina", "Bolt", "Captain Ada"):
                assert name in story.text, (genre, length, name)
            lo, hi = LENGTH_WORDS[length]
            assert lo <= story.word_count <= hi


def test_pronouns_follow_the_prompt() -> None:
    # Short stories have no helper, and the unnamed-cue friend is "they", so every gendered
    # pronoun in them belongs to the hero.
    for genre in GENRE_IDS:
        for seed in range(8):
            she = generate_story(genre, NAMED_PROMPT, "short", random.Random(seed)).text
            assert not re.search(r"\b(he|him|his|himself)\b", she, re.IGNORECASE), she
            he = generate_story(genre, "Tom and his dog Rex", "short", random.Random(seed)).text
            assert not re.search(r"\b(she|her|hers|herself)\b", he, re.IGNORECASE), he
            assert "Tom" in he and "Rex" in he


def test_places_and_items_from_the_prompt() -> None:
    prompt = "Tell me a story about a girl named Zoë who finds a golden key in the forest"
    story = generate_story("fairytale", prompt, "medium", random.Random(1))
    assert "Zoë" in story.text and "golden key" in story.text and "forest" in story.text


def test_read_prompt_examples() -> None:
    _, lexicon, _ = grammars()
    ideas = read_prompt(NAMED_PROMPT, lexicon)
    mina, bolt = ideas.characters
    assert (mina.name, mina.pronoun) == ("Mina", "she")
    assert (bolt.name, bolt.role) == ("Bolt", "robot")

    ideas = read_prompt("a dragon who loves pancakes", lexicon)
    (dragon,) = ideas.characters
    assert dragon.name is None and dragon.role == "dragon"
    assert dragon.loves is not None and dragon.loves.name == "pancakes"
    assert ideas.items[0].plural

    ideas = read_prompt("Tom and Sam fly to the moon from a purple castle", lexicon)
    assert ideas.names == ("Tom", "Sam")
    dest = next(p for p in ideas.places if p.destination)
    home = next(p for p in ideas.places if not p.destination)
    assert "moon" in dest.ref and home.ref == "the purple castle"

    ideas = read_prompt("a jar of honey", lexicon)
    assert ideas.items[0].name == "jar of honey"
    assert read_prompt("Dragons are cool", lexicon).names == ()


# --- errors and hostile input ---------------------------------------------------------------


def test_unknown_genre_has_suggestions() -> None:
    with pytest.raises(UnknownGenreError, match=r"Did you mean 'fantasy'\?.*Available genres"):
        generate_story("fantsy", None, "short", random.Random(0))
    with pytest.raises(UnknownGenreError, match="Available genres: fantasy, scifi"):
        generate_story("westerns", None, "short", random.Random(0))
    with pytest.raises(UnknownLengthError, match="short, medium, long"):
        generate_story("fantasy", None, "epic", random.Random(0))


@pytest.mark.parametrize(
    ("alias", "genre"),
    [
        ("Sci-Fi", "scifi"),
        ("fairy tale", "fairytale"),
        ("spooky-but-kind", "spooky"),
        ("BEDTIME", "bedtime"),
        ("Spooky but Kind", "spooky"),
    ],
)
def test_genre_aliases(alias: str, genre: str) -> None:
    assert resolve_genre(alias) == genre


def test_list_genres_in_menu_order() -> None:
    assert [g.id for g in list_genres()] == list(GENRE_IDS)
    assert all(g.name and g.blurb for g in list_genres())


HOSTILE = [
    "x" * 10_000,
    ("Mina " * 3000),
    "@everyone @here tell a story about Mina <@123> and <@!456> <@&789> <#42>",
    "Mi\u200bna and Bo\u200dlt and \u202eevil\u202c and \ufeffZed",
    "🐉🥞✨🔥💀👻",
    "a story about {hero} and {item.the} and {{{{",
    "Z\u0351\u0352\u0353\u0354\u0355a\u0356\u0357\u0358\u0359lgo the dragon",
    "Ｍｉｎａ and her robot Ｂｏｌｔ",
    "<script>alert(1)</script> https://example.com/x **bold** `code` ||spoiler||",
    "",
    "   \n\t  ",
]


@pytest.mark.parametrize("prompt", HOSTILE, ids=[f"hostile{i}" for i in range(len(HOSTILE))])
@pytest.mark.parametrize("length", LENGTHS)
def test_hostile_prompts(prompt: str, length: str) -> None:
    story = generate_story("spooky", prompt, length, random.Random(9))
    lo, hi = LENGTH_WORDS[length]
    assert lo <= story.word_count <= hi
    assert_clean(story.text)
    assert "<" not in story.text
    assert not re.search(r"[\u200b-\u200f\u202a-\u202e\ufeff]", story.text)
    assert not re.search(r"[\U0001F300-\U0001FAFF]", story.text)
    assert "script" not in story.text and "http" not in story.text


def test_sanitise_prompt() -> None:
    assert len(sanitise_prompt("word " * 5000)) <= MAX_PROMPT_CHARS
    assert sanitise_prompt("@everyone hi <@123> there @here") == "hi there"
    assert sanitise_prompt("Mi\u200bna") == "Mina"
    assert sanitise_prompt("Ｍｉｎａ") == "Mina"
    assert sanitise_prompt("🐉🥞") == ""
    zalgo = sanitise_prompt("Z" + "\u0351" * 30 + "oe")
    assert len(zalgo) <= 5


def test_zero_width_names_are_joined() -> None:
    story = generate_story(
        "fantasy", "Mi\u200bna and her robot Bo\u200dlt", "short", random.Random(2)
    )
    assert "Mina" in story.text and "Bolt" in story.text


# --- the text helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("a apple", "an apple"),
        ("an banana", "a banana"),
        ("a hour", "an hour"),
        ("an unicorn", "a unicorn"),
        ("a umbrella", "an umbrella"),
        ("an one-eyed cat", "a one-eyed cat"),
        ("a uninvited guest", "an uninvited guest"),
        ("A egg fell.", "An egg fell."),
        ("Plan A is fine.", "Plan A is fine."),
        ("It was a “odd” day", "It was an “odd” day"),
    ],
)
def test_fix_articles(before: str, after: str) -> None:
    assert fix_articles(before) == after


def test_title_case() -> None:
    assert title_case("the secret of the map that redrew itself") == (
        "The Secret of the Map That Redrew Itself"
    )
    assert title_case("mina and the pocket-sized dragon") == "Mina and the Pocket-Sized Dragon"


# --- the grammar validator -------------------------------------------------------------------


def test_shipped_grammars_validate() -> None:
    common, _, genres = grammars()
    assert set(genres) == set(GENRE_IDS)
    for genre in genres.values():
        assert validate_grammar(genre, common) == []


def _with_beat(beat: str, template: str) -> list[str]:
    common, _, genres = grammars()
    fantasy = genres["fantasy"]
    beats = fantasy.beats.model_copy(update={beat: [template]})
    return validate_grammar(fantasy.model_copy(update={"beats": beats}), common)


FILLER = " and then they walked a very long way together through the quiet hills" * 2


@pytest.mark.parametrize(
    ("beat", "template", "problem"),
    [
        ("opening", "{hero} and {friend} lived in {place.intro}." + FILLER, "must mention"),
        ("climax", "{hero} thanked {helper} with {item.the}." + FILLER, "may not mention"),
        ("journey", "{hero} found {treasure}." + FILLER, "unknown slot"),
        ("journey", "{hero} walked with {hero.color}." + FILLER, "not an attribute"),
        ("journey", "{hero} lost her hat." + FILLER, "gendered pronoun"),
        ("journey", "{hero} ran. {item.the} fell." + FILLER, "capitalise"),
        ("journey", "{hero} ran.", "words, expected"),
        ("journey", "{hero} ran {oops." + FILLER, "stray brace"),
        ("goal", "To {goal} they went to {dest.intro} with joy." + FILLER, "must end a clause"),
    ],
)
def test_validator_catches(beat: str, template: str, problem: str) -> None:
    problems = _with_beat(beat, template)
    assert any(problem in p for p in problems), problems


def test_validator_rejects_commas_in_place_intros() -> None:
    common, _, genres = grammars()
    fantasy = genres["fantasy"]
    bad = fantasy.places[0].model_copy(update={"intro": "Larkmoor, a hill town"})
    problems = validate_grammar(fantasy.model_copy(update={"places": [bad]}), common)
    assert any("may not contain a comma" in p for p in problems), problems


def test_broken_grammar_file_fails_loudly(tmp_path: Path) -> None:
    target = tmp_path / "stories"
    shutil.copytree(DATA_DIR, target)
    assert len(load_grammars(target)[2]) == len(GENRE_IDS)
    path = target / "funny.toml"
    path.write_text(path.read_text().replace("{goal.done}", "{goal.finished}"))
    with pytest.raises(GrammarError, match=r"(?s)funny\.toml.*goal\.finished"):
        load_grammars(target)
    path.write_text("id = 'funny'\nname = [")
    with pytest.raises(GrammarError, match="not valid TOML"):
        load_grammars(target)
    path.unlink()
    (target / "common.toml").unlink()
    with pytest.raises(GrammarError, match=r"common\.toml is missing"):
        load_grammars(target)
