"""The offline brain: Hearth's embedded default, with no model and no network.

Each user line goes through, in order:

1. safety: obvious crisis words get a warm reply with a helpline (the moderation layer normally
   catches these first; the brain must still never answer them flippantly);
2. input checks: empty or emoji-only lines, very long messages, other languages;
3. games in progress for this user in this channel: a knock-knock joke, a pending trivia
   question (the next message is judged), a would-you-rather, an offer ("want another?");
4. recognised intents, most specific first (see ``_RULES``): questions about the bot (always
   honest that it is an AI), courtesy, requests for jokes, stories, trivia, sums, feelings
   (empathy and a question), the user sharing news, opinions, small talk from the corpus;
5. otherwise an honest "I don't know" for questions, or a clarifying / steering line.

Every reply is styled by the persona (emoji, formality, verbosity) and checked against the last
ten replies to the same user, so it never repeats itself. State is per (user, channel), kept in
a bounded LRU map; nothing is global, and nothing here awaits, so a reply arrives whole.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.brain import offline_games as games
from bot.brain import offline_intents as intents
from bot.brain import offline_language as lang
from bot.brain import offline_lines as L
from bot.brain import offline_memory as memory
from bot.brain.base import ChatMessage, ChatRequest, Speaker
from bot.brain.offline_facts import FactAnswer, answer_fact
from bot.brain.offline_intents import Feeling, Opinion, Share
from bot.brain.offline_state import (
    MAX_CONVERSATIONS,
    RECENT_REPLIES_KEPT,
    ConversationState,
    LRUMap,
)
from bot.brain.offline_text import (
    MAX_READ_CHARS,
    apply_style,
    capitalise,
    clean,
    display_name,
    echoable,
    emoji_in,
    fill,
    join,
    normalise,
    reflect,
    restore_case,
    safety_form,
    tidy_name,
)
from bot.content.smalltalk import (
    CorpusError,
    Match,
    SmallTalkCorpus,
    SmallTalkEntry,
    is_continuation,
    load_corpus,
)
from persona import Persona

__all__ = ["RECENT_REPLIES_KEPT", "OfflineBrain", "Reply", "detect_intent", "normalise"]

log = logging.getLogger(__name__)

MAX_REPLY_CHARS = 1900
LONG_MESSAGE_WORDS = 60
MAX_WORDS_READ = 120

_YES = re.compile(
    r"^(?:yes|yeah|yep|yup|yes please|sure|okay|okay then|go on|go ahead|please|another|"
    r"another one|one more|more|again|next|next one|next question|hit me|why not|definitely|"
    r"of course|absolutely|go for it|do it|let us go|ready|i am ready|sure thing|y|yes another|"
    r"yes another one|okay another|please do|sounds good|all right|let us do it|bring it on|"
    r"another please|more please|keep going|continue|yes one more|go|yay|ok|yes sure|"
    r"sure why not|yes i am ready|i want another|give me another)$"
)
_NO = re.compile(
    r"^(?:no|nope|nah|no thanks|not now|maybe later|no thank you|i am good|stop|enough|"
    r"that is enough|no more|not really|no i am good|i am okay|i am fine|no that is all|"
    r"that is all)$"
)
_ABOUT_YOU = re.compile(
    r"^(?:and you|what about you|how about you|you|and yourself|hbu|wbu|yourself|what about "
    r"yours|and yours|you too|what do you think|your turn|what is yours)$"
)
_WHY = re.compile(r"^(?:why|why not|how so|how come|really|is that so|why is that|but why)$")
_MORE = re.compile(r"^(?:tell me more|go on|and|more|say more|keep going|continue|and then)$")
_AGREE = re.compile(
    r"^(?:me too|same|same here|yeah|yes|yep|yup|true|totally|agreed|exactly|definitely|"
    r"absolutely|so true|i agree|me neither)$"
)
_TALK_ABOUT = re.compile(
    r"^(?:let us|can we|could we|shall we|i want to|i would like to|we should|lets) "
    r"(?:talk|chat) about (?P<x>[a-z][a-z ]{1,40})$"
)
_NEGATIVE_REPLY = re.compile(r"^(?:no|nope|not really|nah|no way|not at all|never)$")
_QUIZ_NEXT = re.compile(r"^(?:another|next|one more|new|a new|give me a|ask me a) question\b")
_STOPWORDS = frozenset(
    "a an the my your of to and or in on at for with is are was be it that this what do".split()
)
_TOPIC_ROUTES = frozenset({"smalltalk", "opinion", "share", "continuation", "suggest_topic"})
_JOKE_ROUTES = frozenset({"joke", "knock_done", "user_knock_done", "joke_reaction"})
_MOOD_ROUTES = frozenset({"greeting", "how_are_you", "bot_feelings"})
_EMOJI_GROUPS: tuple[tuple[str, Sequence[str]], ...] = (
    ("😢😭😞😔☹🙁💔😿😟😥😩😫🥺", L.EMOJI_SAD),
    ("😠😡🤬👿💢😤", L.EMOJI_ANGRY),
    ("😂🤣😹😆", L.EMOJI_LAUGH),
    ("❤💛💖💕💗💙💚💜🧡🤍🖤😘🥰😍", L.EMOJI_LOVE),
    ("😀😃😄😁😊🙂😎🤩🥳🎉✨👍🙌💯🌞☺😺", L.EMOJI_HAPPY),
    ("🤔🧐", L.EMOJI_THINKING),
)


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply before styling: its text, the route that produced it, and how to style it.

    ``styled`` replies are the brain's conversational lines (persona formality and verbosity
    apply); jokes, stories, quiz questions and safety messages are sent as written.
    """

    text: str
    route: str
    styled: bool = True
    warm: bool = False


