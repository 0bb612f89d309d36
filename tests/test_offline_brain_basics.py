"""The offline brain's building blocks: intent detection, text helpers, facts, state, style."""

from __future__ import annotations

import random

import pytest

from bot.brain.base import ChatMessage, ChatRequest, Speaker
from bot.brain.offline import OfflineBrain, detect_intent, normalise
from bot.brain.offline_facts import answer_fact
from bot.brain.offline_intents import (
    detect_feeling,
    detect_mood,
    detect_share,
    is_crisis,
    name_given,
    split_greeting,
    wyr_options,
)
from bot.brain.offline_language import detect_language, fix_typos
from bot.brain.offline_memory import and_list, memory_name, read_memories
from bot.brain.offline_state import LRUMap
from bot.brain.offline_text import (
    apply_style,
    echoable,
    formalise,
    has_emoji,
    reflect,
    restore_case,
    safety_form,
    shorten,
    strip_emoji,
)
from persona import get_preset

SHANNON = get_preset("shannon")


def request(text: str, user_id: int = 1) -> ChatRequest:
    return ChatRequest(
        system_prompt="",
        messages=(ChatMessage("user", text, name="Sam"),),
        speaker=Speaker(user_id, "Sam", None, 10),
        persona=SHANNON,
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hi", "greeting"),
        ("Hello there!", "greeting"),
        ("hey hearth", "greeting"),
        ("good morning", "greeting"),
        ("yo", "greeting"),
        ("bonjour", "greeting"),
        ("thanks!", "thanks"),
        ("thank you so much", "thanks"),
        ("ty", "thanks"),
        ("no thanks", "decline"),
        ("bye", "farewell"),
        ("good night", "farewell"),
        ("gotta go, see ya", "farewell"),
        ("who are you?", "who_are_you"),
        ("what's your name", "who_are_you"),
        ("tell me about yourself", "who_are_you"),
        ("are you a real person?", "are_you_human"),
        ("are you human", "are_you_human"),
        ("am I talking to a bot?", "are_you_human"),
        ("r u real", "are_you_human"),
        ("you're just a bot", "you_are_bot"),
        ("what can you do?", "capabilities"),
        ("help", "capabilities"),
        ("how are you?", "how_are_you"),
        ("how's it going", "how_are_you"),
        ("what do you know about me?", "memory_query"),
        ("tell me a joke", "joke"),
        ("hi, tell me a joke", "joke"),
        ("quiz me", "quiz"),
        ("tell me a story about a fox", "story"),
        ("let's play an adventure", "adventure"),
        ("would you rather fly or swim?", "wyr"),
        ("what's 12 times 7", "fact"),
        ("I feel lonely today", "feeling"),
        ("I just got a puppy", "share"),
        ("what do you think about frogs?", "opinion"),
        ("i want to end my life", "crisis"),
        ("what's the capital of Peru?", "question"),
        ("quantum chromodynamics", None),
        ("😀🎉", "empty"),
        ("\u200b\u200d", "empty"),
        ("", "empty"),
        ("ＨＥＬＬＯ", "greeting"),  # fullwidth letters
        ("h\u200bi", "greeting"),  # zero-width space inside the word
        ("tel me a jok", "joke"),  # typos
    ],
)
def test_intents(text: str, intent: str | None) -> None:
    assert detect_intent(text) == intent


def test_normalise_removes_mentions_and_punctuation() -> None:
    assert normalise("<@123456789012345678> Hello, World!!") == "hello world"
    assert normalise("Whats UR name??") == "what is your name"


def test_split_greeting_keeps_the_request() -> None:
    assert split_greeting("hey there tell me a joke") == (True, "tell me a joke")
    assert split_greeting("hello") == (True, "")
    assert split_greeting("history is fun") == (False, "history is fun")


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        ("I want to kill myself", True),
        ("i don't want to live anymore", True),
        ("I can't go on", True),
        ("im suicidal", True),
        ("everyone would be better off without me", True),
        ("this joke is killing me", False),
        ("I want to die of laughter", False),
        ("I ran 5 kms today", False),
        ("my phone died", False),
    ],
)
def test_crisis_words(text: str, crisis: bool) -> None:
    assert is_crisis(safety_form(text)) is crisis


