"""Tests for the joke engine (bot/content/jokes*.py) and the shipped joke bank."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.jokes import (
    CATEGORIES,
    Joke,
    JokeBank,
    JokeBankError,
    KnockKnock,
    NoJokeAvailableError,
    Stage,
    UnknownCategoryError,
    as_plain,
    as_spoiler_text,
    find_category,
    is_name_who,
    is_whos_there,
    load_joke_bank,
    read_joke_bank,
)
from bot.content.jokes_match import MATCH_THRESHOLD, content_words, normalize_text


@pytest.fixture(scope="module")
def bank() -> JokeBank:
    return load_joke_bank()


def _words(joke: Joke) -> set[str]:
    return set(content_words(" ".join((joke.text, *joke.tags))))


# --- the shipped bank -------------------------------------------------------------------------


def test_bank_size_and_spread(bank: JokeBank) -> None:
    assert len(bank) >= 400
    counts = Counter(j.category for j in bank)
    assert len(counts) >= 10
    assert set(bank.categories()) == {c.key for c in CATEGORIES}
    thin = {cat: n for cat, n in counts.items() if n < 25}
    assert not thin, f"categories with fewer than 25 jokes: {thin}"


def test_bank_ids_are_stable_and_prefixed(bank: JokeBank) -> None:
    prefixes = {c.key: c.id_prefix for c in CATEGORIES}
    ids = [j.id for j in bank]
    assert len(ids) == len(set(ids))
    for joke in bank:
        assert joke.id.startswith(prefixes[joke.category] + "-"), joke.id
        assert bank.by_id(joke.id) is joke


def test_bank_jokes_are_well_formed(bank: JokeBank) -> None:
    for joke in bank:
        if joke.kind == "knockknock":
            assert joke.name and joke.punchline and not joke.setup, joke.id
        elif joke.kind == "oneliner":
            assert joke.setup and not joke.punchline, joke.id
        else:
            assert joke.setup and joke.punchline and joke.name is None, joke.id
        assert joke.tags, f"{joke.id} has no tags, so about: matching cannot find it"
    kinds = {j.category: j.kind for j in bank if j.category in ("knock-knock", "one-liners")}
    assert kinds == {"knock-knock": "knockknock", "one-liners": "oneliner"}


def test_ratings_are_all_ages_except_a_handful_of_teen(bank: JokeBank) -> None:
    ratings = Counter(j.rating for j in bank)
    assert set(ratings) == {"all_ages", "teen"}
    assert 1 <= ratings["teen"] <= 12


def test_default_pick_never_returns_teen(bank: JokeBank) -> None:
    rng = random.Random(7)
    seen: set[str] = set()
    for _ in range(len(bank)):
        pick = bank.pick(seen_ids=seen, rng=rng)
        assert pick.joke.rating == "all_ages", pick.joke.id
        if pick.cycle_restarted:
            seen.clear()
        seen.add(pick.joke.id)
    teen_ids = {j.id for j in bank if j.rating == "teen"}
    assert not teen_ids & seen
    assert all(j.rating == "all_ages" for j in bank.jokes())


def test_teen_jokes_appear_only_when_allowed(bank: JokeBank) -> None:
    rng = random.Random(3)
    seen: set[str] = set()
    allowed = ("all_ages", "teen")
    for _ in range(len(bank)):
        pick = bank.pick(seen_ids=seen, allow_ratings=allowed, rng=rng)
        assert not pick.cycle_restarted
        seen.add(pick.joke.id)
    assert seen == {j.id for j in bank}


def test_no_near_identical_punchlines(bank: JokeBank) -> None:
    by_punchline: dict[str, str] = {}
    for joke in bank:
        if joke.kind == "oneliner":
            continue
        key = normalize_text(joke.punchline)
        assert key not in by_punchline, f"{joke.id} repeats the punchline of {by_punchline[key]}"
        by_punchline[key] = joke.id


# --- no-repeat delivery -----------------------------------------------------------------------


@pytest.mark.parametrize("category", [c.key for c in CATEGORIES])
def test_full_category_cycle_has_no_repeats(bank: JokeBank, category: str) -> None:
    rng = random.Random(category)
    eligible = {j.id for j in bank.jokes(category)}
    seen: list[str] = []
    for _ in range(len(eligible)):
        pick = bank.pick(category=category, seen_ids=seen, rng=rng)
        assert not pick.cycle_restarted
        assert pick.scope == category
        assert pick.joke.category == category
        seen.append(pick.joke.id)
    assert len(seen) == len(set(seen)) == len(eligible)
    assert set(seen) == eligible

    again = bank.pick(category=category, seen_ids=seen, rng=rng)
    assert again.cycle_restarted
    assert again.joke.id in eligible


def test_seen_jokes_of_other_categories_do_not_restart_a_cycle(bank: JokeBank) -> None:
    others = [j.id for j in bank if j.category != "space"]
    pick = bank.pick(category="space", seen_ids=others, rng=random.Random(1))
    assert not pick.cycle_restarted
    assert pick.joke.category == "space"


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), fraction=st.floats(0.0, 1.0))
def test_pick_never_repeats_a_seen_joke(seed: int, fraction: float) -> None:
    bank = load_joke_bank()
    rng = random.Random(seed)
    pool = [j.id for j in bank.jokes("riddles")]
    seen = set(rng.sample(pool, int(len(pool) * fraction)))
    pick = bank.pick(category="riddles", seen_ids=seen, rng=rng)
    assert pick.cycle_restarted == (len(seen) == len(pool))
    if not pick.cycle_restarted:
        assert pick.joke.id not in seen


def test_pick_accepts_loose_category_names(bank: JokeBank) -> None:
    pick = bank.pick(category="Knock Knock", rng=random.Random(0))
    assert pick.scope == "knock-knock"
    with pytest.raises(UnknownCategoryError, match="spase"):
        bank.pick(category="spase", rng=random.Random(0))


# --- topics -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "expected_word"),
    [
        ("cats", "cat"),
        ("coffee", "coffee"),
        ("dinosaurs", "dinosaur"),
        ("dinosuars", "dinosaur"),  # a typo still finds them
        ("maths", "math"),
        ("the weather", "weather"),
        ("pizza please", "pizza"),
        ("guitars", "guitar"),
    ],
)
def test_about_finds_a_relevant_joke(bank: JokeBank, topic: str, expected_word: str) -> None:
    rng = random.Random(11)
    for _ in range(5):
        pick = bank.pick(about=topic, rng=rng)
        assert pick.about_matched, topic
        assert pick.relevance >= MATCH_THRESHOLD
        assert any(expected_word in w for w in _words(pick.joke)), (topic, pick.joke.id)


def test_about_respects_the_category(bank: JokeBank) -> None:
    pick = bank.pick(category="science", about="gravity", rng=random.Random(2))
    assert pick.about_matched
    assert pick.joke.category == "science"
    assert "gravity" in pick.joke.tags


def test_about_prefers_jokes_covering_more_of_the_topic(bank: JokeBank) -> None:
    joke = bank.by_id("animal-012")  # a cat testing gravity
    assert bank.relevance(joke, "cat gravity") > bank.relevance(joke, "cat tax")


def test_about_walks_through_matching_jokes_without_repeats(bank: JokeBank) -> None:
    rng = random.Random(5)
    seen: list[str] = []
    cat_jokes = {j.id for j in bank.jokes() if "cat" in j.tags}
    assert len(cat_jokes) >= 3
    for _ in cat_jokes:
        pick = bank.pick(about="cats", seen_ids=seen, rng=rng)
        assert pick.about_matched
        seen.append(pick.joke.id)
    assert cat_jokes <= set(seen)
    assert len(seen) == len(set(seen))

    after = bank.pick(about="cats", seen_ids=seen, rng=rng)
    assert not after.about_matched
    assert after.about_exhausted
    assert after.joke.id not in seen


@pytest.mark.parametrize("topic", ["blorptang", "quarterly tax filings", "zxqv wubble"])
def test_about_nonsense_is_honest(bank: JokeBank, topic: str) -> None:
    pick = bank.pick(about=topic, rng=random.Random(9))
    assert pick.about_matched is False
    assert pick.about_exhausted is False
    assert pick.joke.rating == "all_ages"


def test_topic_without_content_words_is_treated_as_no_topic(bank: JokeBank) -> None:
    pick = bank.pick(about="tell me a joke please", rng=random.Random(4))
    assert pick.about_matched
    assert pick.relevance == 0.0


# --- categories -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("puns", "puns"),
        ("Pun", "puns"),
        ("dad jokes", "dad-jokes"),
        ("DAD", "dad-jokes"),
        ("knock knock", "knock-knock"),
        ("knockknock", "knock-knock"),
        ("one liners", "one-liners"),
        ("coding", "programming"),
        ("science jokes", "science"),
    ],
)
def test_find_category(name: str, key: str) -> None:
    assert find_category(name) == key


def test_unknown_category_suggests_close_names(bank: JokeBank) -> None:
    with pytest.raises(UnknownCategoryError) as info:
        bank.find_category("programing")
    assert info.value.suggestions[0] == "programming"
    assert "Did you mean: programming" in str(info.value)
    with pytest.raises(UnknownCategoryError) as info:
        find_category("zzzz")
    assert info.value.suggestions == []
    assert "Known categories: puns" in str(info.value)


def test_by_id_unknown_names_the_id(bank: JokeBank) -> None:
    with pytest.raises(KeyError, match="nope-001"):
        bank.by_id("nope-001")


def test_load_joke_bank_is_cached() -> None:
    assert load_joke_bank() is load_joke_bank()


# --- broken bank files ------------------------------------------------------------------------

GOOD_PUNS = """
category = "puns"

