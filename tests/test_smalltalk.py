"""Tests for the small-talk corpus (bot/content/data/smalltalk) and its retriever."""

from __future__ import annotations

import random
import re
import string
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.content.smalltalk import (
    ALLOWED_PLACEHOLDERS,
    MAX_QUERY_WORDS,
    CorpusError,
    Match,
    SmallTalkCorpus,
    choose_line,
    fill_placeholders,
    is_continuation,
    load_corpus,
    load_corpus_from,
    normalise,
)


@pytest.fixture(scope="module")
def corpus() -> SmallTalkCorpus:
    return load_corpus()


# ---------------------------------------------------------------------------------------------
# The shipped corpus
# ---------------------------------------------------------------------------------------------


def test_corpus_size_and_topics(corpus: SmallTalkCorpus) -> None:
    assert len(corpus) >= 500
    topics = corpus.topics()
    assert len(topics) >= 25
    required = {
        "food", "music", "films", "books", "games", "pets", "weather", "work", "school",
        "sports", "travel", "hobbies", "weekends", "sleep", "technology", "space", "nature",
        "art", "friendship", "motivation", "philosophy", "holidays", "coding", "cooking",
        "fitness", "mornings",
    }  # fmt: skip
    assert required <= set(topics)
    per_topic = Counter(entry.topic for entry in corpus.entries)
    assert min(per_topic.values()) >= 15, per_topic


def test_every_entry_has_varied_prompts_and_replies(corpus: SmallTalkCorpus) -> None:
    for entry in corpus.entries:
        assert 2 <= len(entry.patterns) <= 5, entry.id
        assert 2 <= len(entry.responses) <= 4, entry.id
        assert entry.id.startswith(entry.topic + "."), entry.id
    ids = [entry.id for entry in corpus.entries]
    assert len(ids) == len(set(ids))


def test_enough_responses_keep_the_conversation_going(corpus: SmallTalkCorpus) -> None:
    responses = [r for entry in corpus.entries for r in entry.responses]
    questions = sum(r.rstrip().endswith("?") for r in responses)
    assert questions / len(responses) >= 0.40


def test_only_known_placeholders(corpus: SmallTalkCorpus) -> None:
    for entry in corpus.entries:
        for line in entry.responses + entry.follow_ups:
            names = {f for _, f, _, _ in string.Formatter().parse(line) if f is not None}
            assert names <= ALLOWED_PLACEHOLDERS, (entry.id, line)
    used = {
        f
        for entry in corpus.entries
        for line in entry.responses
        for _, f, _, _ in string.Formatter().parse(line)
        if f
    }
    assert "user" in used  # the placeholder path is exercised by real content


# The bot is an AI and says so: it never claims a body, a childhood or human experiences.
HUMAN_CLAIMS = (
    "i ate", "i've eaten", "my body", "my stomach", "when i was a kid", "when i was little",
    "when i was young", "as a kid i", "i'm human", "i am human", "i'm a human", "i am a person",
    "i'm a real person", "my mum", "my dad", "my parents", "my childhood", "i grew up",
    "i was born", "i tasted", "i slept", "last night i", "i've been to", "i visited",
    "i watched", "i went to", "my hometown", "my girlfriend", "my boyfriend", "i drank",
)  # fmt: skip


def test_no_response_claims_to_be_human(corpus: SmallTalkCorpus) -> None:
    offenders = []
    for entry in corpus.entries:
        for line in entry.responses + entry.follow_ups:
            low = line.casefold().replace("\u2019", "'")
            offenders += [(entry.id, phrase, line) for phrase in HUMAN_CLAIMS if phrase in low]
    assert offenders == []


def test_every_pattern_retrieves_its_own_entry(corpus: SmallTalkCorpus) -> None:
    # Guards against near-duplicate patterns that would make an entry unreachable.
    for entry in corpus.entries:
        for pattern in entry.patterns:
            match = corpus.match(pattern)
            assert match is not None and match.entry.id == entry.id, (entry.id, pattern, match)