@dataclass
class _Turn:
    """One user line being answered, with everything the handlers need."""

    raw: str  # cleaned, bounded user text
    text: str  # canonical text (typos repaired)
    persona: Persona
    user: str  # what to call the user
    state: ConversationState
    avoid: list[str]  # recent replies, oldest first (state + history)
    memories: tuple[str, ...]
    memory_enabled: bool
    avoid_blob: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        self.avoid_blob = "\n".join(self.avoid)


Handler = Callable[["OfflineBrain", _Turn, Any], "Reply | None"]
Detector = Callable[[str, str], Any]


class OfflineBrain:
    """The embedded brain: intent routing, small talk, games and honest answers, per user.

    One instance serves every user at once; per-conversation state is keyed by
    (user id, channel id) and bounded (least recently active forgotten first).
    """

    name = "offline"

    def __init__(
        self, rng: random.Random | None = None, *, max_conversations: int = MAX_CONVERSATIONS
    ) -> None:
        self._rng = rng or random.Random()
        self._states: LRUMap[tuple[int, int], ConversationState] = LRUMap(max_conversations)

    # --- the Brain protocol ---------------------------------------------------------------------

    async def stream(self, request: ChatRequest) -> AsyncIterator[str]:
        """Yield the whole reply as one chunk: there is nothing to wait for offline."""
        yield self.reply(request)

    async def aclose(self) -> None:
        """Nothing to release."""

    def preload(self) -> None:
        """Load the corpus and banks now rather than on the first message (about 0.8 s)."""
        _corpus()
        games.joke_bank()
        games.trivia_bank()
        games.tell_story("story", "", random.Random(0), lambda lines, x=None, **_: lines[0])
        # One throwaway reply compiles whatever the routes load lazily (~75 ms otherwise,
        # paid by the first real message on the event loop).
        from persona import DEFAULT_PERSONA_ID, get_preset

        warm_key = (0, 0)
        self.reply(
            ChatRequest(
                system_prompt="",
                messages=(ChatMessage("user", "hi there, how are you?"),),
                speaker=Speaker(0, "warm-up", None, 0),
                persona=get_preset(DEFAULT_PERSONA_ID),
            )
        )
        self._states.discard(warm_key)

    def last_route(self, user_id: int, channel_id: int) -> str | None:
        """How the last reply to this user in this channel was chosen (for tests and debugging)."""
        state = self._states.get((user_id, channel_id))
        return state.last_route if state else None

    def reply(self, request: ChatRequest) -> str:
        """The reply to the last user message of ``request``."""
        speaker = request.speaker
        key = (speaker.user_id, speaker.channel_id)
        state = self._states.get(key)
        if state is None:
            state = ConversationState()
            self._states.put(key, state)
        turn = self._turn(request, state)
        try:
            reply = self._route(turn, request.last_user_text)
        except Exception:  # a bug must not leave the user without an answer
            log.exception("offline brain failed on a message; answering with a clarifying line")
            state.clear_games()
            reply = Reply(self._pick(turn, L.CLARIFY), "error")
        text = self._finish(turn, reply)
        self._record(state, reply, text)
        return text

    # --- per-turn setup and bookkeeping ---------------------------------------------------------

    def _turn(self, request: ChatRequest, state: ConversationState) -> _Turn:
        extra = request.extra or {}
        enabled = extra.get("memory_enabled", True) is not False
        memories = memory.read_memories(extra.get("memories")) if enabled else ()
        user = (
            state.user_name
            or memory.memory_name(memories)
            or display_name(request.speaker.display_name)
        )
        history = [m.content for m in request.messages if m.role == "assistant"]
        avoid = [*history[-RECENT_REPLIES_KEPT:], *state.recent]
        raw = clean(request.last_user_text[: MAX_READ_CHARS * 2])[:MAX_READ_CHARS]
        words = normalise(raw).split()[:MAX_WORDS_READ]
        return _Turn(
            raw=raw,
            text=lang.fix_typos(" ".join(words))
            if len(words) <= LONG_MESSAGE_WORDS
            else " ".join(words),
            persona=request.persona,
            user=user,
            state=state,
            avoid=avoid,
            memories=memories,
            memory_enabled=enabled,
        )

    def _finish(self, turn: _Turn, reply: Reply) -> str:
        text = reply.text.strip() or self._pick(turn, L.CLARIFY)
        text = apply_style(text, turn.persona, styled=reply.styled, warm=reply.warm)
        text = _clip(text)
        if text in turn.avoid:
            leads = list(L.ANOTHER_LEAD_INS)
            self._rng.shuffle(leads)
            for lead in leads:
                candidate = _clip(f"{lead} {text}")
                if candidate not in turn.avoid:
                    text = candidate
                    break
        return text

    def _record(self, state: ConversationState, reply: Reply, text: str) -> None:
        state.recent.append(text)
        state.turns += 1
        state.last_route = reply.route
        state.asked_mood = reply.route in _MOOD_ROUTES and bool(re.search(r"\?\W*$", text))
        if reply.route not in ("smalltalk", "continuation", "share", "opinion"):
            state.age_topic()

    # --- line picking ---------------------------------------------------------------------------

    def _render(self, turn: _Turn, line: str, x: str | None, slots: dict[str, str]) -> str:
        text = fill(line, user=turn.user, name=turn.persona.name)
        if x is not None:
            text = text.replace("{x}", x).replace("{X}", capitalise(x))
        for key, value in slots.items():
            text = text.replace("{" + key + "}", value)
        return text

    def _pick(self, turn: _Turn, lines: Sequence[str], x: str | None = None, **slots: str) -> str:
        """One of ``lines``, filled, preferring lines not used in the recent replies."""
        return self._choose(turn, [self._render(turn, line, x, slots) for line in lines])

    def _choose(self, turn: _Turn, candidates: Sequence[str]) -> str:
        fresh = [c for c in candidates if not c or c not in turn.avoid_blob]
        if fresh:
            return self._rng.choice(fresh)

        def last_use(candidate: str) -> int:
            return max((i for i, r in enumerate(turn.avoid) if candidate in r), default=-1)

        return min(candidates, key=last_use)

    def _persona_line(self, turn: _Turn, lines: Sequence[str]) -> str:
        return self._choose(
            turn, [turn.persona.render_line(line, user=turn.user) for line in lines]
        )

    def _corpus_reply(self, turn: _Turn, match: Match) -> str:
        return match.choose_response(self._rng, turn.avoid, user=turn.user, name=turn.persona.name)

    # --- routing --------------------------------------------------------------------------------

    def _route(self, turn: _Turn, full_text: str) -> Reply:
        state = turn.state
        whole = safety_form(full_text[:20_000])
        if intents.is_crisis(whole):
            state.clear_games()
            return Reply(self._pick(turn, L.CRISIS), "crisis", styled=False, warm=True)
        text = turn.text
        if not text:
            return self._empty(turn)
        if whole.count(" ") >= LONG_MESSAGE_WORDS:
            return self._long(turn, text)
        language = lang.detect_language(turn.raw)
        wanted = lang.language_name(turn.persona.language)
        if language is not None and language != wanted:
            return self._foreign(turn, text, language, wanted)
        pending = self._pending(turn, text)
        if pending is not None:
            return pending
        greeted, rest = intents.split_greeting(text)
        if greeted:
            if not rest:
                return self._greet(turn)
            turn.text = rest
            inner = self._dispatch(turn, rest)
            if inner.route in ("fallback", "question", "greeting", "farewell"):
                return self._greet(turn) if inner.route != "farewell" else inner
            hello = self._pick(turn, ("Hi {user}!", "Hey {user}!", "Hello {user}!"))
            return Reply(f"{hello} {inner.text}", inner.route, inner.styled, inner.warm)
        return self._dispatch(turn, text)

    def _dispatch(self, turn: _Turn, text: str) -> Reply:
        for _name, detect, handle in _RULES:
            found = detect(text, turn.raw)
            if found:
                reply = handle(self, turn, found)
                if reply is not None:
                    return reply
        return self._fallback(turn, text)

    def _is_new_request(self, text: str) -> bool:
        """Would this line start something else (so a game in progress should give way)?"""
        if intents.simple_intent(text) in (
            "farewell",
            "capabilities",
            "who_are_you",
            "are_you_human",
            "memory_query",
            "how_are_you",
        ):
            return True
        return (
            intents.wants_joke(text)
            or intents.wants_story(text)
            or intents.wants_quiz(text)
            or intents.matches(intents.SIMPLE["adventure"], text)
            or intents.matches(intents.SIMPLE["wyr"], text)
            or intents.matches(intents.SIMPLE["stop"], text)
        )

    # --- things in progress ---------------------------------------------------------------------

    def _pending(self, turn: _Turn, text: str) -> Reply | None:
        state = turn.state
        if state.user_knock:
            # Only a clear exit interrupts: the user's own joke may well contain "joke" or "do".
            if intents.simple_intent(text) == "farewell" or intents.matches(
                intents.SIMPLE["stop"], text
            ):
                state.user_knock = 0
            else:
                return self._user_knock(turn)
        if state.knock is not None:
            if self._is_new_request(text) and not text.startswith("who"):
                state.knock = None
            else:
                line = games.continue_knock(state, turn.raw)
                if state.knock is None:
                    self._offer(state, "joke")
                    return Reply(line, "knock_done", styled=False)
                return Reply(line, "knock", styled=False)
        if state.quiz is not None:
            return self._quiz_answer(turn, text)
        if state.wyr is not None:
            reply = self._wyr_answer(turn, text)
            if reply is not None:
                return reply
        if state.offer is not None and state.turns - state.offer_turn <= 2:
            if _YES.match(text):
                return self._accept_offer(turn, state.offer)
            if _NO.match(text):
                state.offer = None
                return Reply(self._pick(turn, L.DECLINE), "decline")
        if state.asked_mood:
            mood = intents.detect_mood(text)
            if mood is not None:
                return self._mood(turn, text, mood)
        return None

    def _offer(self, state: ConversationState, kind: str | None) -> None:
        state.offer = kind
        state.offer_turn = state.turns

    def _accept_offer(self, turn: _Turn, offer: str) -> Reply:
        turn.state.offer = None
        reply: Reply | None = None
        if offer == "joke":
            reply = self._joke(turn, "joke")
        elif offer == "quiz":
            reply = self._quiz(turn, "quiz")
        elif offer == "story":
            reply = self._story(turn, "story")
        elif offer == "adventure_story":
            reply = self._story(turn, "adventure story")
        elif offer == "wyr":
            reply = self._wyr(turn, "would you rather")
        return reply or Reply(self._pick(turn, L.ACK), "ack")

    def _user_knock(self, turn: _Turn) -> Reply:
        state = turn.state
        if state.user_knock == 1:
            said = re.sub(r"[\s.!?,]+$", "", turn.raw).strip()
            if not said or len(said) > 40:
                return Reply(self._pick(turn, L.USER_KNOCK_START), "user_knock")
            state.user_knock = 2
            state.user_knock_name = said
            return Reply(f"{capitalise(said)} who?", "user_knock", styled=False)
        state.user_knock = 0
        self._offer(state, "joke")
        return Reply(self._pick(turn, L.KNOCK_LAUGH), "user_knock_done")

    def _quiz_answer(self, turn: _Turn, text: str) -> Reply:
        state = turn.state
        assert state.quiz is not None
        if games.is_stop_quiz(text):
            note = games.reveal_answer(state)
            return Reply(join((self._pick(turn, L.QUIZ_STOPPED), note)), "quiz_stop")
        if intents.matches(intents.SIMPLE["confused"], text):
            return Reply(games.repeat_question(state, self._pick_fn(turn)), "quiz_repeat", False)
        if (self._is_new_request(text) or _QUIZ_NEXT.match(text)) and not games.is_skip(text):
            question = state.quiz.question
            verdict = games.judge(turn.raw, question.answer, question.alternatives, question.kind)
            if not verdict.accepted:
                note = games.reveal_answer(state)
                inner = self._dispatch(turn, text)
                return Reply(f"{note}\n\n{inner.text}", inner.route, False, inner.warm)
        reply = games.answer_question(state, turn.raw, text, self._pick_fn(turn))
        self._offer(state, "quiz")
        return Reply(reply, "quiz_answer", styled=False)

    def _wyr_answer(self, turn: _Turn, text: str) -> Reply | None:
        state = turn.state
        assert state.wyr is not None
        first, second = state.wyr
        state.wyr = None
        if self._is_new_request(text):
            return None

        def overlap(option: str) -> int:
            words = {w for w in option.split() if len(w) > 2 and w not in _STOPWORDS}
            return len(words & set(text.split()))

        picked = (
            re.search(r"\b(?:first|former|option a|option one|the first one)\b", text)
            or re.search(r"\b(?:second|latter|option b|option two|the second one)\b", text)
            or re.search(r"\b(?:both|neither|either|none)\b", text)
            or re.fullmatch(r"(?:a|b|1|2)", text)
            or overlap(first) != overlap(second)
        )
        if not picked:
            return None
        self._offer(state, "wyr")
        return Reply(self._pick(turn, L.WYR_REACT), "wyr_react")

    # --- input checks ---------------------------------------------------------------------------

    def _empty(self, turn: _Turn) -> Reply:
        emoji = emoji_in(turn.raw)
        if emoji:
            if "👋" in emoji:
                return self._greet(turn)
            for group, lines in _EMOJI_GROUPS:
                if any(e in group for e in emoji):
                    warm = lines is L.EMOJI_SAD
                    return Reply(self._pick(turn, lines), "emoji", warm=warm)
            return Reply(self._pick(turn, L.EMOJI_OTHER), "emoji")
        return Reply(self._pick(turn, L.EMPTY), "empty")

    def _long(self, turn: _Turn, text: str) -> Reply:
        feeling = intents.detect_feeling(text)
        if feeling is not None and feeling.negative:
            return self._feeling(turn, feeling)
        if intents.wants_story(" ".join(text.split()[:12])):
            story = self._story(turn, text)
            if story is not None:
                return story
        return Reply(self._pick(turn, L.LONG_MESSAGE), "long")

    def _foreign(self, turn: _Turn, text: str, language: str, wanted: str) -> Reply:
        greeted, rest = intents.split_greeting(text)
        if greeted and len(rest.split()) <= 1:
            return self._greet(turn)
        if language:
            return Reply(self._pick(turn, L.FOREIGN, x=language, lang=wanted), "foreign")
        return Reply(self._pick(turn, L.FOREIGN_UNKNOWN, lang=wanted), "foreign")

    # --- handlers -------------------------------------------------------------------------------

    def _greet(self, turn: _Turn) -> Reply:
        state = turn.state
        state.greetings += 1
        lines = [turn.persona.render_line(line, user=turn.user) for line in turn.persona.greetings]
        if state.greetings > 1:
            lines += [self._render(turn, line, None, {}) for line in L.GREETING_AGAIN]
        return Reply(self._choose(turn, lines), "greeting", styled=False)

    def _farewell(self, turn: _Turn, _found: object = None) -> Reply:
        state = turn.state
        repeat = state.last_route == "farewell"
        state.clear_games()
        lines = [turn.persona.render_line(line, user=turn.user) for line in turn.persona.farewells]
        if repeat:
            lines += [self._render(turn, line, None, {}) for line in L.FAREWELL_AGAIN]
        return Reply(self._choose(turn, lines), "farewell", styled=False)

    def _stop(self, turn: _Turn, _found: object) -> Reply:
        turn.state.clear_games()
        return Reply(self._pick(turn, L.STOP), "stop")

    def _decline(self, turn: _Turn, _found: object) -> Reply:
        turn.state.offer = None
        return Reply(self._pick(turn, L.DECLINE), "decline")

    def _user_knock_start(self, turn: _Turn, _found: object) -> Reply:
        turn.state.clear_games()
        turn.state.user_knock = 1
        return Reply(self._pick(turn, L.USER_KNOCK_START), "user_knock", styled=False)

    def _joke(self, turn: _Turn, text: str) -> Reply | None:
        ratings = (
            ("all_ages",) if turn.persona.content_rating == "all_ages" else ("all_ages", "teen")
        )
        told = games.tell_joke(turn.state, text, self._rng, self._pick_fn(turn), ratings)
        if told is None:
            return None
        reply, route = told
        if route == "joke":
            self._offer(turn.state, "joke")
        return Reply(reply, route, styled=False)

    def _story(self, turn: _Turn, text: str) -> Reply | None:
        story = games.tell_story(text, turn.raw, self._rng, self._pick_fn(turn))
        if story is None:
            return Reply(self._pick(turn, L.STORY_UNAVAILABLE), "story_unavailable")
        self._offer(turn.state, "story")
        return Reply(story, "story", styled=False)

    def _quiz(self, turn: _Turn, text: str) -> Reply | None:
        turn.state.clear_games()
        question = games.ask_question(turn.state, text, self._rng, self._pick_fn(turn))
        if question is None:
            return None
        return Reply(question, "quiz", styled=False)

    def _adventure(self, turn: _Turn, _found: object) -> Reply:
        self._offer(turn.state, "adventure_story")
        return Reply(self._pick(turn, L.ADVENTURE), "adventure")

    def _wyr(self, turn: _Turn, text: str) -> Reply:
        state = turn.state
        options = intents.wyr_options(text)
        if options is None:
            first, second = self._rng.choice(
                [q for q in L.WYR_QUESTIONS if f"{q[0]}, or {q[1]}" not in turn.avoid_blob]
                or L.WYR_QUESTIONS
            )
            state.wyr = (first, second)
            return Reply(self._pick(turn, L.WYR_ASK, x=f"{first}, or {second}"), "wyr_ask")
        choice = reflect(self._rng.choice(options))
        said = _echo_option(choice) or self._rng.choice(("the first one", "the second one"))
        reason = self._pick(turn, L.WYR_REASONS)
        self._offer(state, "wyr")
        return Reply(self._pick(turn, L.WYR_PICK, x=f"{said}: {reason}"), "wyr_pick")

    def _fact(self, turn: _Turn, fact: FactAnswer) -> Reply:
        return Reply(fact.text, fact.kind)

    def _laugh(self, turn: _Turn, _found: object) -> Reply:
        if turn.state.last_route in _JOKE_ROUTES:
            self._offer(turn.state, "joke")
            return Reply(self._pick(turn, L.JOKE_REACTION), "joke_reaction")
        return Reply(self._pick(turn, L.LAUGH), "laugh")

    def _groan(self, turn: _Turn, _found: object) -> Reply | None:
        if turn.state.last_route in _JOKE_ROUTES:
            self._offer(turn.state, "joke")
            return Reply(self._pick(turn, L.JOKE_GROAN), "joke_reaction")
        return None

    def _dont_get_it(self, turn: _Turn, _found: object) -> Reply:
        if turn.state.last_route in _JOKE_ROUTES:
            self._offer(turn.state, "joke")
            return Reply(self._pick(turn, L.JOKE_UNCLEAR), "joke_reaction")
        return Reply(self._pick(turn, L.CONFUSED), "confused")

    def _praise(self, turn: _Turn, _found: object) -> Reply:
        state = turn.state
        last = state.last_route
        if last in _JOKE_ROUTES:
            self._offer(state, "joke")
            return Reply(self._pick(turn, L.JOKE_REACTION), "joke_reaction")
        if last == "story":
            self._offer(state, "story")
            return Reply(self._pick(turn, L.PRAISE_STORY), "praise")
        if last == "who_are_you" and "name" in turn.text:
            return Reply(self._pick(turn, L.PRAISE_NAME), "praise")
        return Reply(self._pick(turn, L.PRAISE), "praise")

    def _name(self, turn: _Turn, raw_name: str) -> Reply | None:
        name = tidy_name(raw_name)
        if name is None:
            return None
        state = turn.state
        again = state.user_name == name
        state.user_name = name
        state.remember(f"your name is {name}")
        turn.user = name
        lines = L.NAME_AGAIN if again else L.NAME_TOLD
        return Reply(self._pick(turn, lines, x=name), "name")

    def _memory(self, turn: _Turn, _found: object) -> Reply:
        text, styled = memory.answer(
            turn.text,
            turn.memories,
            enabled=turn.memory_enabled,
            state=turn.state,
            pick=self._pick_fn(turn),
        )
        return Reply(text, "memory", styled=styled)

    def _feeling(self, turn: _Turn, feeling: Feeling) -> Reply:
        lines = L.FEELINGS[feeling.lines_key]
        return Reply(self._pick(turn, lines), "feeling", warm=feeling.negative)

    def _mood(self, turn: _Turn, text: str, mood: str) -> Reply:
        lines = {"good": L.MOOD_GOOD, "okay": L.MOOD_OKAY, "bad": L.MOOD_BAD}[mood]
        answer = self._pick(turn, lines)
        if intents.asks_back(text):
            answer = join((self._pick(turn, L.BOT_STATUS_SHORT), answer))
        return Reply(answer, "mood", warm=mood == "bad")

    def _mood_rule(self, turn: _Turn, mood: str) -> Reply:
        return self._mood(turn, turn.text, mood)

    def _share(self, turn: _Turn, found: tuple[Share, str]) -> Reply | None:
        state = turn.state
        share, said = found
        kind = share.kind
        fact = echoable(restore_case(reflect(said), turn.raw), max_words=10)
        if fact and kind not in ("grief", "care", "unwell", "negative"):
            state.remember(fact)
        if kind in ("likes", "dislikes", "plans", "doing", "did", "got_pet", "got_new", "family"):
            match = _corpus().match(said, topic_hint=state.topic)
            if match is not None:
                return self._smalltalk_reply(turn, match, route="share", need_question=True)
        phrase = echoable(restore_case(reflect(share.phrase), turn.raw)) if share.phrase else None
        warm = kind in ("unwell", "grief", "care", "negative")
        if kind == "identity":
            return self._identity(turn, share.phrase)
        if kind == "named":
            name = tidy_name(restore_case(share.extra, turn.raw))
            if name is None:
                return None
            state.remember(f"your {share.phrase} is called {name}")
            return Reply(self._pick(turn, L.NAMED, x=name, who=share.phrase), "share")
        simple: dict[str, Sequence[str]] = {
            "unwell": L.UNWELL,
            "birthday": L.BIRTHDAY,
            "identity_plain": L.IDENTITY_PLAIN,
            "achieved": L.ACHIEVED,
            "negative": L.SHARE_NEGATIVE,
            "positive": L.SHARE_POSITIVE,
            "plans": L.PLANS,
            "did": L.DID_THING,
        }
        if kind in simple:
            return Reply(self._pick(turn, simple[kind]), "share", warm=warm)
        with_phrase: dict[str, Sequence[str]] = {
            "grief": L.GRIEF,
            "care": L.CARE_OTHER,
            "family": L.FAMILY_NEWS,
            "age": L.AGE,
            "from": L.FROM,
            "got_pet": L.GOT_PET,
            "got_new": L.GOT_NEW,
            "likes": L.LIKES,
            "dislikes": L.DISLIKES,
            "doing": L.DOING_NOW,
            "named_it": L.NAMED_IT,
            "choice": L.CHOICE,
        }
        if kind in ("from", "named_it") and phrase:
            small = ("and", "or", "the", "of")
            phrase = " ".join(w if w in small else capitalise(w) for w in phrase.split())
        if phrase and kind in with_phrase:
            return Reply(self._pick(turn, with_phrase[kind], x=phrase), "share", warm=warm)
        return Reply(self._pick(turn, L.SHARE_GENERIC), "share", warm=warm)

    def _identity(self, turn: _Turn, phrase: str) -> Reply:
        _article, _, noun = phrase.partition(" ")
        words = noun.split()
        for candidate in (noun, " ".join(words[:2]), words[0] if words else ""):
            job = L.JOB_ALIASES.get(candidate, candidate)
            if job in L.JOBS:
                return Reply(self._pick(turn, L.JOBS[job]), "share")
        said = echoable(restore_case(phrase, turn.raw), max_words=4)
        if said is None:
            return Reply(self._pick(turn, L.IDENTITY_PLAIN), "share")
        return Reply(self._pick(turn, L.IDENTITY, x=said), "share")

    def _opinion(self, turn: _Turn, opinion: Opinion) -> Reply | None:
        subject = opinion.subject
        corpus = _corpus()
        if opinion.kind == "opinion":
            if subject in ("me", "myself"):
                return Reply(self._pick(turn, L.LIKE_ME), "opinion")
            if subject in ("you", "yourself"):
                return Reply(self._pick(turn, L.ABOUT_ME), "opinion")
            for query in (turn.text, f"do you like {subject}"):
                match = corpus.match(query, topic_hint=turn.state.topic)
                if match is not None and _relevant(match.entry, subject):
                    return self._smalltalk_reply(turn, match, route="opinion")
            said = echoable(restore_case(reflect(subject), turn.raw)) or "that"
            return Reply(self._pick(turn, L.OPINION, x=said), "opinion")
        match = corpus.match(turn.text, topic_hint=turn.state.topic)
        if opinion.kind == "favourite":
            if match is not None:
                return self._smalltalk_reply(turn, match, route="opinion")
            said = echoable(reflect(subject), max_words=4)
            if said is None:
                return None
            return Reply(self._pick(turn, L.FAVOURITE, x=said), "opinion")
        # either / or
        if match is not None and _relevant(match.entry, f"{subject} {opinion.other}"):
            return self._smalltalk_reply(turn, match, route="opinion")
        choice = echoable(self._rng.choice((subject, opinion.other)), max_words=3)
        if choice is None:
            return None
        return Reply(self._pick(turn, L.EITHER_OR, x=choice), "opinion")

    def _continuation(self, turn: _Turn, _found: object) -> Reply | None:
        state = turn.state
        text = turn.text
        entry = state.entry if state.turns - state.entry_turn <= 2 else None
        label = _corpus().topic(state.topic).label if state.topic else "that"
        if _ABOUT_YOU.match(text):
            if state.last_route in ("how_are_you", "greeting", "mood", "feeling"):
                return Reply(self._pick(turn, L.HOW_ARE_YOU), "how_are_you")
            if entry is not None:
                line = self._entry_line(turn, entry.responses)
                if line is not None:
                    return Reply(line, "continuation")
            return Reply(self._pick(turn, L.ABOUT_ME), "continuation")
        if _WHY.match(text):
            return Reply(self._pick(turn, L.WHY), "continuation")
        if entry is not None and entry.follow_ups and not _NEGATIVE_REPLY.match(text):
            line = self._entry_line(turn, entry.follow_ups)
            if line is not None:
                return Reply(line, "continuation")
        if _MORE.match(text):
            if state.topic:
                return Reply(self._pick(turn, L.TELL_MORE, x=label), "continuation")
            return Reply(self._pick(turn, L.ACK), "ack")
        if _NEGATIVE_REPLY.match(text):
            return Reply(self._pick(turn, L.DISAGREE), "continuation")
        if state.topic and _AGREE.match(text):
            return Reply(self._pick(turn, L.AGREE, x=label), "continuation")
        if state.topic:
            return Reply(self._pick(turn, L.ACK_TOPIC, x=label), "continuation")
        return Reply(self._pick(turn, L.ACK), "ack")

    def _short_answer(self, turn: _Turn, _found: object) -> Reply | None:
        """A word or two answering the question our last small-talk reply asked ("blue")."""
        state = turn.state
        if state.last_route not in _TOPIC_ROUTES or not state.recent:
            return None
        if not re.search(r"\?\W*$", state.recent[-1]):
            return None
        match = _corpus().match(turn.text, topic_hint=state.topic)
        if match is not None and match.topic == state.topic:
            return self._smalltalk_reply(turn, match, route="smalltalk")
        said = echoable(restore_case(reflect(turn.text), turn.raw), max_words=3)
        if said is None:
            return None
        return Reply(self._pick(turn, L.SHORT_ANSWER, x=said), "continuation")

    def _entry_line(self, turn: _Turn, lines: Sequence[str]) -> str | None:
        rendered = [fill(line, user=turn.user, name=turn.persona.name) for line in lines]
        fresh = [line for line in rendered if line not in turn.avoid_blob]
        return self._rng.choice(fresh) if fresh else None

    def _smalltalk(self, turn: _Turn, _found: object) -> Reply | None:
        match = _corpus().match(turn.text, topic_hint=turn.state.topic)
        if match is None:
            return None
        return self._smalltalk_reply(turn, match, route="smalltalk")

    def _smalltalk_reply(
        self, turn: _Turn, match: Match, *, route: str, need_question: bool = False
    ) -> Reply:
        state = turn.state
        text = self._corpus_reply(turn, match)
        if need_question and "?" not in text:
            follow = [f for f in match.entry.follow_ups if f.rstrip().endswith("?")]
            extra = self._entry_line(turn, follow) if follow else None
            text = join((text, extra or self._pick(turn, ("Tell me more?", "How's that going?"))))
        state.entry = match.entry
        state.entry_turn = state.turns
        state.set_topic(match.topic)
        return Reply(text, route)

    def _simple(self, turn: _Turn, name: str) -> Reply:
        if name == "farewell":
            return self._farewell(turn)
        lines, warm = _SIMPLE_LINES[name]
        return Reply(self._pick(turn, lines), name, warm=warm)

    def _suggest_topic(self, turn: _Turn, _found: object) -> Reply:
        corpus = _corpus()
        topics = [t for t in corpus.topics() if t != turn.state.topic]
        topic = corpus.topic(self._rng.choice(topics))
        invitation = self._entry_line(turn, topic.invitations) or topic.invitations[0]
        turn.state.set_topic(topic.name)
        return Reply(self._pick(turn, L.TOPIC_SUGGEST, x=invitation), "suggest_topic")

    def _talk_about(self, turn: _Turn, subject: str) -> Reply:
        corpus = _corpus()
        for query in (f"do you like {subject}", f"tell me about {subject}"):
            match = corpus.match(query, topic_hint=turn.state.topic)
            if match is not None and _relevant(match.entry, subject):
                return self._smalltalk_reply(turn, match, route="smalltalk")
        said = echoable(restore_case(reflect(subject), turn.raw), max_words=5) or "that"
        return Reply(self._pick(turn, L.TALK_ABOUT, x=said), "talk_about")

    def _question(self, turn: _Turn, _found: object) -> Reply:
        text = turn.text
        if intents.is_personal(text):
            return Reply(self._pick(turn, L.ABOUT_BOT_UNKNOWN), "question")
        if intents.needs_live_info(text):
            return Reply(self._pick(turn, L.LIVE_INFO), "question")
        line = self._persona_line(turn, turn.persona.dont_know)
        if not re.search(
            r"search|source|look (?:it|that) up|check|find out|look it up", line, re.IGNORECASE
        ):
            line = join((line, self._pick(turn, L.FIND_OUT)))
        return Reply(line, "question")

    def _fallback(self, turn: _Turn, text: str) -> Reply:
        state = turn.state
        state.fallbacks += 1
        if state.fallbacks % 2 == 1:
            return Reply(self._pick(turn, L.CLARIFY), "fallback")
        try:
            line = _corpus().topic_prompt(state.topic, self._rng)
        except (CorpusError, ValueError):
            line = self._pick(turn, L.CLARIFY)
        return Reply(line, "fallback")

    def _pick_fn(self, turn: _Turn) -> Callable[..., str]:
        def pick(lines: Sequence[str], x: str | None = None, **slots: str) -> str:
            return self._pick(turn, lines, x, **slots)

        return pick


