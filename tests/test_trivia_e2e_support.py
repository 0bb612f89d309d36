"""Shared helpers for the trivia end-to-end tests (emulator + the real bot); no tests here."""

from __future__ import annotations

from collections.abc import Callable

from bot.emulator.harness import Person, bot_messages, interaction_messages, wait_until
from bot.emulator.state import LOADING, Channel, Interaction, Message
from bot.emulator.world import LocalWorld
from bot.games.trivia.service import TriviaService
from bot.games.trivia.timing import ScaledTime

FAST = 0.02  # game seconds between a reveal and the next question in tests


def trivia(world: LocalWorld) -> TriviaService:
    """The running bot's trivia service."""
    assert world.bot is not None
    return world.bot.services.trivia


def speed_up(world: LocalWorld, speed: float | None = None, pause: float = FAST) -> None:
    """Short pauses between questions; with `speed`, game time runs that much faster."""
    service = trivia(world)
    service.reveal_pause = pause
    if speed is not None:
        service.time = ScaledTime(speed)


async def until(world: LocalWorld, condition: Callable[[], object], timeout: float = 8.0) -> None:
    """Wait for `condition`, failing the test with a clear message if it never holds."""
    assert await wait_until(world.emu, condition, timeout), "timed out waiting for the bot"


def titles(world: LocalWorld, channel: Channel, after: int = 0) -> list[str]:
    """Titles of the bot's public embeds in the channel, oldest first."""
    return [
        embed.get("title", "")
        for message in bot_messages(world.emu, channel, after=after)
        if not message.ephemeral
        for embed in message.embeds
    ]


def embeds_titled(world: LocalWorld, channel: Channel, prefix: str) -> list[Message]:
    """Public bot messages whose embed title starts with `prefix`."""
    return [
        m
        for m in bot_messages(world.emu, channel)
        if not m.ephemeral and m.embeds and m.embeds[0].get("title", "").startswith(prefix)
    ]


def questions(world: LocalWorld, channel: Channel) -> list[Message]:
    """The question messages posted so far."""
    return embeds_titled(world, channel, "Question ")


def description(message: Message) -> str:
    """The first embed's description."""
    return message.embeds[0].get("description") or ""


def field_values(message: Message) -> dict[str, str]:
    """The first embed's fields by name."""
    return {f["name"]: f["value"] for f in message.embeds[0].get("fields", [])}


async def right_option(world: LocalWorld, channel: Channel) -> tuple[int, str]:
    """The open question's right button (1-based) and its answer text."""
    service = trivia(world)
    session = service.session(channel.id)
    assert session is not None, "no game is running"
    asked = session.table.asked  # type: ignore[attr-defined]
    question = (await service.pool(world.guild.id)).by_id(asked.question_id)
    if asked.options:
        return asked.options.index(question.answer) + 1, question.answer
    return 0, question.answer


async def wrong_option(world: LocalWorld, channel: Channel) -> int:
    """A wrong button (1-based) of the open question that is still enabled."""
    right, _ = await right_option(world, channel)
    message = questions(world, channel)[-1]
    for index, button in enumerate(message.buttons, start=1):
        if index != right and not button.get("disabled"):
            return index
    raise AssertionError("no wrong option left")


def answered(world: LocalWorld, interaction: Interaction) -> list[Message]:
    """The answers to an interaction, once none is a "thinking…" placeholder any more."""
    messages = interaction_messages(world.emu, interaction)
    if not messages or any(m.flags & LOADING for m in messages):
        return []
    return messages


async def private_reply(world: LocalWorld, interaction: Interaction) -> Message:
    """The single (ephemeral) answer to an interaction."""
    await until(world, lambda: answered(world, interaction))
    [message] = answered(world, interaction)
    return message


async def start_game(
    world: LocalWorld, person: Person, channel: Channel, **options: object
) -> Message:
    """/trivia start, returning the first question once it is posted."""
    before = len(questions(world, channel))
    await person.slash(channel, "trivia start", **options)
    await until(world, lambda: len(questions(world, channel)) > before)
    return questions(world, channel)[-1]


async def next_question(world: LocalWorld, channel: Channel, count: int) -> Message:
    """Wait until question number `count` is posted and return it."""
    await until(world, lambda: len(questions(world, channel)) >= count)
    return questions(world, channel)[count - 1]