@pytest.mark.parametrize(
    ("text", "feeling", "negated"),
    [
        ("i feel lonely today", "lonely", False),
        ("i am so stressed out", "stressed", False),
        ("so bored", "bored", False),
        ("i am not happy", "happy", True),
        ("i am not stressed any more", "stressed", True),
        ("feeling kind of down today", "sad", False),
        ("i am so lonelyy", "lonely", False),  # stretched letters, as normalise leaves them
        ("i am scared of spiders", "anxious", False),
    ],
)
def test_detect_feeling(text: str, feeling: str, negated: bool) -> None:
    found = detect_feeling(normalise(text))
    assert found is not None
    assert (found.name, found.negated) == (feeling, negated)


@pytest.mark.parametrize(
    "text",
    ["do you ever feel lonely", "i am great at football", "i am down for pizza", "nice weather"],
)
def test_not_a_feeling(text: str) -> None:
    assert detect_feeling(normalise(text)) is None


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("good thanks", "good"),
        ("not bad, you?", "okay"),
        ("pretty rough", "bad"),
        ("meh", "okay"),
        ("i like trains", None),
    ],
)
def test_detect_mood(text: str, mood: str | None) -> None:
    assert detect_mood(normalise(text)) == mood


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I'm a nurse", "identity"),
        ("I just got a puppy", "got_pet"),
        ("I got a new bike", "got_new"),
        ("I got a bad grade", "negative"),
        ("I have a headache", "unwell"),
        ("my dog is called Biscuit", "named"),
        ("my grandma passed away", "grief"),
        ("my mum is sick", "care"),
        ("I'm learning Spanish", "doing"),
        ("I love pizza", "likes"),
        ("I hate Mondays", "dislikes"),
        ("I'm going to the beach tomorrow", "plans"),
        ("I passed my exam", "achieved"),
        ("it's my birthday", "birthday"),
        ("I'm from Canada", "from"),
    ],
)
def test_detect_share(text: str, kind: str) -> None:
    share = detect_share(normalise(text))
    assert share is not None
    assert share.kind == kind


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("my name is Priya", "Priya"),
        ("call me sam", "sam"),
        ("I'm Priya", "Priya"),
        ("hi, I'm Jean-Luc", "Jean-Luc"),
        ("I'm tired", None),
        ("I'm Canadian", None),
        ("call me later", None),
    ],
)
def test_name_given(raw: str, name: str | None) -> None:
    assert name_given(raw) == name


def test_wyr_options() -> None:
    assert wyr_options("would you rather fly or be invisible") == ("fly", "be invisible")
    assert wyr_options("would you rather") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Hola, cómo estás? ¿Qué tal tu día?", "Spanish"),
        ("Bonjour, comment ça va aujourd'hui ?", "French"),
        ("Wie geht es dir heute?", "German"),
        ("こんにちは、元気ですか", "Japanese"),
        ("Привет, как дела?", ""),
        ("I want to die", None),
        ("hello there, how are you?", None),
        ("merci", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_fix_typos_repairs_command_words_only() -> None:
    assert fix_typos("tell me a jok") == "tell me a joke"
    assert fix_typos("qiuz me") == "quiz me"
    assert fix_typos("tell me a stroy") == "tell me a story"
    assert fix_typos("there is a storm") == "there is a storm"  # a real word stays


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("what's 12 times 7", "84"),
        ("What is 12*7?", "84"),
        ("what is twelve times seven", "84"),
        ("15% of 80", "12"),
        ("what's the square root of 81", "9"),
        ("(2+3)*4", "20"),
        ("5 miles in km", "8.05 kilometres"),
        ("how many feet in a mile", "5,280 feet"),
        ("what is 30 c in f", "86 °F"),
        ("100 fahrenheit in celsius", "37.78 °C"),
        ("convert 10 kg to pounds", "22.05 pounds"),
    ],
)
def test_answer_fact(text: str, answer: str) -> None:
    fact = answer_fact(text)
    assert fact is not None
    assert answer in fact.text