# --- helpers -----------------------------------------------------------------------------------


def _corpus() -> SmallTalkCorpus:
    return load_corpus()


def _clip(text: str) -> str:
    if len(text) <= MAX_REPLY_CHARS:
        return text
    cut = text[:MAX_REPLY_CHARS]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "), cut.rfind("\n"))
    return cut[: end + 1].rstrip() if end > MAX_REPLY_CHARS // 2 else cut.rstrip() + "…"


def _relevant(entry: SmallTalkEntry, phrase: str) -> bool:
    """Whether a corpus entry is about (one of) the content words of ``phrase``."""
    words = [w for w in phrase.split() if len(w) >= 3 and w not in _STOPWORDS]
    if not words:
        return True
    haystack = " ".join((*entry.patterns, *entry.keywords)).lower()
    return any(w[:4] in haystack for w in words)


def _echo_option(option: str) -> str | None:
    words = option.split()
    if not words or len(words) > 10:
        return None
    if not all(re.fullmatch(r"[a-z0-9][a-z0-9'-]*", w) for w in words):
        return None
    return option


# --- the rules, in order -----------------------------------------------------------------------

_SIMPLE_LINES: dict[str, tuple[Sequence[str], bool]] = {
    "you_are_bot": (L.YOU_ARE_A_BOT, False),
    "are_you_human": (L.ARE_YOU_HUMAN, False),
    "bot_body": (L.BOT_BODY, False),
    "bot_feelings": (L.BOT_FEELINGS, False),
    "capabilities": (L.CAPABILITIES, False),
    "creator": (L.CREATOR, False),
    "who_are_you": (L.WHO_ARE_YOU, False),
    "romance": (L.ROMANCE, False),
    "how_are_you": (L.HOW_ARE_YOU, False),
    "what_doing": (L.WHAT_DOING, False),
    "thanks": (L.THANKS, False),
    "compliment": (L.COMPLIMENT, False),
    "insult": (L.INSULT, False),
    "confused": (L.CONFUSED, False),
    "user_dont_know": (L.DONT_KNOW_USER, False),
    "advice": (L.ADVICE, False),
    "not_much": (L.NOT_MUCH, False),
    "memory_ability": (L.MEMORY_ABILITY, False),
    "sigh": (L.SIGH, True),
}