[[jokes]]
id = "pun-001"
setup = "Why did the kettle win?"
punchline = "It was steaming ahead."
tags = ["kettle"]
"""


def _bank_dir(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return tmp_path


def _problems(tmp_path: Path, **files: str) -> str:
    with pytest.raises(JokeBankError) as info:
        read_joke_bank(_bank_dir(tmp_path, **files))
    return str(info.value)


def test_small_valid_bank_loads(tmp_path: Path) -> None:
    knock = """
category = "knock-knock"
[[jokes]]
id = "kk-001"
name = "Lettuce"
punchline = "Lettuce in, it's chilly!"
"""
    bank = read_joke_bank(_bank_dir(tmp_path, puns=GOOD_PUNS, knock=knock))
    assert bank.categories() == ["puns", "knock-knock"]
    assert bank.by_id("kk-001").kind == "knockknock"
    assert bank.by_id("pun-001").source == "puns.toml"
    with pytest.raises(UnknownCategoryError, match="Known categories: puns, knock-knock"):
        bank.pick(category="space", rng=random.Random(0))


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    other = GOOD_PUNS.replace("kettle win", "teapot win").replace("steaming", "brewing")
    message = _problems(tmp_path, puns=GOOD_PUNS, puns_extra=other)
    assert "puns_extra.toml: duplicate id 'pun-001' (already used in puns.toml)" in message


def test_duplicate_joke_text_is_caught_after_normalising(tmp_path: Path) -> None:
    twin = GOOD_PUNS.replace("pun-001", "pun-002").replace(
        "Why did the kettle win?", "why did the KETTLE win ...  "
    )
    message = _problems(tmp_path, puns=GOOD_PUNS, twin=twin)
    assert "twin.toml: joke 'pun-002' duplicates joke 'pun-001' (puns.toml)" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('punchline = "It was steaming ahead."', 'punchline = "   "'), "punchline must not be"),
        (('setup = "Why did the kettle win?"', ""), "setup must not be empty"),
        (('tags = ["kettle"]', 'rating = "adult"'), "rating: Input should be 'all_ages' or 'teen'"),
        (('tags = ["kettle"]', 'tags = ["kettle", ""]'), "tags must not be empty strings"),
        (('tags = ["kettle"]', 'colour = "blue"'), "colour: Extra inputs are not permitted"),
        (('tags = ["kettle"]', 'name = "Kettle"'), "name is only for knock-knock jokes"),
        (('tags = ["kettle"]', 'kind = "knockknock"'), "kind 'knockknock' is not allowed"),
        (("It was steaming ahead.", "It was || steaming"), "punchline contains '|'"),
    ],
)
def test_bad_entries_name_the_file_and_id(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    old, new = change
    assert old in GOOD_PUNS
    message = _problems(tmp_path, puns=GOOD_PUNS.replace(old, new))
    assert "puns.toml: joke 'pun-001' (entry #1)" in message
    assert expected in message


def test_wrong_id_prefix(tmp_path: Path) -> None:
    message = _problems(tmp_path, puns=GOOD_PUNS.replace("pun-001", "dad-001"))
    assert "joke 'dad-001'" in message
    assert "id must start with 'pun-'" in message


def test_malformed_id(tmp_path: Path) -> None:
    message = _problems(tmp_path, puns=GOOD_PUNS.replace("pun-001", "Pun 1"))
    assert "joke 'Pun 1' (entry #1): id: String should match pattern" in message


def test_missing_id(tmp_path: Path) -> None:
    message = _problems(tmp_path, puns=GOOD_PUNS.replace('id = "pun-001"', ""))
    assert "puns.toml: entry #1: id: Field required" in message


def test_unknown_category(tmp_path: Path) -> None:
    message = _problems(tmp_path, puns=GOOD_PUNS.replace('"puns"', '"limericks"'))
    assert "puns.toml: unknown category 'limericks' (known: puns, dad-jokes" in message


def test_knock_knock_without_name(tmp_path: Path) -> None:
    text = """
