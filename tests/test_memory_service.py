"""MemoryService on a real database: storing (dedup, corrections, cap), recall (core facts,
ranking, budget, scope), memory off, chat commands, notices, and LLM extraction with a
scripted brain. Chat-level hooks are tested through the service API (the chat pipeline calls
exactly these)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.brain.base import BrainError, ChatRequest
from bot.memory import commands
from bot.memory.llm_extract import Proposal, parse_proposal
from bot.memory.recall import RecallConfig, prompt_block
from bot.memory.service import MemoryService
from bot.storage import Database, NewMessage, open_database
from bot.storage.memory_repo import NewMemory

ALICE, BOB = 1001, 2002
GUILD_A, GUILD_B = 71, 72
CHANNEL = 500
DAY = 86_400.0


class FakeClock:
    def __init__(self, now: float = 1_764_331_200.0) -> None:  # 2025-11-28 12:00 UTC
        self.now = now

    def __call__(self) -> float:
        return self.now


class ScriptedBrain:
    """A remote brain that answers each request with the next scripted text."""

    name = "scripted-llm"

    def __init__(self, *answers: str | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[ChatRequest] = []

    async def stream(self, request: ChatRequest) -> AsyncIterator[str]:
        self.requests.append(request)
        answer = self.answers.pop(0) if self.answers else '{"operations": [{"op": "none"}]}'
        if isinstance(answer, Exception):
            raise answer
        for start in range(0, len(answer), 7):  # in chunks, as a stream would
            yield answer[start : start + 7]

    async def aclose(self) -> None:
        pass


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "memory.db", clock=clock)
    yield database
    await database.close()


@pytest.fixture
def service(db: Database, clock: FakeClock) -> MemoryService:
    return MemoryService(db, clock=clock)


async def say(service: MemoryService, text: str, user: int = ALICE, guild: int | None = GUILD_A):
    return await service.observe(user, guild, CHANNEL, text, None)


async def contents(db: Database, user: int = ALICE) -> list[str]:
    return sorted(m.content for m in await db.memories.list(user))


# --- storing -----------------------------------------------------------------------------------


async def test_facts_shared_in_chat_are_stored_with_their_origin(
    service: MemoryService, db: Database
) -> None:
    assert await service.observe(ALICE, GUILD_A, CHANNEL, "I'm Priya and I love jazz", 777) is None
    [like, name] = sorted(await db.memories.list(ALICE), key=lambda m: m.kind)
    assert (name.kind, name.key, name.content) == ("name", "name", "Priya")
    assert (like.kind, like.content, like.source) == ("like", "jazz", "chat")
    assert (like.guild_id, like.source_channel_id, like.source_message_id) == (
        GUILD_A,
        CHANNEL,
        777,
    )


async def test_single_valued_facts_are_updated_in_place(
    service: MemoryService, db: Database, clock: FakeClock
) -> None:
    await say(service, "my name is Priya")
    [first] = await db.memories.list(ALICE)
    clock.now += 60
    await say(service, "actually my name is Priyanka")
    [second] = await db.memories.list(ALICE)
    assert second.id == first.id and second.content == "Priyanka"
    assert second.updated_at == clock.now and second.created_at == first.created_at


async def test_near_duplicates_merge_instead_of_stacking(
    service: MemoryService, db: Database
) -> None:
    await say(service, "I have a dog")
    await say(service, "my dog is called Biscuit")
    await say(service, "I have a dog")  # says less than what is known: kept as it is
    await say(service, "I like jazz")
    await say(service, "I really like jazz!")
    await say(service, "I like cheese")
    await say(service, "I like chees")  # the same thing again: the newer wording is kept
    assert await contents(db) == ["chees", "dog called Biscuit", "jazz"]
    assert len(await db.memories.list(ALICE)) == 3


async def test_two_pets_of_one_kind_stay_two(service: MemoryService, db: Database) -> None:
    await say(service, "I have a cat called Mochi")
    await say(service, "I have a cat called Luna")
    assert await contents(db) == ["cat called Luna", "cat called Mochi"]


async def test_negations_and_contradictions_undo_facts(
    service: MemoryService, db: Database
) -> None:
    await say(service, "I play chess")
    await say(service, "I like olives")
    await say(service, "I live in Lyon")
    await say(service, "I don't play chess anymore")
    await say(service, "I hate olives")  # the newer statement wins over "likes olives"
    await say(service, "I moved to Paris")
    memories = {(m.kind, m.content) for m in await db.memories.list(ALICE)}
    assert memories == {("dislike", "olives"), ("place", "Paris")}


async def test_questions_and_hypotheticals_store_nothing(
    service: MemoryService, db: Database
) -> None:
    for text in (
        "do I like jazz?",
        "what if my name was Bob",
        "what's my name?",
        "imagine I had a cat",
    ):
        assert await say(service, text) is None
    assert await db.memories.list(ALICE) == []


async def test_secrets_are_refused_with_a_notice_and_never_stored(
    service: MemoryService, db: Database
) -> None:
    notice = await say(service, "I'm Priya, my phone number is 555 123 4567")
    assert notice is not None and notice.refused == ("phone",)
    assert "phone numbers" in notice.text
    assert await contents(db) == ["Priya"]
    notice = await say(service, "my password is hunter2")
    assert notice is not None and "change it" in notice.text
    outcome = await service.remember(ALICE, GUILD_A, CHANNEL, "my email is p@example.com")
    assert outcome.refused == ("email",) and not outcome.stored
    assert "hunter2" not in json.dumps(await service.export(ALICE))
    assert "example.com" not in json.dumps(await service.export(ALICE))


async def test_the_per_user_cap_evicts_the_least_useful(db: Database, clock: FakeClock) -> None:
    service = MemoryService(db, max_per_user=5, clock=clock)
    await say(service, "my name is Priya")
    for i in range(8):
        clock.now += 10
        await service.remember(ALICE, GUILD_A, CHANNEL, f"note number {i} about zebra{i}")
    stored = await db.memories.list(ALICE)
    assert len(stored) == 5
    assert "Priya" in {m.content for m in stored}  # core facts are kept
    assert "note number 7 about zebra7" in {m.content for m in stored}  # the newest is kept
    assert await db.memories.count(BOB) == 0


# --- recall ------------------------------------------------------------------------------------


async def test_whats_my_name_is_answered_from_recall(service: MemoryService) -> None:
    await say(service, "Hi! I'm Priya.")
    await say(service, "my pronouns are she/her")
    lines = await service.recall(ALICE, GUILD_A, "what's my name?")
    assert lines[:2] == ["name: Priya", "pronouns: she/her"]


async def test_recall_brings_relevant_memories_within_the_budget(
    db: Database, clock: FakeClock
) -> None:
    service = MemoryService(db, clock=clock, recall_config=RecallConfig(token_budget=40))
    await say(service, "I'm Priya")
    await say(service, "my dog Biscuit")
    for i in range(30):
        await service.remember(ALICE, GUILD_A, CHANNEL, f"I like board game number {i}")
    lines = await service.recall(ALICE, GUILD_A, "how is Biscuit doing?")
    assert lines[0] == "name: Priya"
    assert "pet: dog called Biscuit" in lines
    assert sum(len(line) for line in lines) / 3.5 <= 40 + len(lines)  # within the budget


async def test_ranking_prefers_relevance_then_recency_and_use(
    service: MemoryService, db: Database, clock: FakeClock
) -> None:
    await service.remember(ALICE, GUILD_A, CHANNEL, "I like green tea")
    clock.now += 200 * DAY
    await service.remember(ALICE, GUILD_A, CHANNEL, "I like black tea")
    lines = await service.recall(ALICE, GUILD_A, "tea?")
    assert lines[:2] == ["likes: black tea", "likes: green tea"]  # equally relevant: newer
    assert (await service.recall(ALICE, GUILD_A, "green"))[0] == "likes: green tea"
    recalled = {m.content: m.recall_count for m in await db.memories.list(ALICE)}
    assert recalled == {"green tea": 2, "black tea": 1}


async def test_recall_offers_a_recent_situation_for_a_callback(
    service: MemoryService, clock: FakeClock
) -> None:
    await say(service, "I have an exam on Friday")
    assert await service.recall(ALICE, GUILD_A, "hello!") == ["going on: exam on Friday"]
    clock.now += 30 * DAY  # old news is not brought up again
    assert await service.recall(ALICE, GUILD_A, "hello!") == []


async def test_scope_local_keeps_servers_and_dms_apart(service: MemoryService) -> None:
    await say(service, "my dog Biscuit", guild=GUILD_A)
    await say(service, "I love jazz", guild=None)
    assert "pet: dog called Biscuit" in await service.recall(ALICE, GUILD_A, "Biscuit")
    assert await service.recall(ALICE, GUILD_B, "Biscuit jazz") == []
    assert await service.recall(ALICE, None, "Biscuit jazz") == ["likes: jazz"]
    await service.set_scope(ALICE, "global")
    assert sorted(await service.recall(ALICE, GUILD_B, "Biscuit jazz")) == [
        "likes: jazz",
        "pet: dog called Biscuit",
    ]
    await service.set_scope(ALICE, "local")
    assert await service.recall(ALICE, GUILD_B, "Biscuit") == []


async def test_remember_everywhere_marks_one_memory_global(service: MemoryService) -> None:
    await service.remember(ALICE, GUILD_A, CHANNEL, "call me P", everywhere=True)
    await service.remember(ALICE, GUILD_A, CHANNEL, "I like chess")
    assert await service.recall(ALICE, GUILD_B, "chess") == ["goes by: P"]
    assert await service.recall(ALICE, None, "hi") == ["goes by: P"]


async def test_memory_off_stops_storage_and_recall(service: MemoryService, db: Database) -> None:
    await say(service, "I'm Priya")
    await service.set_enabled(ALICE, False)
    await say(service, "I love jazz")
    assert (await service.remember(ALICE, GUILD_A, CHANNEL, "I like tea")).disabled
    assert await service.recall(ALICE, GUILD_A, "what's my name? jazz tea") == []
    assert await contents(db) == ["Priya"]  # kept until the user deletes it
    await service.set_enabled(ALICE, True)
    assert await service.recall(ALICE, GUILD_A, "what's my name?") == ["name: Priya"]


async def test_memories_persist_across_a_new_service_on_the_same_database(
    tmp_path: Path, clock: FakeClock
) -> None:
    first = await open_database(tmp_path / "persist.db", clock=clock)
    await MemoryService(first, clock=clock).observe(ALICE, None, CHANNEL, "I'm Priya", None)
    await first.close()
    second = await open_database(tmp_path / "persist.db", clock=clock)
    try:
        lines = await MemoryService(second, clock=clock).recall(ALICE, None, "what's my name?")
        assert lines == ["name: Priya"]
    finally:
        await second.close()


# --- one user's memories are theirs alone -------------------------------------------------------


async def test_no_service_call_by_bob_reaches_alices_memories(
    service: MemoryService, db: Database
) -> None:
    await say(service, "I'm Priya, my dog Biscuit loves the park")
    [alices] = [m for m in await db.memories.list(ALICE) if m.kind == "pet"]
    assert await service.recall(BOB, GUILD_A, "what's my name? Biscuit Priya") == []
    assert (await service.page(BOB)).total == 0
    assert (await service.forget(BOB, str(alices.id))).forgotten == ()
    assert (await service.forget(BOB, "Biscuit")).forgotten == ()
    export = await service.export(BOB)
    assert export["memories"] == [] and "Biscuit" not in json.dumps(export)
    for text in ("what do you remember about me?", "forget that I have a dog called Biscuit"):
        reply = await service.handle_chat_command(BOB, GUILD_A, text)
        assert reply is not None and "Biscuit" not in reply and "Priya" not in reply
    await service.forget_everything(BOB)
    assert len(await db.memories.list(ALICE)) == 2


# --- chat commands ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "target"),
    [
        ("what do you remember about me?", "show", ""),
        ("Hearth, what have you saved about me", "show", ""),
        ("show my memories", "show", ""),
        ("forget that I like cats", "forget", "I like cats"),
        ("please forget about Biscuit", "forget", "Biscuit"),
        ("delete the memory about my exam", "forget", "my exam"),
        ("remove chess from your memory", "forget", "chess"),
        ("forget everything about me", "forget_all", ""),
        ("forget me", "forget_all", ""),
        ("delete all my data", "forget_all", ""),
        ("remember that my locker is number 12", "remember", "my locker is number 12"),
        ("please remember: I'm vegetarian", "remember", "I'm vegetarian"),
        ("stop remembering things about me", "off", ""),
        ("turn memory back on", "on", ""),
        ("what's my name?", None, ""),
        ("forget it", None, ""),
        ("I forgot my keys", None, ""),
        ("don't forget to smile", None, ""),
        ("remember when we talked about space?", None, ""),
        ("remove the background from this picture", None, ""),
        ("do you remember me?", None, ""),
        ("what do you know about me?", None, ""),  # left to the brain, with recalled memories
    ],
)
def test_chat_command_parser(text: str, kind: str | None, target: str) -> None:
    found = commands.parse(text)
    if kind is None:
        assert found is None
    else:
        assert found is not None and (found.kind, found.text) == (kind, target)


async def test_chat_commands_act_and_answer(service: MemoryService, db: Database) -> None:
    assert await service.handle_chat_command(ALICE, GUILD_A, "how are you?") is None
    reply = await service.handle_chat_command(ALICE, GUILD_A, "remember that I like cats")
    assert reply is not None and "likes: cats" in reply
    await say(service, "I like dogs", guild=None)  # said in DMs: not shown in a server
    shown = await service.handle_chat_command(ALICE, GUILD_A, "what do you remember about me?")
    assert shown is not None and "likes: cats" in shown and "dogs" not in shown
    in_dm = await service.handle_chat_command(ALICE, None, "what do you remember about me?")
    assert in_dm is not None and "dogs" in in_dm and "cats" not in in_dm
    forgot = await service.handle_chat_command(ALICE, GUILD_A, "forget that I like cats")
    assert forgot is not None and "forgotten" in forgot
    assert await contents(db) == ["dogs"]
    nothing = await service.handle_chat_command(ALICE, GUILD_A, "forget that I like snakes")
    assert nothing is not None and "nothing to forget" in nothing
    wipe = await service.handle_chat_command(ALICE, GUILD_A, "forget everything about me")
    assert wipe is not None and "/memory forget" in wipe and "confirm" in wipe
    assert await contents(db) == ["dogs"]  # nothing deleted without the button
    off = await service.handle_chat_command(ALICE, GUILD_A, "stop remembering things about me")
    assert off is not None and (await service.preferences(ALICE))[0] is False
    assert await say(service, "I love jazz") is None and await contents(db) == ["dogs"]
    await service.handle_chat_command(ALICE, GUILD_A, "turn memory back on")
    assert (await service.preferences(ALICE))[0] is True


async def test_observe_ignores_memory_commands(service: MemoryService, db: Database) -> None:
    await say(service, "forget that I like cats")
    await say(service, "remember that I like cats")  # handled by the command, not observe
    assert await db.memories.list(ALICE) == []


async def test_forget_by_number_words_or_ambiguity(service: MemoryService, db: Database) -> None:
    await service.remember(ALICE, GUILD_A, CHANNEL, "I like green tea")
    await service.remember(ALICE, GUILD_A, CHANNEL, "I like black tea")
    await service.remember(ALICE, GUILD_A, CHANNEL, "my dog Biscuit")
    ambiguous = await service.forget(ALICE, "tea")
    assert ambiguous.forgotten == () and len(ambiguous.candidates) == 2
    done = await service.forget(ALICE, "Biscuit")
    assert [m.content for m in done.forgotten] == ["dog called Biscuit"]
    green = next(m for m in await db.memories.list(ALICE) if "green" in m.content)
    assert [m.id for m in (await service.forget(ALICE, f"#{green.id}")).forgotten] == [green.id]
    assert (await service.forget(ALICE, "99999999999999999999999")).forgotten == ()
    with pytest.raises(ValueError, match="say which memory to forget"):
        await service.forget(ALICE, "   ")


async def test_remember_rejects_bad_input_clearly(service: MemoryService) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        await service.remember(ALICE, GUILD_A, CHANNEL, "  ")
    with pytest.raises(ValueError, match="at most 300 characters"):
        await service.remember(ALICE, GUILD_A, CHANNEL, "x" * 301)
    with pytest.raises(ValueError, match="memory scope must be 'local' or 'global'"):
        await service.set_scope(ALICE, "everywhere")  # type: ignore[arg-type]


async def test_export_and_forget_everything_cover_history_too(
    service: MemoryService, db: Database, clock: FakeClock
) -> None:
    for user, text in ((ALICE, "I'm Priya"), (BOB, "I'm Robert")):
        await db.users.touch(user, f"user{user}")
        await db.messages.add(
            NewMessage(
                channel_id=CHANNEL, user_id=user, author_name=f"user{user}", role="user",
                content=text, created_at=clock.now, guild_id=GUILD_A,
            )
        )  # fmt: skip
        await say(service, text, user=user)
    export = await service.export(ALICE)
    assert export["user"]["user_id"] == str(ALICE)
    assert [m["text"] for m in export["memories"]] == ["name: Priya"]
    assert [m["content"] for m in export["conversation_history"]] == ["I'm Priya"]
    assert "Robert" not in json.dumps(export)
    counts = await service.forget_everything(ALICE)
    assert (counts.memories, counts.messages) == (1, 1)
    assert (await service.export(ALICE))["conversation_history"] == []
    assert [m["content"] for m in (await service.export(BOB))["conversation_history"]] == [
        "I'm Robert"
    ]


def test_prompt_block_for_the_lead() -> None:
    assert prompt_block([], "Sam") == ""
    block = prompt_block(["name: Priya", "likes: jazz"], "Sam")
    assert "Sam" in block and "- name: Priya\n- likes: jazz" in block


# --- LLM extraction -----------------------------------------------------------------------------


async def test_llm_proposals_add_update_and_delete(db: Database, clock: FakeClock) -> None:
    await db.memories.add(_new(ALICE, "hobby", "chess"))
    await db.memories.add(_new(ALICE, "like", "tea"))
    [chess, tea] = sorted(await db.memories.list(ALICE), key=lambda m: m.content)
    brain = ScriptedBrain(
        json.dumps(
            {
                "operations": [
                    {"op": "add", "kind": "pet", "content": "rabbit called Clover"},
                    {"op": "update", "id": tea.id, "content": "green tea"},
                    {"op": "delete", "id": chess.id},
                ]
            }
        )
    )
    service = MemoryService(db, llm_brain=brain, clock=clock)
    text = "I got a rabbit! Also I prefer green tea now and I gave up chess, and tea is great"
    applied = await service.after_reply(ALICE, GUILD_A, CHANNEL, text, "Congratulations!")
    assert applied == 3
    assert await contents(db) == ["green tea", "rabbit called Clover"]
    [request] = brain.requests
    payload = json.loads(request.messages[0].content)
    assert {m["id"] for m in payload["existing_memories"]} == {chess.id, tea.id}
    assert payload["user_message"] == text and request.temperature == 0.0
    [rabbit] = [m for m in await db.memories.list(ALICE) if m.kind == "pet"]
    assert rabbit.source == "llm"


async def test_llm_cannot_touch_memories_it_was_not_shown(db: Database, clock: FakeClock) -> None:
    bobs = await db.memories.add(_new(BOB, "like", "jazz"))
    elsewhere = await db.memories.add(_new(ALICE, "like", "chess", guild_id=GUILD_B))
    brain = ScriptedBrain(
        json.dumps(
            {
                "operations": [
                    {"op": "delete", "id": bobs.id},
                    {"op": "update", "id": elsewhere.id, "content": "hacked"},
                    {"op": "add", "kind": "note", "content": "card 4111 1111 1111 1111"},
                ]
            }
        )
    )
    service = MemoryService(db, llm_brain=brain, clock=clock)
    assert await service.after_reply(ALICE, GUILD_A, CHANNEL, "I like jazz and chess", "ok") == 0
    assert await db.memories.get(BOB, bobs.id) is not None
    assert (await db.memories.get(ALICE, elsewhere.id)).content == "chess"  # type: ignore[union-attr]
    assert await db.memories.count(ALICE) == 1


@pytest.mark.parametrize(
    "answer",
    [
        "Sure! I'll remember that you like jazz.",
        '{"operations": [{"op": "add", "kind": "mood", "content": "happy"}]}',
        '{"operations": [{"op": "add", "kind": "like"}]}',
        '{"operations": [{"op": "add", "kind": "like", "content": "jazz", "extra": 1}]}',
        '{"operations": [{"op": "delete", "id": "all"}]}',
        '{"ops": []}',
        '{"operations": [' + ",".join(['{"op": "none"}'] * 9) + "]}",
        '{"operations": [{"op": "add", "kind": "like", "content": "' + "x" * 201 + '"}]}',
        BrainError("the server is down"),
        "x" * 9000,
    ],
)
async def test_invalid_llm_output_is_ignored_not_stored(
    db: Database, clock: FakeClock, answer: str | Exception
) -> None:
    service = MemoryService(db, llm_brain=ScriptedBrain(answer), clock=clock)
    assert await service.after_reply(ALICE, GUILD_A, CHANNEL, "I like jazz", "nice") == 0
    assert await db.memories.count(ALICE) == 0


def test_proposals_in_code_fences_are_accepted() -> None:
    found = parse_proposal('```json\n{"operations": [{"op": "none"}]}\n```')
    assert isinstance(found, Proposal) and found.operations[0].op == "none"


async def test_llm_extraction_is_skipped_when_it_should_be(db: Database, clock: FakeClock) -> None:
    brain = ScriptedBrain()
    service = MemoryService(db, llm_brain=brain, clock=clock)
    assert await service.after_reply(ALICE, GUILD_A, CHANNEL, "my password is hunter2", "ok") == 0
    assert await service.after_reply(ALICE, GUILD_A, CHANNEL, "forget that I like cats", "ok") == 0
    await service.set_enabled(ALICE, False)
    assert await service.after_reply(ALICE, GUILD_A, CHANNEL, "I like jazz", "ok") == 0
    assert brain.requests == []  # the secret never left the bot
    offline_only = MemoryService(db, clock=clock)
    assert not offline_only.llm_enabled
    assert await offline_only.after_reply(ALICE, GUILD_A, CHANNEL, "I like jazz", "ok") == 0


def _new(user: int, kind: str, content: str, guild_id: int | None = GUILD_A) -> NewMemory:
    return NewMemory(user_id=user, kind=kind, content=content, guild_id=guild_id)  # type: ignore[arg-type]
