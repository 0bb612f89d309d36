"""Reports and feedback end to end: the "Report to moderators" message command (and the
emulator's gesture for it), the mod-log post, /moderation reports with Resolve buttons, and
thumbs up/down on replies."""

from __future__ import annotations

import pytest

from bot.emulator.harness import bot_messages, wait_idle
from bot.emulator.server import EmulatorError
from bot.storage.moderation_repo import MessageSnapshot, NewReport
from cogs import outbox
from cogs.moderation import REPORT_MENU_NAME, feedback_buttons
from tests.test_moderation_e2e import answer, embed_text, make_moderator, run, services


async def report(world, person, message, reason: str = ""):  # type: ignore[no-untyped-def]
    """Report ``message`` through the Apps menu and fill in the form; returns the thanks."""
    opened = await person.context_menu(message, REPORT_MENU_NAME)
    await wait_idle(world.emu)
    assert opened.modal is not None, "the bot did not open the report form"
    submitted = await person.submit_modal(opened, {"reason": reason})
    return await answer(world, submitted)


async def with_log_channel(world, moderator) -> None:  # type: ignore[no-untyped-def]
    await make_moderator(world, moderator)
    await run(world, moderator, "moderation setup", log_channel="games")


# --- the emulator's message command gesture -------------------------------------------------


async def test_context_menu_needs_a_registered_message_command(world, alice, bob) -> None:
    said = await bob.say(world.channel("general"), "hello there")
    with pytest.raises(EmulatorError, match=r"no message command 'Nope'.*Report to moderators"):
        await alice.context_menu(said, "Nope")
    registered = world.emu.state.commands_for(world.guild.id)
    [menu] = [c for c in registered if c["name"] == REPORT_MENU_NAME]
    assert menu["type"] == 3


async def test_context_menu_delivers_the_target_message(world, alice, bob) -> None:
    said = await bob.say(world.channel("general"), "hello there")
    opened = await alice.context_menu(said, REPORT_MENU_NAME)
    assert opened.data["type"] == 3 and opened.data["target_id"] == str(said.id)
    await wait_idle(world.emu)
    assert opened.modal is not None and opened.modal["title"] == "Report to moderators"


# --- reporting ---------------------------------------------------------------------------------


async def test_report_flow_snapshot_mod_log_and_thanks(world, alice, bob) -> None:
    owner = world.people["Owner"]
    await with_log_channel(world, owner)
    general, games = world.channel("general"), world.channel("games")
    await alice.say(general, "who wants to play later?")
    await bob.say(general, "not with you")
    rude = await bob.say(general, "you are a shit player, go away")
    thanks = await report(world, alice, rude, reason="rude to me, again")
    assert thanks.ephemeral and thanks.visible_to == alice.user.id
    assert "Thank you" in thanks.content

    [stored] = await services(world).db.moderation.reports(world.guild.id)
    assert stored.message.message_id == rude.id and stored.message.author_id == bob.user.id
    assert stored.message.content == "you are a shit player, go away"
    assert [c.content for c in stored.context][-2:] == [
        "who wants to play later?",
        "not with you",
    ]
    assert stored.reporter_id == alice.user.id and stored.reason == "rude to me, again"

    [post] = [m for m in bot_messages(world.emu, games) if m.embeds]
    text = embed_text(post)
    assert f"Report #{stored.id}" in text and "s*** player" in text and "shit" not in text
    assert "rude to me, again" in text and "not with you" in text
    assert post.button_labels == [f"Resolve #{stored.id}"]
    assert stored.log_message_id == post.id

    # the snapshot stays when the message changes
    world.emu.state.messages[rude.id].content = "(edited)"
    again = await services(world).db.moderation.get_report(stored.id)
    assert again is not None and "shit" in again.message.content


async def test_reporting_twice_or_your_own_message(world, alice, bob) -> None:
    general = world.channel("general")
    said = await bob.say(general, "spam spam spam")
    await report(world, alice, said)
    second = await report(world, alice, said, reason="still spam")
    assert "already reported" in second.content
    assert len(await services(world).db.moderation.reports(world.guild.id)) == 1
    own = await alice.say(general, "my own words")
    opened = await alice.context_menu(own, REPORT_MENU_NAME)
    note = await answer(world, opened)
    assert opened.modal is None and "your own message" in note.content


async def test_resolve_from_the_mod_log_post(world, alice, bob) -> None:
    owner = world.people["Owner"]
    await with_log_channel(world, owner)
    said = await bob.say(world.channel("general"), "buy my stuff now")
    await report(world, alice, said)
    [post] = [m for m in bot_messages(world.emu, world.channel("games")) if m.embeds]
    [stored] = await services(world).db.moderation.reports(world.guild.id)

    denied = await alice.click(post, f"Resolve #{stored.id}")
    assert "Manage Server" in (await answer(world, denied)).content
    assert (await services(world).db.moderation.get_report(stored.id)).status == "open"  # type: ignore[union-attr]

    await owner.click(post, f"Resolve #{stored.id}")
    await wait_idle(world.emu)
    assert "(resolved)" in post.embeds[0]["title"] and post.button_labels == []
    resolved = await services(world).db.moderation.get_report(stored.id)
    assert resolved is not None and resolved.status == "resolved"
    assert resolved.resolver_id == owner.user.id
    [entry] = [
        e for e in await services(world).db.audit.list(world.guild.id)
        if e.action == "moderation.report.resolve"
    ]  # fmt: skip
    assert entry.actor_id == owner.user.id and entry.detail["report"] == stored.id