category = "knock-knock"
[[jokes]]
id = "kk-007"
punchline = "Lettuce in!"
"""
    message = _problems(tmp_path, kk=text)
    assert "kk.toml: joke 'kk-007' (entry #1): knock-knock joke without a name" in message


def test_one_liner_with_punchline(tmp_path: Path) -> None:
    text = """
category = "one-liners"
[[jokes]]
id = "one-001"
setup = "I told a joke."
punchline = "Nobody laughed."
"""
    message = _problems(tmp_path, one=text)
    assert "one-001" in message
    assert 'use kind = "qa" for a two-part joke' in message


def test_invalid_toml_and_empty_file(tmp_path: Path) -> None:
    message = _problems(tmp_path, broken='category = "puns"\n[[jokes]\n', empty="")
    assert "broken.toml: cannot read as UTF-8 TOML" in message
    assert "empty.toml: category: Field required" in message
    assert "empty.toml: jokes: Field required" in message


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    bad = GOOD_PUNS.replace('punchline = "It was steaming ahead."', "")
    message = _problems(tmp_path, puns=bad, other=GOOD_PUNS.replace('"puns"', '"nope"'))
    assert "puns.toml: joke 'pun-001'" in message
    assert "other.toml: unknown category 'nope'" in message


def test_missing_or_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(JokeBankError, match="no joke bank files"):
        read_joke_bank(tmp_path)
    with pytest.raises(JokeBankError, match="does not exist"):
        read_joke_bank(tmp_path / "missing")


def test_ratings_gate_errors(tmp_path: Path) -> None:
    teen_only = GOOD_PUNS.replace('tags = ["kettle"]', 'rating = "teen"')
    bank = read_joke_bank(_bank_dir(tmp_path, puns=teen_only))
    with pytest.raises(NoJokeAvailableError, match="allowed rating"):
        bank.pick(rng=random.Random(0))
    assert bank.pick(allow_ratings=("teen",), rng=random.Random(0)).joke.id == "pun-001"
    with pytest.raises(ValueError, match="allow_ratings must be a collection"):
        bank.pick(allow_ratings=("adult",), rng=random.Random(0))
    with pytest.raises(ValueError, match="allow_ratings must be a collection"):
        bank.pick(allow_ratings="teen", rng=random.Random(0))


# --- knock-knock conversation -----------------------------------------------------------------

LETTUCE = Joke(
    id="kk-999",
    category="knock-knock",
    kind="knockknock",
    setup="",
    punchline="Lettuce in, it's cold out here!",
    name="Lettuce",
)


def test_knock_knock_happy_path() -> None:
    kk = KnockKnock(LETTUCE)
    assert kk.stage is Stage.NOT_STARTED
    assert kk.start() == "Knock, knock!"
    assert not kk.done
    assert kk.hear("Who's there?") == "Lettuce."
    assert kk.stage is Stage.AWAIT_NAME_WHO
    assert kk.hear("Lettuce who?") == "Lettuce in, it's cold out here!"
    assert kk.done
    assert kk.hear("haha") is None


@pytest.mark.parametrize(
    "text",
    [
        "who's there?",
        "whos there",
        "Who is there??",
        "WHO’S THERE",
        "ok who's there",
        "whose there",
    ],
)
def test_whos_there_is_tolerant(text: str) -> None:
    assert is_whos_there(text)


@pytest.mark.parametrize("text", ["no thanks", "who are you", "there there", "what?"])
def test_whos_there_rejects_other_text(text: str) -> None:
    assert not is_whos_there(text)


@pytest.mark.parametrize("text", ["Lettuce who?", "lettuce who", "letuce who??", "who?"])
def test_name_who_is_tolerant(text: str) -> None:
    assert is_name_who(text, "Lettuce")


@pytest.mark.parametrize("text", ["cabbage who?", "lettuce", "who's there?", "tell me"])
def test_name_who_rejects_other_text(text: str) -> None:
    assert not is_name_who(text, "Lettuce")


def test_off_script_gets_one_nudge_then_continues() -> None:
    kk = KnockKnock(LETTUCE)
    kk.start()
    nudge = kk.hear("I don't like knock-knock jokes")
    assert nudge is not None and "Who's there?" in nudge
    assert not kk.done
    assert kk.hear("who's there") == "Lettuce."
    assert kk.hear("Lettuce who?") == LETTUCE.punchline


def test_second_off_script_reply_finishes_the_joke() -> None:
    kk = KnockKnock(LETTUCE)
    kk.start()
    kk.hear("what")
    finale = kk.hear("hmm?")
    assert finale is not None
    assert "Lettuce" in finale and finale.endswith(LETTUCE.punchline)
    assert kk.done


def test_off_script_at_the_name_step() -> None:
    kk = KnockKnock(LETTUCE)
    kk.start()
    kk.hear("who is there")
    nudge = kk.hear("banana")
    assert nudge == "Go on, ask \u201cLettuce who?\u201d"
    finale = kk.hear("no")
    assert finale is not None and finale.endswith(LETTUCE.punchline)
    assert kk.done


def test_nudge_is_given_only_once_per_joke() -> None:
    kk = KnockKnock(LETTUCE)
    kk.start()
    kk.hear("huh")  # the one nudge
    assert kk.hear("who's there") == "Lettuce."
    finale = kk.hear("what?")  # off script again: no second nudge
    assert finale is not None and finale.endswith(LETTUCE.punchline)
    assert kk.done


def test_knock_knock_misuse() -> None:
    kk = KnockKnock(LETTUCE)
    with pytest.raises(RuntimeError, match="start"):
        kk.hear("who's there")
    kk.start()
    with pytest.raises(RuntimeError, match="already started"):
        kk.start()
    qa = Joke(id="pun-1", category="puns", kind="qa", setup="Q?", punchline="A.")
    with pytest.raises(ValueError, match="not a knock-knock joke"):
        KnockKnock(qa)


def test_every_shipped_knock_knock_can_be_played(bank: JokeBank) -> None:
    for joke in bank.jokes("knock-knock"):
        kk = KnockKnock(joke)
        kk.start()
        assert kk.hear("who's there?") is not None
        assert kk.hear(f"{joke.name} who?") == joke.punchline, joke.id


# --- rendering --------------------------------------------------------------------------------


def test_render_question_and_answer(bank: JokeBank) -> None:
    joke = bank.by_id("space-003")
    assert as_plain(joke) == f"{joke.setup}\n{joke.punchline}"
    assert as_spoiler_text(joke) == f"{joke.setup}\n||{joke.punchline}||"


def test_render_one_liner(bank: JokeBank) -> None:
    joke = bank.by_id("one-001")
    assert as_plain(joke) == joke.setup
    assert as_spoiler_text(joke) == joke.setup
    assert "||" not in as_spoiler_text(joke)


def test_render_knock_knock() -> None:
    assert as_plain(LETTUCE).splitlines() == [
        "Knock, knock!",
        "Who's there?",
        "Lettuce.",
        "Lettuce who?",
        "Lettuce in, it's cold out here!",
    ]
    spoiler = as_spoiler_text(LETTUCE)
    assert spoiler.endswith("\n||Lettuce in, it's cold out here!||")
    assert spoiler.count("||") == 2


def test_every_shipped_joke_renders_with_exactly_one_spoiler(bank: JokeBank) -> None:
    for joke in bank:
        text = as_spoiler_text(joke)
        assert text.count("||") == (0 if joke.kind == "oneliner" else 2), joke.id
        assert len(text) < 400, joke.id
