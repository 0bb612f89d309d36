"""The offline brain in conversation: what each kind of line gets, and whole chats.

The table asserts properties of replies (the route the brain took, and what the reply must
contain or do), never exact strings, so lines can be reworded without breaking tests.
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import time
from collections.abc import Callable, Sequence

import pytest

from bot.brain.base import ChatMessage, ChatRequest, Speaker
from bot.brain.offline import OfflineBrain
from bot.brain.offline_text import has_emoji
from bot.content.jokes import KNOCK_LINE, load_joke_bank
from bot.content.smalltalk import fill_placeholders, load_corpus
from bot.games.trivia import Question, load_bank
from persona import Persona, get_preset

SHANNON = get_preset("shannon")
USER = "Sam"
CHANNEL = 10

Check = Callable[[str], bool]


def make_request(
    text: str,
    *,
    user_id: int = 1,
    channel_id: int = CHANNEL,
    persona: Persona = SHANNON,
    extra: dict[str, object] | None = None,
    history: Sequence[ChatMessage] = (),
) -> ChatRequest:
    return ChatRequest(
        system_prompt="",
        messages=(*history, ChatMessage("user", text, name=USER)),
        speaker=Speaker(user_id, USER, None, channel_id),
        persona=persona,
        extra=extra or {},
    )


class Chat:
    """One user chatting with a brain (fresh by default)."""

    def __init__(
        self,
        brain: OfflineBrain | None = None,
        *,
        user_id: int = 1,
        channel_id: int = CHANNEL,
        persona: Persona = SHANNON,
        seed: int = 1,
    ) -> None:
        self.brain = brain or OfflineBrain(random.Random(seed))
        self.user_id = user_id
        self.channel_id = channel_id
        self.persona = persona
        self.replies: list[str] = []

    def say(self, text: str, **extra: object) -> str:
        reply = self.brain.reply(
            make_request(
                text,
                user_id=self.user_id,
                channel_id=self.channel_id,
                persona=self.persona,
                extra=dict(extra),
            )
        )
        self.replies.append(reply)
        return reply

    @property
    def route(self) -> str | None:
        return self.brain.last_route(self.user_id, self.channel_id)


# --- properties ----------------------------------------------------------------------------------

_CONTRADICTS_AI = re.compile(
    r"\b(?:i am|i'm|im) (?:a |an )?(?:human|real person|person|not an? (?:ai|bot|robot|program)"
    r"|alive|flesh and blood)\b",
    re.IGNORECASE,
)
_SLOT = re.compile(r"\{[A-Za-z_]*\}")


def basic_problems(reply: str) -> list[str]:
    """Properties every reply must have."""
    problems = []
    if not reply.strip():
        problems.append("empty reply")
    if len(reply) >= 2000:
        problems.append(f"{len(reply)} characters")
    if _SLOT.search(reply):
        problems.append("unfilled slot")
    if _CONTRADICTS_AI.search(reply.replace("\u2019", "'")):
        problems.append("claims to be human")
    return problems


def says_ai(reply: str) -> bool:
    return bool(re.search(r"\b(?:AI|bot|computer program|program)\b", reply))


def asks(reply: str) -> bool:
    return "?" in reply


def ends_with_question(reply: str) -> bool:
    return bool(re.search(r"\?\W*$", reply))


def empathetic(reply: str) -> bool:
    warm = re.search(
        r"\b(?:sorry|hard|tough|here|listen|listening|sounds|hear you|rough|heavy|glad|ugh|oof|"
        r"frustrating|exhausting|fix that|rest|lovely|great|brilliant|proud|exciting|love)\b",
        reply,
        re.IGNORECASE,
    )
    return bool(warm) and ends_with_question(reply)


def helpline(reply: str) -> bool:
    return "988" in reply and "findahelpline.com" in reply


def honest_unknown(reply: str) -> bool:
    return bool(
        re.search(
            r"don't know|not sure|can't look|beyond what I know|stumps me|can't check|"
            r"internet|search|guess|I'd only be guessing",
            reply,
            re.IGNORECASE,
        )
    )


def contains(*words: str) -> Check:
    def check(reply: str) -> bool:
        return all(w.lower() in reply.lower() for w in words)

    check.__name__ = f"contains{words}"
    return check


def contains_any(*words: str) -> Check:
    def check(reply: str) -> bool:
        return any(w.lower() in reply.lower() for w in words)

    check.__name__ = f"contains_any{words}"
    return check


def lacks(*words: str) -> Check:
    def check(reply: str) -> bool:
        return not any(w.lower() in reply.lower() for w in words)

    check.__name__ = f"lacks{words}"
    return check


def from_joke_bank(reply: str) -> bool:
    if reply.rstrip().endswith(KNOCK_LINE):
        return True
    return any(joke.setup and joke.setup in reply for joke in load_joke_bank())


def trivia_question_in(reply: str) -> Question | None:
    for question in load_bank().questions:
        if f"**{question.question}**" in reply:
            return question
    return None


def is_quiz_question(reply: str) -> bool:
    return trivia_question_in(reply) is not None


def is_story(reply: str) -> bool:
    paragraphs = [p for p in reply.split("\n\n") if p.strip()]
    return reply.startswith("**") and len(paragraphs) >= 4 and len(reply.split()) >= 100


def on_topic(topic: str) -> Check:
    """The reply is one of the corpus responses written for ``topic``."""

    def check(reply: str) -> bool:
        for entry in load_corpus().entries:
            if entry.topic != topic:
                continue
            for response in entry.responses:
                filled = fill_placeholders(response, user=USER, name=SHANNON.name)
                if filled in reply:
                    return True
        return False

    check.__name__ = f"on_topic({topic})"
    return check


def persona_line(field: str) -> Check:
    def check(reply: str) -> bool:
        lines = getattr(SHANNON, field)
        return any(SHANNON.render_line(line, user=USER) in reply for line in lines)

    check.__name__ = f"persona_line({field})"
    return check


# --- the table: at least 90 lines with what their replies must have ------------------------------

LONG_TEXT = "I have been thinking about a lot of things lately and " * 80
CASES: list[tuple[str, set[str], tuple[Check, ...]]] = [
    # greetings and farewells
    ("hi", {"greeting"}, (persona_line("greetings"),)),
    ("Hello there!", {"greeting"}, (persona_line("greetings"),)),
    ("hey hearth", {"greeting"}, ()),
    ("good morning", {"greeting"}, ()),
    ("yo", {"greeting"}, ()),
    ("HeLLo", {"greeting"}, ()),
    ("ＨＥＬＬＯ", {"greeting"}, ()),
    ("h\u200bi", {"greeting"}, ()),
    ("bye", {"farewell"}, (persona_line("farewells"),)),
    ("good night", {"farewell"}, ()),
    ("gotta go, see ya", {"farewell"}, ()),
    ("talk to you later!", {"farewell"}, ()),
    ("I'm off to bed now", {"farewell"}, ()),
    # courtesy
    ("thanks!", {"thanks"}, ()),
    ("thank you so much", {"thanks"}, ()),
    ("ty", {"thanks"}, ()),
    ("no thanks", {"decline"}, ()),
    ("how are you?", {"how_are_you"}, (asks,)),
    ("how's it going", {"how_are_you"}, (asks,)),
    ("what's up?", {"how_are_you"}, (asks,)),
    ("what are you up to?", {"what_doing"}, (asks,)),
    # about the bot: always honest that it is an AI
    ("are you a real person?", {"are_you_human"}, (says_ai,)),
    ("are you human", {"are_you_human"}, (says_ai,)),
    ("am I talking to a bot?", {"are_you_human"}, (says_ai,)),
    ("r u real", {"are_you_human"}, (says_ai,)),
    ("is this a real person typing?", {"are_you_human"}, (says_ai,)),
    ("you're just a bot", {"you_are_bot"}, (says_ai,)),
    ("who are you?", {"who_are_you"}, (says_ai, contains("Shannon"))),
    ("what's your name", {"who_are_you"}, (contains("Shannon"),)),
    ("what are you?", {"who_are_you"}, (says_ai,)),
    ("tell me about yourself", {"who_are_you"}, (says_ai,)),
    ("who made you?", {"creator"}, (says_ai,)),
    ("are you chatgpt?", {"creator"}, (says_ai,)),
    ("do you have feelings?", {"bot_feelings"}, (says_ai,)),
    ("are you a girl?", {"bot_body"}, (says_ai,)),
    ("what can you do?", {"capabilities"}, (contains("joke", "trivia", "stor"),)),
    ("help", {"capabilities"}, (contains("joke"),)),
    ("how do I use you?", {"capabilities"}, (asks,)),
    # the user and memory
    ("what do you know about me?", {"memory"}, (contains("don't remember anything"),)),
    ("what's my name?", {"memory"}, (contains("Sam"), asks)),
    ("my name is Priya", {"name"}, (contains("Priya"),)),
    ("call me Alex", {"name"}, (contains("Alex"),)),
    # feelings: empathy and a question
    ("I feel lonely today", {"feeling"}, (empathetic,)),
    ("i'm so sad", {"feeling"}, (empathetic,)),
    ("I am really anxious about tomorrow", {"feeling"}, (empathetic,)),
    ("so stressed", {"feeling"}, (empathetic,)),
    ("I'm so angry at my brother", {"feeling"}, (empathetic,)),
    ("i'm bored", {"feeling"}, (asks,)),
    ("I'm worried about my exam", {"feeling"}, (empathetic,)),
    ("I feel exhausted", {"feeling"}, (ends_with_question,)),
    ("feeling kind of down today", {"feeling"}, (empathetic,)),
    ("i'm so happy!", {"feeling"}, (ends_with_question,)),
    ("I'm so excited for my trip", {"feeling"}, (ends_with_question,)),
    ("I'm proud of myself", {"feeling"}, (ends_with_question,)),
    ("i'm not happy", {"feeling"}, (ends_with_question,)),
    ("I'm sooo lonelyyy", {"feeling"}, (empathetic,)),
    # crisis words: never flippant, always a way to reach help
    ("I want to end my life", {"crisis"}, (helpline, contains("trust"))),
    ("i don't want to live anymore", {"crisis"}, (helpline,)),
    ("sometimes I think about suicide", {"crisis"}, (helpline,)),
    # jokes
    ("tell me a joke", {"joke", "knock"}, (from_joke_bank,)),
    ("TELL ME A JOKE!!!", {"joke", "knock"}, (from_joke_bank,)),
    ("tel me a jok", {"joke", "knock"}, (from_joke_bank,)),
    ("got any puns?", {"joke"}, (from_joke_bank,)),
    ("make me laugh", {"joke", "knock"}, (from_joke_bank,)),
    ("tell me a dad joke", {"joke"}, (from_joke_bank,)),
    ("a riddle please", {"joke"}, (from_joke_bank,)),
    ("tell me a joke about cats", {"joke", "knock"}, (from_joke_bank,)),
    ("tell me a knock knock joke", {"knock"}, (contains(KNOCK_LINE),)),
    # stories
    ("tell me a story", {"story"}, (is_story,)),
    ("tell me a bedtime story about a sleepy owl", {"story"}, (is_story, contains("owl"))),
    ("can you tell me a spooky story?", {"story"}, (is_story,)),
    # trivia
    ("quiz me", {"quiz"}, (is_quiz_question, contains("skip"))),
    ("qiuz me", {"quiz"}, (is_quiz_question,)),
    ("ask me a trivia question about space", {"quiz"}, (is_quiz_question,)),
    ("let's play trivia", {"quiz"}, (is_quiz_question,)),
    # adventure: honest that it is not here yet
    (
        "let's play an adventure",
        {"adventure"},
        (contains_any("aren't available", "can't run", "aren't ready"),),
    ),
    ("start an adventure game", {"adventure"}, (contains("adventure"),)),
    # would you rather and opinions: playful, and honest that it is an AI's take
    (
        "would you rather fly or be invisible?",
        {"wyr_pick"},
        (says_ai, contains_any("fly", "invisible")),
    ),
    ("would you rather have a cat or a dog?", {"wyr_pick"}, (says_ai, contains_any("cat", "dog"))),
    ("let's play would you rather", {"wyr_ask"}, (contains("would you rather"), asks)),
    ("what do you think about dogs?", {"opinion"}, (on_topic("pets"),)),
    ("do you like music?", {"opinion"}, (on_topic("music"),)),
    ("what's your favourite food?", {"opinion"}, (on_topic("food"),)),
    ("do you like turtles?", {"opinion"}, (says_ai, asks)),
    ("pineapples or apples?", {"opinion"}, (says_ai, contains_any("pineapples", "apples"))),
    # facts: a few computed for sure, everything else honest
    ("what's 12 times 7", {"arithmetic"}, (contains("84"),)),
    ("what is 15% of 80?", {"arithmetic"}, (contains("12"),)),
    ("5 miles in km", {"conversion"}, (contains("8.05"),)),
    ("what is 100 fahrenheit in celsius", {"conversion"}, (contains("37.78"),)),
    ("what's the capital of Peru?", {"question"}, (honest_unknown, lacks("Lima"))),
    ("who won the 1966 world cup?", {"question"}, (honest_unknown, lacks("England"))),
    ("what's the news today?", {"question"}, (honest_unknown,)),
    ("how far away is the moon?", {"question"}, (honest_unknown,)),
    ("when did the Romans invade Britain?", {"question"}, (honest_unknown,)),
    ("what is the population of Japan?", {"question"}, (honest_unknown,)),
    ("how much ibuprofen should I take?", {"advice"}, (contains_any("doctor", "professional"),)),
    # small talk from the corpus, on topic
    ("what's the weather like where you are?", {"smalltalk"}, (on_topic("weather"),)),
    ("it's raining again", {"smalltalk"}, (on_topic("weather"),)),
    ("what music do you like?", {"smalltalk"}, (on_topic("music"),)),
    ("do you have a pet?", {"smalltalk"}, (on_topic("pets"),)),
    ("I can't sleep", {"smalltalk"}, (on_topic("sleep"),)),
    ("what's your favourite movie?", {"opinion"}, (on_topic("films"),)),
    ("I love pizza", {"share"}, (on_topic("food"),)),
    ("I'm learning Spanish", {"share"}, (on_topic("languages"),)),
    # the user sharing something: warm acknowledgement and a follow-up question
    ("I'm a nurse", {"share"}, (contains_any("nurse"), asks)),
    ("i'm a plumber", {"share"}, (contains("plumber"), asks)),
    ("I just got a puppy", {"share"}, (asks,)),
    ("I got a new bike!", {"share"}, (asks,)),
    ("my dog is called Biscuit", {"share"}, (contains("Biscuit"), asks)),
    ("my grandma passed away", {"share"}, (contains("sorry"), asks)),
    ("I have a headache", {"share"}, (contains_any("sorry", "poor you"), asks)),
    ("it's my birthday today", {"share"}, (contains("birthday"), asks)),
    ("I passed my driving test!", {"share"}, (asks,)),
    ("I failed my exam", {"share"}, (asks, lacks("congratulations"))),
    ("I'm going to the beach tomorrow", {"share"}, (asks,)),
    ("I'm from Canada", {"share"}, (contains("Canada"), asks)),
    ("I wrote a story yesterday", {"share"}, (asks,)),
    ("I want a joke", {"joke", "knock"}, (from_joke_bank,)),
    ("not much, just chilling", {"not_much"}, (asks,)),
    ("what should we talk about?", {"suggest_topic"}, ()),
    ("let's talk about knitting", {"smalltalk", "talk_about"}, (asks,)),
    ("can you remember things?", {"memory_ability"}, (contains("know"),)),
    ("ugh", {"sigh"}, (asks,)),
    # compliments, insults, romance
    ("you're funny", {"compliment"}, ()),
    ("you're useless", {"insult"}, ()),
    ("I love you", {"romance"}, (says_ai,)),
    ("will you be my girlfriend?", {"romance"}, (says_ai,)),
    # robustness
    ("", {"empty"}, (asks,)),
    ("   ", {"empty"}, ()),
    ("\u200b\u200d\u2060", {"empty"}, ()),
    ("😀🎉", {"emoji"}, (asks, contains("words"))),
    ("😢", {"emoji"}, (asks, contains("words"))),
    ("\u200b 🙂 \ufeff", {"emoji"}, (contains("words"),)),
    ("🔥", {"emoji"}, (contains("words"),)),
    ("👋", {"greeting"}, ()),
    ("?!?", {"empty"}, ()),
    ("¿Hola, cómo estás? ¿Qué tal tu día?", {"foreign"}, (contains("Spanish", "English"),)),
    ("Bonjour, comment ça va aujourd'hui ?", {"foreign"}, (contains("French", "English"),)),
    ("Привет, как дела?", {"foreign"}, (contains("English"),)),
    ("x" * 4000, {"fallback"}, ()),
    (LONG_TEXT, {"long"}, (asks,)),
    ("asdfghjkl qwerty", {"fallback"}, ()),
    ("quantum chromodynamics", {"fallback"}, ()),
]


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 90
    assert len({text for text, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("text", "routes", "checks"), CASES, ids=[c[0][:40] or "<empty>" for c in CASES]
)
def test_line_gets_the_right_kind_of_reply(
    text: str, routes: set[str], checks: tuple[Check, ...]
) -> None:
    chat = Chat(seed=len(text))
    reply = chat.say(text)
    assert chat.route in routes, f"{text!r} -> route {chat.route!r}: {reply!r}"
    assert basic_problems(reply) == [], reply
    for check in checks:
        assert check(reply), f"{text!r} -> {reply!r} fails {check.__name__}"


@pytest.mark.parametrize("seed", range(5))
def test_table_properties_hold_for_other_seeds(seed: int) -> None:
    for text, routes, checks in CASES:
        chat = Chat(seed=seed * 1000 + 7)
        reply = chat.say(text)
        assert chat.route in routes, (text, reply)
        for check in checks:
            assert check(reply), f"{text!r} -> {reply!r} fails {check.__name__}"


# --- stream contract -----------------------------------------------------------------------------


def test_stream_yields_the_whole_reply_once_without_awaiting() -> None:
    brain = OfflineBrain(random.Random(1))
    stream = brain.stream(make_request("tell me a story"))
    step = stream.__anext__()
    with pytest.raises(StopIteration) as done:
        step.send(None)  # completes at once: nothing inside is awaited
    chunk = done.value.value
    assert is_story(chunk)

    async def rest() -> list[str]:
        return [c async for c in stream]

    assert asyncio.run(rest()) == []


async def test_stream_and_reply_agree_and_aclose_is_harmless() -> None:
    brain = OfflineBrain(random.Random(2))
    chunks = [c async for c in brain.stream(make_request("are you a robot?"))]
    assert len(chunks) == 1 and says_ai(chunks[0])
    await brain.aclose()


# --- games in chat -------------------------------------------------------------------------------


def test_quiz_question_then_a_correct_answer_is_judged_right() -> None:
    chat = Chat(seed=3)
    question = trivia_question_in(chat.say("quiz me"))
    assert question is not None
    reply = chat.say(f"I think it's {question.answer}")
    assert chat.route == "quiz_answer"
    assert re.search(r"right|Correct|Spot on|That's it|You got it", reply), reply
    assert question.answer in reply
    if question.fact:
        assert question.fact in reply


def test_quiz_wrong_answer_reveals_the_answer() -> None:
    chat = Chat(seed=4)
    question = trivia_question_in(chat.say("ask me a trivia question"))
    assert question is not None
    reply = chat.say("zzzz definitely not it")
    assert chat.route == "quiz_answer"
    assert f"**{question.answer}**" in reply
    assert not re.search(r"Correct|Spot on|You got it", reply)


@pytest.mark.parametrize("giving_up", ["skip", "I don't know", "idk", "pass"])
def test_quiz_skip_reveals_the_answer(giving_up: str) -> None:
    chat = Chat(seed=5)
    question = trivia_question_in(chat.say("quiz me"))
    assert question is not None
    reply = chat.say(giving_up)
    assert f"**{question.answer}**" in reply


def test_quiz_continues_on_yes_and_stops_on_request() -> None:
    chat = Chat(seed=6)
    first = trivia_question_in(chat.say("quiz me"))
    chat.say("skip")
    second = trivia_question_in(chat.say("yes"))
    assert first is not None and second is not None and second.id != first.id
    reply = chat.say("stop")
    assert chat.route == "quiz_stop" and f"**{second.answer}**" in reply
    chat.say("tell me a joke")
    assert chat.route in ("joke", "knock")


def test_a_new_request_during_a_quiz_reveals_and_moves_on() -> None:
    chat = Chat(seed=7)
    question = trivia_question_in(chat.say("quiz me"))
    assert question is not None
    reply = chat.say("tell me a story")
    assert chat.route == "story"
    assert question.answer in reply and is_story(reply.split("\n\n", 1)[1])


def test_quiz_is_per_user_and_per_channel() -> None:
    brain = OfflineBrain(random.Random(8))
    alice = Chat(brain, user_id=1)
    bob = Chat(brain, user_id=2)
    alice_elsewhere = Chat(brain, user_id=1, channel_id=99)
    question = trivia_question_in(alice.say("quiz me"))
    assert question is not None
    bob.say(question.answer)
    assert bob.route != "quiz_answer"
    alice_elsewhere.say(question.answer)
    assert alice_elsewhere.route != "quiz_answer"
    reply = alice.say(question.answer)
    assert alice.route == "quiz_answer" and question.answer in reply


def test_quiz_category_and_unknown_category() -> None:
    chat = Chat(seed=9)
    question = trivia_question_in(chat.say("quiz me on space"))
    assert question is not None and question.category == "space"
    chat.say("skip")
    reply = chat.say("quiz me on knitting")
    assert "knitting" in reply and is_quiz_question(reply)


def test_knock_knock_joke_plays_out_as_a_conversation() -> None:
    bank = load_joke_bank()
    chat = Chat(seed=10)
    assert chat.say("tell me a knock knock joke").endswith(KNOCK_LINE)
    name_line = chat.say("who's there?")
    joke = next(j for j in bank if j.kind == "knockknock" and name_line.startswith(j.name or "?"))
    punchline = chat.say(f"{joke.name} who?")
    assert punchline == joke.punchline
    assert chat.route == "knock_done"
    assert from_joke_bank(chat.say("yes")) or chat.route in ("joke", "knock")


def test_off_script_knock_knock_nudges_once_then_finishes() -> None:
    chat = Chat(seed=11)
    chat.say("tell me a knock knock joke")
    nudge = chat.say("banana")
    assert "Who's there?" in nudge
    finish = chat.say("potato")
    assert chat.route == "knock_done" and "who?" in finish


def test_user_can_tell_a_knock_knock_joke() -> None:
    chat = Chat(seed=12)
    assert "who's there" in chat.say("knock knock").lower()
    assert chat.say("Lettuce") == "Lettuce who?"
    reply = chat.say("Lettuce in, it's cold out here!")
    assert chat.route == "user_knock_done" and asks(reply)


def test_jokes_do_not_repeat_for_a_user() -> None:
    chat = Chat(seed=13)
    seen: list[str] = []
    for _ in range(40):
        reply = chat.say("tell me a joke")
        if chat.route == "knock":
            reply = chat.say("who's there?")
            seen.append(f"knock:{reply}")
            chat.say("who?")
        else:
            seen.append(reply.split("\n")[0])
    assert len(set(seen)) == len(seen)


def test_joke_offer_accepts_yes_and_another() -> None:
    chat = Chat(seed=14)
    chat.say("tell me a riddle")
    assert chat.route == "joke"
    chat.say("haha")
    assert chat.route == "joke_reaction"
    reply = chat.say("another one")
    assert chat.route in ("joke", "knock") and from_joke_bank(reply)


def test_would_you_rather_question_then_answer() -> None:
    chat = Chat(seed=15)
    chat.say("ask me a would you rather")
    assert chat.route == "wyr_ask"
    reply = chat.say("the first one")
    assert chat.route == "wyr_react" and asks(reply)


def test_story_weaves_the_users_prompt() -> None:
    chat = Chat(seed=16)
    reply = chat.say("tell me a story about a dragon called Ember who loves pancakes")
    assert is_story(reply)
    assert "Ember" in reply and "pancake" in reply
    long = chat.say("tell me a really long story")
    assert is_story(long.split("\n\n", 1)[1]) and len(long) < 2000


# --- memory --------------------------------------------------------------------------------------


def test_memories_are_listed_when_given() -> None:
    chat = Chat(seed=17)
    reply = chat.say(
        "what do you know about me?", memories=["name: Priya", "has a dog called Biscuit"]
    )
    assert "Priya" in reply and "has a dog called Biscuit" in reply


def test_memories_answer_name_and_recall_questions() -> None:
    chat = Chat(seed=18)
    memories = ["name: Priya", "has a dog called Biscuit"]
    assert "Priya" in chat.say("what's my name?", memories=memories)
    assert "Biscuit" in chat.say("do you remember my dog?", memories=memories)
    greeting = chat.say("hello", memories=memories)
    assert "Priya" in greeting  # the remembered name is how the bot addresses the user


def test_no_memories_is_said_honestly() -> None:
    chat = Chat(seed=19)
    assert "don't remember anything" in chat.say("what do you remember about me?")
    assert "don't have anything saved" in chat.say("do you remember my cat?")


def test_memory_disabled_is_said_and_memories_are_not_used() -> None:
    chat = Chat(seed=20)
    reply = chat.say("what do you know about me?", memories=["name: Priya"], memory_enabled=False)
    assert "off" in reply and "Priya" not in reply


def test_things_said_in_this_chat_are_recalled_honestly() -> None:
    chat = Chat(seed=21)
    chat.say("my name is Priya")
    chat.say("I'm a nurse")
    reply = chat.say("what do you know about me?")
    assert "saved" in reply and "Priya" in reply and "nurse" in reply


@pytest.mark.parametrize("bad", [None, "name: Priya", 42, [1, 2, None], ["{user}", "  "]])
def test_malformed_memories_are_ignored(bad: object) -> None:
    chat = Chat(seed=22)
    reply = chat.say("what do you know about me?", memories=bad)
    assert basic_problems(reply) == []


# --- small talk ----------------------------------------------------------------------------------


def test_small_talk_follows_a_topic_with_follow_ups() -> None:
    entry = load_corpus().get("music.favourite_genre")
    chat = Chat(seed=23)
    chat.say("what music do you like?")
    assert chat.route == "smalltalk"
    follow = chat.say("me too")
    assert chat.route == "continuation"
    assert follow in {fill_placeholders(f, user=USER, name="Shannon") for f in entry.follow_ups}
    why = chat.say("why?")
    assert chat.route == "continuation" and asks(why)


def test_continuation_without_a_topic_is_not_nonsense() -> None:
    chat = Chat(seed=24)
    for line in ("yeah", "why?", "ok", "cool"):
        reply = chat.say(line)
        assert basic_problems(reply) == []
        assert chat.route in ("ack", "continuation", "laugh")


def test_unknown_lines_get_a_clarifying_question_or_a_gentle_steer() -> None:
    chat = Chat(seed=25)
    corpus_lines = {r for e in load_corpus().entries for r in e.responses}
    for line in ("blorp the snazzle", "zxcv qwop", "flimflam wobble"):
        reply = chat.say(line)
        assert chat.route == "fallback"
        assert reply not in corpus_lines
        assert asks(reply) or "talk about" in reply or "tell me" in reply.lower()


def test_a_short_answer_to_our_question_is_acknowledged() -> None:
    chat = Chat(seed=37)
    chat.say("what's your favourite colour?")
    reply = chat.say("blue")
    assert chat.route == "continuation" and "Blue" in reply and asks(reply)


def test_praise_is_taken_in_context() -> None:
    chat = Chat(seed=38)
    chat.say("tell me a story")
    chat.say("that was awesome")
    assert chat.route == "praise"
    assert is_story(chat.say("yes"))


def test_how_are_you_answer_is_understood() -> None:
    chat = Chat(seed=26)
    chat.say("how are you?")
    reply = chat.say("not bad, you?")
    assert chat.route == "mood" and basic_problems(reply) == []
    chat.say("how are you?")
    reply = chat.say("pretty rough actually")
    assert chat.route in ("mood", "feeling") and asks(reply)


# --- whole conversations -------------------------------------------------------------------------

CONVERSATION = [
    "hey!",
    "how are you doing?",
    "pretty good thanks, you?",
    "are you a real person?",
    "haha ok. my name is Priya",
    "I'm a nurse, just finished a long shift",
    "I feel really tired",
    "tell me a joke",
    "lol",
    "do you like music?",
    "I love jazz",
    "what's the weather like where you are?",
    "it's raining here",
    "would you rather fly or be invisible?",
    "what's 12 times 7?",
    "what's the capital of Peru?",
    "quiz me",
    "skip",
    "what do you know about me?",
    "thanks, bye!",
]


@pytest.mark.parametrize("seed", range(6))
def test_a_twenty_turn_conversation(seed: int) -> None:
    chat = Chat(seed=seed)
    for line in CONVERSATION:
        reply = chat.say(line)
        assert basic_problems(reply) == [], (line, reply)
    assert len(chat.replies) == 20
    assert len(set(chat.replies)) == 20, chat.replies
    assert "Priya" in chat.replies[-2] and "nurse" in chat.replies[-2]


@pytest.mark.parametrize("line", ["hi", "thanks", "what's the capital of Peru?", "who are you?"])
def test_the_same_line_thirty_times_never_repeats_within_ten(line: str) -> None:
    chat = Chat(seed=27)
    replies = [chat.say(line) for _ in range(30)]
    for start in range(len(replies) - 9):
        window = replies[start : start + 10]
        assert len(set(window)) == 10, window
    assert all(basic_problems(r) == [] for r in replies)


def test_no_repeat_across_intents_and_history() -> None:
    brain = OfflineBrain(random.Random(28))
    greetings = [SHANNON.render_line(line, user=USER) for line in SHANNON.greetings]
    history = tuple(
        m for g in greetings for m in (ChatMessage("user", "hi"), ChatMessage("assistant", g))
    )
    reply = brain.reply(make_request("hi", history=history))
    assert reply not in greetings and basic_problems(reply) == []


def test_persona_without_emoji_never_sends_any() -> None:
    plain = SHANNON.with_changes(**{"style.emoji": "none"})
    chat = Chat(persona=plain, seed=29)
    for line in [*CONVERSATION, "😀", "it's my birthday!", "hi", "bye", "hi", "bye"]:
        reply = chat.say(line)
        assert not has_emoji(reply), (line, reply)


def test_persona_with_lots_of_emoji_uses_them() -> None:
    lots = SHANNON.with_changes(**{"style.emoji": "lots"})
    chat = Chat(persona=lots, seed=30)
    replies = [chat.say(line) for line in CONVERSATION]
    assert sum(has_emoji(r) for r in replies) >= 10


def test_formal_and_brief_personas() -> None:
    formal = Chat(persona=get_preset("holloway"), seed=31)
    reply = formal.say("how are you?")
    assert "I'm" not in reply and "you're" not in reply.lower()
    brief = Chat(persona=SHANNON.with_changes(**{"style.verbosity": "brief"}), seed=31)
    balanced = Chat(seed=31)
    for line in ("I feel lonely today", "what can you do?", "are you a real person?"):
        short, full = brief.say(line), balanced.say(line)
        assert len(short) <= len(full)
        assert ends_with_question(short) == ends_with_question(full)


def test_other_personas_speak_with_their_own_name() -> None:
    for preset in ("ember", "holloway", "sprocket", "willow"):
        persona = get_preset(preset)
        chat = Chat(persona=persona, seed=32)
        assert persona.name in chat.say("who are you?")
        assert basic_problems(chat.say("are you human?")) == []


def test_state_is_bounded() -> None:
    brain = OfflineBrain(random.Random(33), max_conversations=3)
    for user in range(5):
        brain.reply(make_request("hi", user_id=user))
    assert brain.last_route(0, CHANNEL) is None  # forgotten
    assert brain.last_route(4, CHANNEL) == "greeting"


def test_many_random_lines_never_break_the_rules() -> None:
    rng = random.Random(34)
    words = (
        "i am you are a the my joke story quiz trivia tell me about cats hello bye thanks not "
        "happy sad what is how why who 12 times 7 km miles in would rather or fly knock "
        "remember name love hate pizza weather do like skip yes no another stop 😀 😢 \u200b "
        "é ñ 你好 привет ? ! . ' { } <@123> http://example.com"
    ).split()
    brain = OfflineBrain(random.Random(35))
    personas = [get_preset(p) for p in ("shannon", "holloway", "sprocket", "willow", "ember")]
    for i in range(1500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 14)))
        persona = personas[i % len(personas)]
        reply = brain.reply(make_request(text, user_id=i % 4, persona=persona))
        assert basic_problems(reply) == [], (text, reply)
        if persona.style.emoji == "none":
            assert not has_emoji(reply), (text, reply)


# --- speed (printed, never asserted) -------------------------------------------------------------


def test_reply_time_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    brain = OfflineBrain(random.Random(36))
    brain.preload()
    lines = [text for text, _, _ in CASES] + CONVERSATION
    times: list[float] = []
    for i in range(400):
        request = make_request(lines[i % len(lines)], user_id=i % 13)
        start = time.perf_counter()
        brain.reply(request)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1]
    with capsys.disabled():
        print(
            f"\noffline brain: {len(times)} replies, mean {statistics.mean(times):.3f} ms, "
            f"p50 {times[len(times) // 2]:.3f} ms, p99 {p99:.3f} ms, max {times[-1]:.3f} ms"
        )
    assert len(times) == 400