def test_load_corpus_is_cached() -> None:
    assert load_corpus() is load_corpus()


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("What's your FAVE movie?!", "what is your favourite movie"),
        ("whats ur fav colour", "what is your favourite colour"),
        ("What is your favorite color", "what is your favourite colour"),
        ("I can\u2019t sleep", "i cannot sleep"),
        ("do u like dogs 🐶🐶", "do you like dogs"),
        ("he\u200bllo\u200d there", "hello there"),
        ("soooo tired", "so tired"),
        ("I'm gonna go", "i am going to go"),
        ("my cat's toy", "my cat toy"),
        ("🙂 🎉", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


# ---------------------------------------------------------------------------------------------
# Retrieval: lines that must land on the right topic. None of these is a verbatim pattern.
# ---------------------------------------------------------------------------------------------

MUST_MATCH = [
    ("whats ur fave movie", "films"),
    ("do u like dogs", "pets"),
    ("I can't sleep lately", "sleep"),
    ("what's your favorite food??", "food"),
    ("wat food do u like", "food"),
    ("can u eat anything", "food"),
    ("do you like piza", "food"),
    ("i'm so hungry rn", "food"),
    ("whats ur go to snack", "food"),
    ("what kinda music do u listen to", "music"),
    ("do you play any instruments", "music"),
    ("i'm learning the guitar", "music"),
    ("got any song recommendations?", "music"),
    ("do you have a favourite band", "music"),
    ("do you lik musik", "music"),
    ("do you like to dance", "music"),
    ("have you watched any good films", "films"),
    ("do you like scary movies", "films"),
    ("what should i watch tonite", "films"),
    ("any good tv shows", "films"),
    ("whats your favrite movei", "films"),
    ("whats the best film ever", "films"),
    ("what's the best book you have read", "books"),
    ("do you like to read", "books"),
    ("recommend me a good book pls", "books"),
    ("do you play videogames", "games"),
    ("which games do u like the most", "games"),
    ("are you any good at chess", "games"),
    ("have u got any pets", "pets"),
    ("I love cats!!", "pets"),
    ("my dog is sooo cute", "pets"),
    ("dogs or cats, which do you prefer", "pets"),
    ("i got a new puppy!!", "pets"),
    ("my kitten keeps biting me", "pets"),
    ("whats the weather like there", "weather"),
    ("it's raining again ugh", "weather"),
    ("it's freezing today", "weather"),
    ("ugh it's so hot today", "weather"),
    ("omg its snowing outside", "weather"),
    ("i had a terrible day at work", "work"),
    ("what do you do for work", "work"),
    ("i hate mondays so much", "work"),
    ("i got the job!", "work"),
    ("i have an exam tomorrow and im nervous", "school"),
    ("so much homework", "school"),
    ("i failed my maths test", "school"),
    ("do you like fotball", "sports"),
    ("which football club do u support", "sports"),
    ("i love going for runs", "sports"),
    ("my team lost again", "sports"),
    ("where would you travel if you could", "travel"),
    ("im going on holiday next week", "travel"),
    ("where do u come from", "travel"),
    ("i'm scared of flying", "travel"),
    ("got any hobbies?", "hobbies"),
    ("im so bored rn", "hobbies"),
    ("i collect pokemon cards", "hobbies"),
    ("any plans for the weekend?", "weekends"),
    ("how was your weekend then", "weekends"),
    ("do bots ever sleep", "sleep"),
    ("I've been having trouble sleeping", "sleep"),
    ("i had a really weird dream", "sleep"),
    ("im soo tired", "sleep"),
    ("i have insomnia lately", "sleep"),
    ("wait are you actually a robot", "technology"),
    ("r u human", "technology"),
    ("how old r u", "technology"),
    ("do you have real feelings", "technology"),
    ("my laptop is sooo slow", "technology"),
    ("do you think aliens exist", "space"),
    ("which planet is your fave", "space"),
    ("i saw a shooting star!", "space"),
    ("are you into nature", "nature"),
    ("i went on a hike", "nature"),
    ("i'm scared of spiders", "nature"),
    ("whats your favourite color", "art"),
    ("i like to draw", "art"),
    ("i love painting", "art"),
    ("have you got any friends", "friendship"),
    ("i feel so lonely", "friendship"),
    ("i had a fight with my best friend", "friendship"),
    ("i'm so unmotivated", "motivation"),
    ("i procrastinate way too much", "motivation"),
    ("im proud of myself", "motivation"),
    ("whats the meaning of life anyway", "philosophy"),
    ("is a hotdog a sandwich", "philosophy"),
    ("do we have free will?", "philosophy"),
    ("its my birthday!", "holidays"),
    ("happy new year everyone!!", "holidays"),
    ("happy halloween!", "holidays"),
    ("whats your favourite programming language", "coding"),
    ("my code doesn't work", "coding"),
    ("i'm learning python", "coding"),
    ("i'm baking a cake", "cooking"),
    ("i burned my dinner", "cooking"),
    ("hey do you like pasta", "cooking"),
    ("do you ever work out", "fitness"),
    ("i just got back from the gym", "fitness"),
    ("i'm so sore from the gym", "fitness"),
    ("are you a coffee fan", "mornings"),
    ("tea or coffee?", "mornings"),
    ("i need coffee so bad", "mornings"),
    ("my houseplant is dying", "gardening"),
    ("i planted some seeds", "gardening"),
    ("how many languages can you speak", "languages"),
    ("im learning spanish", "languages"),
    ("tell me a cool science fact", "science"),
    ("whats ur favorite dinosaur", "science"),
]


def test_must_match_table_is_not_just_the_patterns(corpus: SmallTalkCorpus) -> None:
    raw = {p for entry in corpus.entries for p in entry.patterns}
    assert [line for line, _ in MUST_MATCH if line in raw] == []
    # Most lines are real paraphrases, not just the same words spelled differently.
    normalised = {normalise(p) for p in raw}
    paraphrases = [line for line, _ in MUST_MATCH if normalise(line) not in normalised]
    assert len(paraphrases) >= 0.7 * len(MUST_MATCH)
    assert len(MUST_MATCH) >= 60


@pytest.mark.parametrize(("line", "topic"), MUST_MATCH)
def test_matches_right_topic(corpus: SmallTalkCorpus, line: str, topic: str) -> None:
    match = corpus.match(line)
    assert match is not None, f"{line!r} matched nothing; best: {corpus.rank(line, limit=3)}"
    assert match.topic == topic, f"{line!r} -> {match.entry.id} ({match.score})"
    assert match.topic == match.entry.topic
    assert match.score >= corpus.min_score


MUST_NOT_MATCH = [
    "what's the capital of Peru?",
    "what is the capital of australia",
    "asdfgh",
    "jkljkl",
    "qwertyuiop zxcv",
    "blorp zibble wobbits",
    "lorem ipsum dolor sit amet",
    "",
    "   ",
    "🙂🙂🙂",
    "😂",
    "???",
    "\u200b\u200b",
    "what is 17 times 23",
    "what's 15 percent of 80",
    "who was the first president of the united states",
    "what year did the titanic sink",
    "who won the world cup in 1998",
    "what is the population of china",
    "how tall is mount everest",
    "what is the boiling point of mercury",
    "how many bones are in the human body",
    "how many planets are there",
    "who invented the telephone",
    "who discovered penicillin",
    "what is the atomic number of gold",
    "explain quantum entanglement",
    "how do i file my taxes",
    "how do i reset my router",
    "who is the ceo of google",
    "set a timer for ten minutes",
    "the mitochondria is the powerhouse of the cell",
    "why",
    "what about you",
    "thanks",
    "ok",
    # A paragraph deserves a real answer, not a canned line (and this one mentions work).
    "I was thinking about how the meeting notes from last quarter should be reorganised and "
    "filed under the new system that finance introduced at work, but nobody told the regional "
    "offices about the change so everything is in the wrong folders again and I am annoyed",
]


@pytest.mark.parametrize("line", MUST_NOT_MATCH)
def test_does_not_match_off_topic(corpus: SmallTalkCorpus, line: str) -> None:
    assert corpus.match(line) is None, corpus.rank(line, limit=2)


def test_long_text_is_refused_even_when_on_topic(corpus: SmallTalkCorpus) -> None:
    line = "do you like dogs " * (MAX_QUERY_WORDS // 4 + 1)
    assert len(line.split()) > MAX_QUERY_WORDS
    assert corpus.match(line) is None
    assert corpus.match("do you like dogs") is not None


def test_lower_threshold_can_be_asked_for(corpus: SmallTalkCorpus) -> None:
    line = "my wifi keeps dropping"
    assert corpus.match(line) is None
    loose = corpus.match(line, min_score=40)
    assert loose is not None and loose.topic == "technology"


# ---------------------------------------------------------------------------------------------
# Topic hint
# ---------------------------------------------------------------------------------------------


def test_topic_hint_steers_an_ambiguous_follow_up(corpus: SmallTalkCorpus) -> None:
    line = "got any recommendations?"
    plain = corpus.match(line)
    assert plain is not None and plain.topic != "music"
    hinted = corpus.match(line, topic_hint="music")
    assert hinted is not None and hinted.topic == "music"
    unhinted_music = next(m for m in corpus.rank(line, limit=10) if m.topic == "music")
    assert hinted.score > unhinted_music.score


def test_topic_hint_lifts_a_weak_line_over_the_threshold(corpus: SmallTalkCorpus) -> None:
    line = "do you have a favourite"
    hinted = corpus.match(line, topic_hint="books")
    assert hinted is not None and hinted.topic == "books"
    assert corpus.match(line, topic_hint="space") is not None
    assert corpus.match(line, topic_hint="space").topic == "space"  # type: ignore[union-attr]


def test_topic_hint_does_not_hijack_a_clear_line(corpus: SmallTalkCorpus) -> None:
    match = corpus.match("do you like dogs", topic_hint="music")
    assert match is not None and match.topic == "pets"


def test_topic_hint_never_makes_off_topic_match(corpus: SmallTalkCorpus) -> None:
    for topic in corpus.topics():
        assert corpus.match("what's the capital of Peru?", topic_hint=topic) is None
        assert corpus.match("asdfgh", topic_hint=topic) is None


# ---------------------------------------------------------------------------------------------
# Choosing replies
# ---------------------------------------------------------------------------------------------


def test_avoid_list_is_honoured(corpus: SmallTalkCorpus) -> None:
    entry = corpus.get("food.favourite")
    match = Match(entry=entry, score=100.0, topic=entry.topic)
    assert len(entry.responses) == 3
    avoid = list(entry.responses[:2])
    for seed in range(30):
        assert match.choose_response(random.Random(seed), avoid) == entry.responses[2]


def test_avoid_list_all_used_picks_the_least_recent(corpus: SmallTalkCorpus) -> None:
    entry = corpus.get("food.favourite")
    match = Match(entry=entry, score=100.0, topic=entry.topic)
    avoid = [entry.responses[1], entry.responses[2], entry.responses[0]]  # oldest first
    assert match.choose_response(random.Random(1), avoid) == entry.responses[1]


def test_responses_vary_without_avoid_list(corpus: SmallTalkCorpus) -> None:
    entry = corpus.get("pets.dogs")
    match = Match(entry=entry, score=100.0, topic=entry.topic)
    rng = random.Random(7)
    seen = {match.choose_response(rng, ()) for _ in range(60)}
    assert seen == set(entry.responses)


def test_filled_placeholders_count_as_used() -> None:
    lines = ["Happy birthday, {user}! Cake?", "Many happy returns!"]
    avoid = ["Happy birthday, Sam! Cake?"]
    for seed in range(20):
        assert choose_line(lines, random.Random(seed), avoid) == "Many happy returns!"


def test_choose_response_fills_placeholders(corpus: SmallTalkCorpus) -> None:
    entry = corpus.get("holidays.birthday")
    match = Match(entry=entry, score=100.0, topic=entry.topic)
    templated = next(r for r in entry.responses if "{user}" in r)
    others = [r for r in entry.responses if r != templated]
    reply = match.choose_response(random.Random(0), others, user="Sam", name="Shannon")
    assert reply == fill_placeholders(templated, user="Sam", name="Shannon")
    assert "Sam" in reply and "{" not in reply


def test_follow_ups(corpus: SmallTalkCorpus) -> None:
    with_follow_ups = corpus.get("pets.dogs")
    match = Match(entry=with_follow_ups, score=90.0, topic="pets")
    assert match.choose_follow_up(random.Random(0)) in with_follow_ups.follow_ups
    without = corpus.get("food.pineapple_pizza")
    assert without.follow_ups == ()
    assert Match(entry=without, score=90.0, topic="food").choose_follow_up(random.Random(0)) is None


@pytest.mark.parametrize("line", ["me too", "Yeah!", "why?", "same here", "what about you?"])
def test_is_continuation(line: str) -> None:
    assert is_continuation(line)


@pytest.mark.parametrize("line", ["do you like dogs", "i have a cat", ""])
def test_is_not_continuation(line: str) -> None:
    assert not is_continuation(line)


# ---------------------------------------------------------------------------------------------
# Steering when nothing matched
# ---------------------------------------------------------------------------------------------


def test_topic_prompt_invites_the_named_topic(corpus: SmallTalkCorpus) -> None:
    topic = corpus.topic("music")
    for seed in range(10):
        line = corpus.topic_prompt("music", random.Random(seed))
        assert any(line.endswith(invitation) for invitation in topic.invitations)
        assert len(line) < 200


def test_topic_prompt_for_every_topic_and_random(corpus: SmallTalkCorpus) -> None:
    for name in corpus.topics():
        assert corpus.topic_prompt(name, random.Random(0))
    picked = {corpus.topic_prompt(None, random.Random(seed)) for seed in range(20)}
    assert len(picked) > 5


def test_topic_prompt_unknown_topic(corpus: SmallTalkCorpus) -> None:
    with pytest.raises(ValueError, match=r"unknown small-talk topic 'knitting'.*music"):
        corpus.topic_prompt("knitting", random.Random(0))


# ---------------------------------------------------------------------------------------------
# Broken corpus files
# ---------------------------------------------------------------------------------------------

GOOD_FILE = """\
[topic]
name = "{topic}"
label = "{topic}"
invitations = ["shall we talk about {topic}?"]

[[entries]]
id = "{topic}.one"
patterns = ["do you like {topic}", "what do you think of {topic}"]
responses = ["I like it! Do you?", "It's great, {{user}}."]
"""


def _write(directory: Path, name: str, text: str) -> None:
    (directory / f"{name}.toml").write_text(text, encoding="utf-8")


def test_minimal_good_corpus_loads(tmp_path: Path) -> None:
    _write(tmp_path, "kites", GOOD_FILE.format(topic="kites"))
    _write(tmp_path, "owls", GOOD_FILE.format(topic="owls"))
    loaded = load_corpus_from(tmp_path)
    assert loaded.topics() == ("kites", "owls")
    match = loaded.match("do u like owls?")
    assert match is not None and match.entry.id == "owls.one"
    assert loaded.match("what is the capital of peru") is None


def _entry(body: str, topic: str = "kites") -> str:
    header = f'[topic]\nname = "{topic}"\nlabel = "{topic}"\ninvitations = ["talk?"]\n\n'
    return header + body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[[entries]]\nid = "kites.a"\npatterns = []\nresponses = ["a?", "b?"]\n',
            r"kites\.toml: entry #1 \(id 'kites\.a'\): patterns: List should have at least 2",
        ),
        (
            '[[entries]]\nid = "kites.a"\npatterns = ["fly a kite", "  "]\n'
            'responses = ["a?", "b"]\n',
            r"kites\.toml: entry #1 \(id 'kites\.a'\): patterns\.1: String should have at least 1",
        ),
        (
            '[[entries]]\nid = "kites.a"\npatterns = ["fly a kite", "kites"]\nresponses = ["a?"]\n',
            r"kites\.toml: entry #1 \(id 'kites\.a'\): responses: List should have at least 2",
        ),
        (
            '[[entries]]\nid = "kites.a"\npatterns = ["fly a kite", "kites"]\n'
            'responses = ["Hi {username}!", "b"]\n',
            r"kites\.toml: entry 'kites\.a': response 'Hi \{username\}!' uses unknown "
            r"placeholder\(s\) \{username\}; only \{user\} and \{name\} are allowed",
        ),
        (
            '[[entries]]\nid = "kites.a"\npatterns = ["fly a kite", "kites"]\n'
            'responses = ["Hi {user", "b"]\nfollow_ups = []\n',
            r"kites\.toml: entry 'kites\.a': response 'Hi \{user'",
        ),
        (
            '[[entries]]\nid = "kites.a"\npatterns = ["fly a kite", "kites"]\n'
            'responses = ["a", "b"]\nfollow_ups = ["{user:>10}"]\n',
            r"entry 'kites\.a': follow_up .*must not have a format spec",
        ),
        (
            '[[entries]]\nid = "kites.a"\npatterns = ["fly a kite", "kites"]\n'
            'response = ["a", "b"]\n',
            r"kites\.toml: entry #1 \(id 'kites\.a'\): responses: Field required; "
            r"response: Extra inputs are not permitted",
        ),
        (
            '[[entries]]\nid = "Kites A"\npatterns = ["fly a kite", "kites"]\n'
            'responses = ["a", "b"]\n',
            r"entry #1 \(id 'Kites A'\): id: String should match pattern",
        ),
        (
            '[[entries]]\nid = "owls.a"\npatterns = ["fly a kite", "kites"]\n'
            'responses = ["a", "b"]\n',
            r"kites\.toml: entry 'owls\.a': id must start with 'kites\.'",
        ),
        (
            '[[entries]]\nid = "kites.a"\ntopic = "owls"\npatterns = ["fly a kite", "kites"]\n'
            'responses = ["a", "b"]\n',
            r"entry 'kites\.a': topic 'owls' differs from the file's topic 'kites'",
        ),
        (
            '[[entries]]\nid = "kites.a"\npatterns = ["fly a kite", "kites"]\n'
            'responses = ["same", "same"]\n',
            r"kites\.toml: entry 'kites\.a': the same response appears twice",
        ),
        (
            '[[entries]]\nid = "kites.a"\npatterns = ["fly a kite", "🪁🪁"]\n'
            'responses = ["a", "b"]\n',
            r"entry 'kites\.a': pattern '🪁🪁' has no words left after normalisation",
        ),
        (
            '[[entries]]\nid = "kites.a"\npatterns = ["fly a kite", "Fly a kite!"]\n'
            'responses = ["a", "b"]\n',
            r"entry 'kites\.a': pattern 'Fly a kite!' duplicates a pattern of this entry",
        ),
    ],
)
def test_broken_entry_errors(tmp_path: Path, body: str, message: str) -> None:
    _write(tmp_path, "kites", _entry(body))
    with pytest.raises(CorpusError, match=message):
        load_corpus_from(tmp_path)


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "kites", GOOD_FILE.format(topic="kites"))
    clash = GOOD_FILE.format(topic="owls").replace('id = "owls.one"', 'id = "kites.one"')
    clash = clash.replace("do you like owls", "owls are great")
    _write(tmp_path, "owls", _entry(clash.split("\n\n", 1)[1], topic="owls"))
    with pytest.raises(CorpusError, match=r"owls\.toml: entry 'kites\.one'"):
        load_corpus_from(tmp_path)


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    first = GOOD_FILE.format(topic="kites")
    second = first.replace("do you like kites", "kites are lovely").replace(
        "what do you think of kites", "tell me about kites"
    )
    (tmp_path / "kites.toml").write_text(first + "\n" + second.split("\n\n", 1)[1])
    with pytest.raises(
        CorpusError, match=r"kites\.toml: entry 'kites\.one': duplicate id, already used in"
    ):
        load_corpus_from(tmp_path)