def _simple_rule(name: str) -> tuple[str, Detector, Handler]:
    def detect(text: str, _raw: str) -> str | None:
        return name if intents.matches(intents.SIMPLE[name], text) else None

    if name == "memory_query":
        return name, detect, OfflineBrain._memory
    if name == "decline":
        return name, detect, OfflineBrain._decline
    if name == "stop":
        return name, detect, OfflineBrain._stop
    return name, detect, OfflineBrain._simple


def _smalltalk_match(text: str, _raw: str) -> bool:
    return True  # the handler matches with the conversation's topic as a hint


def _is_continuation(text: str, _raw: str) -> bool:
    return is_continuation(text) or bool(
        _ABOUT_YOU.match(text) or _WHY.match(text) or _MORE.match(text)
    )


def _detect_share(text: str, raw: str) -> tuple[Share, str] | None:
    """A share in one clause of the message ("I'm a nurse, just finished a shift"), else in
    the whole of it; with the clause it was found in."""
    clauses = [normalise(c) for c in re.split(r"[,.;!?]+", raw) if c.strip()]
    for said in (*clauses, text) if len(clauses) > 1 else (text,):
        share = intents.detect_share(said)
        if share is not None:
            return share, said
    return None


def _detect_suggest(text: str, _raw: str) -> bool:
    return intents.matches(intents.SIMPLE["suggest_topic"], text)