@pytest.mark.parametrize(
    "text", ["who won the world cup in 2018", "i have 2 dogs", "2**1000", "hello", "i am 12"]
)
def test_answer_fact_leaves_other_lines_alone(text: str) -> None:
    assert answer_fact(text) is None


def test_division_by_zero_is_explained() -> None:
    fact = answer_fact("what is 1/0")
    assert fact is not None and "undefined" in fact.text


def test_text_helpers() -> None:
    assert reflect("my dog likes me") == "your dog likes you"
    assert echoable("a new bike") == "a new bike"
    assert echoable("x" * 30) is None
    assert echoable("one two three four five six seven") is None
    assert restore_case("learning spanish", "I'm learning Spanish") == "learning Spanish"
    assert strip_emoji("Hi 👋 there ✨!") == "Hi there!"
    assert not has_emoji("It is 30 °C — warm.")


def test_style_helpers() -> None:
    assert formalise("I'm sure it's fine, don't worry.") == "I am sure it is fine, do not worry."
    assert shorten("One. Two. Three?") == "One. Three?"
    assert shorten("One. Two. Three.") == "One. Two."
    assert shorten("One. Two?") == "One. Two?"
    brief = SHANNON.with_changes(**{"style.verbosity": "brief", "style.emoji": "none"})
    assert apply_style("Hey 👋 there. Two. Three?", brief, styled=True) == "Hey there. Three?"
    assert apply_style("Keep 👋 this. Two. Three?", brief, styled=False) == "Keep this. Two. Three?"
    lots = SHANNON.with_changes(**{"style.emoji": "lots"})
    assert has_emoji(apply_style("Hello there.", lots, styled=True))
    assert not has_emoji(apply_style("A joke.", lots, styled=False))


def test_memory_helpers() -> None:
    assert read_memories(["name: Priya", 3, "  ", "likes {cats}"]) == (
        "name: Priya",
        "likes (cats)",
    )
    assert read_memories("name: Priya") == ()
    assert len(read_memories(["x"] * 100)) == 20
    assert memory_name(["has a dog", "Name: priya"]) == "Priya"
    assert memory_name(["has a dog"]) is None
    assert and_list(["a", "b", "c"]) == "a, b and c"


def test_lru_map_forgets_the_least_recently_used() -> None:
    lru: LRUMap[str, int] = LRUMap(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # "a" is now the most recent
    lru.put("c", 3)
    assert "b" not in lru and "a" in lru and "c" in lru
    with pytest.raises(ValueError, match="capacity"):
        LRUMap(0)


def test_human_question_always_gets_an_honest_ai_answer() -> None:
    brain = OfflineBrain(random.Random(1))
    for _ in range(12):
        assert "AI" in brain.reply(request("are you a real person?"))


def test_greeting_uses_the_persona_lines_and_the_users_name() -> None:
    reply = OfflineBrain(random.Random(3)).reply(request("hello"))
    rendered = {SHANNON.render_line(line, user="Sam") for line in SHANNON.greetings}
    assert reply in rendered


def test_does_not_repeat_a_recent_reply_while_alternatives_remain() -> None:
    brain = OfflineBrain(random.Random(4))
    replies = [brain.reply(request("hello")) for _ in range(len(SHANNON.greetings))]
    assert len(set(replies)) == len(replies)


def test_recent_replies_are_tracked_per_user() -> None:
    brain = OfflineBrain(random.Random(5))
    replies = [brain.reply(request("thanks", user_id=1)) for _ in range(3)]
    assert len(set(replies)) == 3
    other = brain.reply(request("thanks", user_id=2))
    assert other  # a new user may hear any of them again