def test_duplicate_pattern_across_entries_after_normalisation(tmp_path: Path) -> None:
    _write(tmp_path, "kites", GOOD_FILE.format(topic="kites"))
    other = _entry(
        '[[entries]]\nid = "owls.a"\npatterns = ["Do U like KITES?!", "owls"]\n'
        'responses = ["a", "b"]\n',
        topic="owls",
    )
    _write(tmp_path, "owls", other)
    with pytest.raises(
        CorpusError,
        match=re.escape(
            "owls.toml: entry 'owls.a': pattern 'Do U like KITES?!' duplicates a pattern of "
            "'kites.one' (kites.toml) (both normalise to 'do you like kites')"
        ),
    ):
        load_corpus_from(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[topic\nname=", r"kites\.toml: not valid TOML"),
        ('[[entries]]\nid = "kites.a"\n', r"kites\.toml: expected a \[topic\] table.*topic: Field"),
        (
            '[topic]\nname = "kites"\nlabel = "kites"\ninvitations = ["x?"]\n',
            r"kites\.toml: .*entries: Field required",
        ),
        (
            '[topic]\nname = "owls"\nlabel = "owls"\ninvitations = ["x?"]\n\n[[entries]]\n'
            'id = "owls.a"\npatterns = ["a b", "c d"]\nresponses = ["a", "b"]\n',
            r"kites\.toml: topic name 'owls' must match the file name",
        ),
        (
            '[topic]\nname = "kites"\nlabel = "kites"\ninvitations = []\n\n[[entries]]\n'
            'id = "kites.a"\npatterns = ["a b", "c d"]\nresponses = ["a", "b"]\n',
            r"kites\.toml: .*topic\.invitations: List should have at least 1",
        ),
    ],
)
def test_broken_file_errors(tmp_path: Path, text: str, message: str) -> None:
    _write(tmp_path, "kites", text)
    with pytest.raises(CorpusError, match=message):
        load_corpus_from(tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "kites.toml").write_bytes(b'[topic]\nname = "\xff"\n')
    with pytest.raises(CorpusError, match=r"kites\.toml: not UTF-8"):
        load_corpus_from(tmp_path)


def test_missing_or_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"has no \*\.toml topic files"):
        load_corpus_from(tmp_path)
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus_from(tmp_path / "nope")


# ---------------------------------------------------------------------------------------------
# Speed (printed, never asserted: run with -s to see it)
# ---------------------------------------------------------------------------------------------


def test_match_speed_is_reported(corpus: SmallTalkCorpus) -> None:
    lines = [line for line, _ in MUST_MATCH] + MUST_NOT_MATCH
    expected = [topic for _, topic in MUST_MATCH] + [None] * len(MUST_NOT_MATCH)
    corpus.match("warm up")
    rounds = 5
    start = time.perf_counter()
    for _ in range(rounds):
        got = [getattr(corpus.match(line), "topic", None) for line in lines]
    per_match = (time.perf_counter() - start) / (rounds * len(lines))
    print(f"\nsmall-talk match: {per_match * 1e6:.0f} µs mean over {len(lines)} lines")
    assert got == expected