def _detect_talk_about(text: str, _raw: str) -> str | None:
    match = _TALK_ABOUT.match(text)
    return match.group("x") if match else None


def _mood_with_lead(text: str, _raw: str) -> str | None:
    if not re.match(r"^(?:i am|i feel|feeling|i have been|doing)\b", text):
        return None
    return intents.detect_mood(text)


def _can_you(text: str, _raw: str) -> bool:
    return bool(re.match(r"^(?:can|could|will|would) you\b", text)) and not intents.matches(
        (re.compile(r"\b(?:tell me|explain|what|who|where|when|how many|how much)\b"),), text
    )


_RULES: tuple[tuple[str, Detector, Handler], ...] = (
    _simple_rule("stop"),
    *(_simple_rule(name) for name in intents.INTENT_ORDER),
    (
        "user_knock",
        lambda t, r: intents.matches(intents.SIMPLE["user_knock"], t),
        OfflineBrain._user_knock_start,
    ),
    ("joke", lambda t, r: t if intents.wants_joke(t) else None, OfflineBrain._joke),
    ("story", lambda t, r: t if intents.wants_story(t) else None, OfflineBrain._story),
    (
        "quiz",
        lambda t, r: t if intents.wants_quiz(t) or _QUIZ_NEXT.match(t) else None,
        OfflineBrain._quiz,
    ),
    (
        "adventure",
        lambda t, r: intents.matches(intents.SIMPLE["adventure"], t),
        OfflineBrain._adventure,
    ),
    (
        "wyr",
        lambda t, r: t if intents.matches(intents.SIMPLE["wyr"], t) else None,
        OfflineBrain._wyr,
    ),
    _simple_rule("advice"),
    ("fact", lambda t, r: answer_fact(r), OfflineBrain._fact),
    ("laugh", lambda t, r: intents.matches(intents.SIMPLE["laugh"], t), OfflineBrain._laugh),
    ("groan", lambda t, r: intents.matches(intents.SIMPLE["groan"], t), OfflineBrain._groan),
    (
        "dont_get_it",
        lambda t, r: intents.matches(intents.SIMPLE["dont_get_it"], t),
        OfflineBrain._dont_get_it,
    ),
    ("name", lambda t, r: intents.name_given(r), OfflineBrain._name),
    ("praise", lambda t, r: intents.matches(intents.SIMPLE["praise"], t), OfflineBrain._praise),
    _simple_rule("compliment"),
    _simple_rule("insult"),
    _simple_rule("confused"),
    _simple_rule("user_dont_know"),
    _simple_rule("not_much"),
    _simple_rule("sigh"),
    _simple_rule("memory_ability"),
    ("suggest_topic", _detect_suggest, OfflineBrain._suggest_topic),
    ("talk_about", _detect_talk_about, OfflineBrain._talk_about),
    ("feeling", lambda t, r: intents.detect_feeling(t), OfflineBrain._feeling),
    ("mood", _mood_with_lead, OfflineBrain._mood_rule),
    ("share", _detect_share, OfflineBrain._share),
    ("opinion", lambda t, r: intents.detect_opinion(t), OfflineBrain._opinion),
    ("continuation", _is_continuation, OfflineBrain._continuation),
    ("short_answer", lambda t, r: len(t.split()) <= 3, OfflineBrain._short_answer),
    ("smalltalk", _smalltalk_match, OfflineBrain._smalltalk),
    ("can_you", _can_you, lambda brain, turn, _f: Reply(brain._pick(turn, L.CAN_YOU), "can_you")),
    ("question", lambda t, r: intents.is_question(r, t), OfflineBrain._question),
)


def detect_intent(text: str) -> str | None:
    """The name of the rule a line would be routed to when nothing is in progress.

    "empty" for a line with no words, "crisis", "greeting" for a bare greeting, then the first
    matching rule ("joke", "thanks", "feeling", "smalltalk", "question", ...), or None when the
    brain would fall back to a clarifying line. Stateless; for tests and debugging.
    """
    raw = clean(text)[:MAX_READ_CHARS]
    canonical = normalise(raw)
    if intents.is_crisis(safety_form(text[:20_000])):
        return "crisis"
    if not canonical:
        return "empty"
    canonical = lang.fix_typos(canonical)
    greeted, rest = intents.split_greeting(canonical)
    if greeted and not rest:
        return "greeting"
    for name, detect, _handle in _RULES:
        if name == "short_answer":
            continue  # needs the conversation's last question
        if name == "smalltalk":
            if _corpus().match(rest) is not None:
                return name
        elif detect(rest, raw):
            return name
    return "greeting" if greeted else None