async def test_reports_listed_and_resolved_with_buttons(world, alice, bob) -> None:
    owner = world.people["Owner"]
    await make_moderator(world, owner)
    general = world.channel("general")
    for index in range(6):  # filed directly: the report form has its own tests
        said = await bob.say(general, f"advert number {index}")
        await services(world).db.moderation.add_report(
            NewReport(
                guild_id=world.guild.id,
                channel_id=general.id,
                message=MessageSnapshot(
                    message_id=said.id, author_id=bob.user.id, author="Bob", content=said.content
                ),
                context=(),
                reporter_id=alice.user.id,
                reason=f"spam {index}",
            )
        )
    listed = await run(world, owner, "moderation reports")
    assert listed.ephemeral
    text = embed_text(listed)
    assert "Open reports: 6" in text and "Page 1 of 2" in text
    assert "advert number 0" in text and "advert number 5" not in text
    labels = listed.button_labels
    assert labels[:5] == [f"Resolve #{i}" for i in range(1, 6)] and labels[5] == "Next ▶"

    await owner.click(listed, "Resolve #2")
    await wait_idle(world.emu)
    assert "✅ Report #2 resolved." in listed.content
    assert "Open reports: 5" in embed_text(listed) and "Resolve #2" not in listed.button_labels
    assert "Resolve #6" in listed.button_labels  # the page filled up again

    await owner.click(listed, "Resolve #1")
    await wait_idle(world.emu)
    later = await run(world, owner, "moderation reports", page=3)  # past the end: last page
    assert "Open reports: 4" in embed_text(later)
    assert await services(world).db.moderation.count_reports(world.guild.id) == 4


async def test_no_open_reports(world, alice) -> None:
    await make_moderator(world, alice)
    listed = await run(world, alice, "moderation reports")
    assert "No open reports" in embed_text(listed) and listed.button_labels == []


# --- feedback ----------------------------------------------------------------------------------


async def post_with_thumbs(world, reply_key: int):  # type: ignore[no-untyped-def]
    """A message of the bot with the feedback buttons (as the chat cog shows them)."""
    import discord

    view = discord.ui.View(timeout=None)
    for button in feedback_buttons(reply_key):
        view.add_item(button)
    channel = world.bot.get_channel(world.channel("general").id)
    sent = await outbox.send(world.bot, channel, "Here's a reply to rate.", view=view)
    await wait_idle(world.emu)
    return world.emu.state.messages[sent.id]


async def test_thumbs_one_vote_per_person_changeable_and_private(world, alice, bob) -> None:
    message = await post_with_thumbs(world, 4242)
    assert message.button_labels == ["👍", "👎"]
    assert [b["custom_id"] for b in message.buttons] == ["hearth:fb:up:4242", "hearth:fb:down:4242"]

    first = await answer(world, await alice.click(message, 1))
    assert (
        first.ephemeral
        and first.visible_to == alice.user.id
        and "Thanks for the 👍" in first.content
    )
    same = await answer(world, await alice.click(message, 1))
    assert "already gave this reply a 👍" in same.content
    changed = await answer(world, await alice.click(message, 2))
    assert "Changed your vote to 👎" in changed.content
    await answer(world, await bob.click(message, 1))

    totals = await services(world).db.moderation.feedback_totals(4242)
    assert (totals.up, totals.down) == (1, 1)
    assert message.content == "Here's a reply to rate."  # the reply itself is untouched


async def test_thumbs_still_work_after_a_restart(world, alice) -> None:
    message = await post_with_thumbs(world, 77)
    await world.stop_bot()
    await world.start_bot()
    reply = await answer(world, await alice.click(message, 2))
    assert "👎" in reply.content
    totals = await services(world).db.moderation.feedback_totals(77)
    assert (totals.up, totals.down) == (0, 1)


async def test_resolving_from_the_list_updates_the_mod_log_post(world, alice, bob) -> None:
    owner = world.people["Owner"]
    await with_log_channel(world, owner)
    said = await bob.say(world.channel("general"), "click my link for prizes")
    await report(world, alice, said)
    [post] = [m for m in bot_messages(world.emu, world.channel("games")) if m.embeds]
    listed = await run(world, owner, "moderation reports")
    await owner.click(listed, "Resolve #1")
    await wait_idle(world.emu)
    assert "No open reports" in embed_text(listed)
    assert "(resolved)" in post.embeds[0]["title"] and post.button_labels == []
    assert f"<@{owner.user.id}>" in embed_text(post)
