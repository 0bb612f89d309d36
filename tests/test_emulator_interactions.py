"""Emulator conformance: every interaction response type, followups, modals, menus and files."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
from test_emulator_probe import Probe, running_probe

from bot.emulator.harness import bot_messages, interaction_messages, wait_idle, wait_until
from bot.emulator.server import EmulatorError
from bot.emulator.state import EPHEMERAL, LOADING, Interaction, Message


@pytest.fixture
async def probe() -> AsyncIterator[Probe]:
    async with running_probe() as running:
        yield running


async def answer(probe: Probe, interaction: Interaction) -> list[Message]:
    """The interaction's messages once the client has answered it."""
    assert await wait_until(probe.emu, lambda: interaction.responded, timeout=5)
    return interaction_messages(probe.emu, interaction)


async def panel(probe: Probe) -> Message:
    (message,) = await answer(probe, await probe.alice.slash(probe.general, "panel"))
    assert message.button_labels == ["Update", "Quiet", "Form"]
    return message


async def flush_gateway(probe: Probe) -> None:
    """Wait until the client has seen everything dispatched so far (the gateway is in order)."""
    marker = await probe.bob.say(probe.general, "marker")
    await probe.bot.wait_event("message", lambda m: m.id == marker.id)


async def test_message_response_is_public_and_dispatched(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "echo", text="hello all")
    (reply,) = await answer(probe, interaction)
    assert interaction.callback_type == 4
    assert reply.content == "hello all" and reply.visible_to is None
    (seen,) = await probe.bot.wait_event("message", lambda m: m.id == reply.id)
    assert seen.interaction_metadata is not None
    assert seen.interaction_metadata.user.id == probe.alice.user.id


async def test_ephemeral_response_is_visible_only_to_its_user(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "echo", text="secret", private=True)
    (reply,) = await answer(probe, interaction)
    assert reply.flags & EPHEMERAL and reply.visible_to == probe.alice.user.id
    assert bot_messages(probe.emu, probe.general, viewer=probe.alice.user) == [reply]
    assert bot_messages(probe.emu, probe.general, viewer=probe.bob.user) == []
    await flush_gateway(probe)
    assert reply.id not in {m.id for (m,) in probe.bot.seen("message")}
    history = [m.id async for m in probe.bot.get_channel(probe.general.id).history()]
    assert reply.id not in history


async def test_deferred_response_loads_then_is_edited(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "slow", seconds=0.4)
    (thinking,) = await answer(probe, interaction)
    assert interaction.callback_type == 5
    assert thinking.flags & LOADING and thinking.content == ""
    assert await wait_until(probe.emu, lambda: thinking.content == "done thinking", timeout=5)
    assert not thinking.flags & LOADING
    assert interaction_messages(probe.emu, interaction) == [thinking]


async def test_button_update_message_edits_the_panel(probe: Probe) -> None:
    message = await panel(probe)
    click = await probe.alice.click(message, "Update")
    await answer(probe, click)
    assert click.callback_type == 7
    assert message.content == "updated by a click"
    assert message.button_labels == ["Update", "Quiet", "Form"]  # the view was sent again
    _, after = await probe.bot.wait_event("message_edit", lambda _b, a: a.id == message.id)
    assert after.content == "updated by a click"


async def test_deferred_update_then_edit_original_edits_the_panel(probe: Probe) -> None:
    message = await panel(probe)
    click = await probe.alice.click(message, "quiet")
    assert await wait_until(
        probe.emu, lambda: message.content == "edited after a deferred update", timeout=5
    )
    assert click.callback_type == 6 and click.original_message_id == message.id
    assert len(bot_messages(probe.emu, probe.general)) == 1  # no new message


async def test_clicking_a_missing_button_is_refused(probe: Probe) -> None:
    message = await panel(probe)
    with pytest.raises(EmulatorError, match="no button labelled 'Delete'; buttons: Update"):
        await probe.alice.click(message, "Delete")
    with pytest.raises(EmulatorError, match="there are 3 buttons"):
        await probe.alice.click(message, 4)


async def test_slash_command_modal_submit_reaches_on_submit(probe: Probe) -> None:
    opened = await probe.alice.slash(probe.general, "form")
    await answer(probe, opened)
    assert opened.callback_type == 9 and opened.modal is not None
    assert opened.modal["custom_id"] == "probe:note" and opened.modal["title"] == "Leave a note"
    submitted = await probe.alice.submit_modal(opened, {"subject": "Hi", "body": "two\nlines"})
    (reply,) = await answer(probe, submitted)
    assert reply.content == "noted: Hi"
    assert ("modal", {"subject": "Hi", "body": "two\nlines"}) in probe.bot.calls


async def test_button_opens_a_modal_and_optional_fields_may_stay_empty(probe: Probe) -> None:
    click = await probe.alice.click(await panel(probe), "Form")
    await answer(probe, click)
    assert click.callback_type == 9
    submitted = await probe.alice.submit_modal(click, {"subject": "Only this"})
    await answer(probe, submitted)
    assert ("modal", {"subject": "Only this", "body": ""}) in probe.bot.calls


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"body": "no subject"}, "the field 'Subject' is required"),
        ({"subject": "x" * 21}, "'Subject' takes at most 20 characters"),
        ({"subject": "Hi", "title": "?"}, r"no field \['title'\]; fields: subject, body"),
    ],
)
async def test_modal_refuses_what_the_app_refuses(
    probe: Probe, values: dict[str, str], message: str
) -> None:
    opened = await probe.alice.slash(probe.general, "form")
    await answer(probe, opened)
    with pytest.raises(EmulatorError, match=message):
        await probe.alice.submit_modal(opened, values)


async def test_modal_cannot_be_submitted_when_none_was_opened(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "echo", text="no form")
    await answer(probe, interaction)
    with pytest.raises(EmulatorError, match="did not open a form"):
        await probe.alice.submit_modal(interaction, {"subject": "Hi"})


async def test_followups_public_and_ephemeral(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "follow")
    assert await wait_idle(probe.emu)
    first, public, private = interaction_messages(probe.emu, interaction)
    assert [first.content, public.content, private.content] == [
        "first",
        "for everyone",
        "just for you",
    ]
    assert public.visible_to is None and private.visible_to == probe.alice.user.id
    assert [r.method for r in probe.emu.requests if r.path.startswith("/webhooks/")] == [
        "POST",
        "POST",
    ]
    await flush_gateway(probe)
    seen = {m.id for (m,) in probe.bot.seen("message")}
    assert public.id in seen and private.id not in seen


@pytest.mark.parametrize("private", [False, True])
async def test_first_followup_after_thinking_replaces_the_loading_message(
    probe: Probe, private: bool
) -> None:
    interaction = await probe.alice.slash(probe.general, "think", private=private)
    assert await wait_idle(probe.emu)
    original, extra = interaction_messages(probe.emu, interaction)
    assert original.id == interaction.original_message_id
    assert original.content == "thought it through" and not original.flags & LOADING
    assert original.ephemeral is private  # the deferral decided, not the followup
    assert extra.content == "one more thing" and not extra.ephemeral
    assert interaction.followup_ids == [extra.id]


async def test_autocomplete_answers_with_the_bots_choices(probe: Probe) -> None:
    choices = await probe.alice.autocomplete(probe.general, "fruit", "name", "ap")
    assert choices == [{"name": "Apple", "value": "apple"}, {"name": "Apricot", "value": "apricot"}]
    assert ("autocomplete", {"current": "ap"}) in probe.bot.calls
    interaction = next(i for i in probe.emu.state.interactions.values() if i.type == 4)
    assert interaction.callback_type == 8
    (reply,) = await answer(probe, await probe.alice.slash(probe.general, "fruit", name="apple"))
    assert reply.content == "you picked apple"


async def test_select_menu_choice_reaches_the_callback(probe: Probe) -> None:
    message = await panel(probe)
    (menu,) = message.selects
    assert menu["custom_id"] == "probe:pick" and menu["max_values"] == 2
    picked = await probe.alice.select(message, ["tea", "cocoa"])
    (reply,) = await answer(probe, picked)
    assert reply.content == "picked tea+cocoa"
    with pytest.raises(EmulatorError, match="not an option of that menu: \\['juice'\\]"):
        await probe.alice.select(message, ["juice"])


async def test_file_sent_by_the_bot_is_stored_and_downloadable(probe: Probe) -> None:
    (reply,) = await answer(probe, await probe.alice.slash(probe.general, "file"))
    (attachment,) = reply.attachments
    assert attachment["filename"] == "probe.txt"
    assert probe.emu.attachment_bytes(attachment) == b"probe bytes\n"
    (seen,) = await probe.bot.wait_event("message", lambda m: m.id == reply.id)
    assert await seen.attachments[0].read() == b"probe bytes\n"


async def test_user_uploaded_attachment_is_readable_by_the_bot(probe: Probe) -> None:
    upload = probe.emu.add_attachment("data.csv", b"a,b\n1,2\n", "text/csv")
    said = await probe.emu.user_message(
        probe.alice.user, probe.general, "see file", attachments=[upload]
    )
    (message,) = await probe.bot.wait_event("message", lambda m: m.id == said.id)
    (attachment,) = message.attachments
    assert (attachment.filename, attachment.size, attachment.content_type) == (
        "data.csv",
        8,
        "text/csv",
    )
    assert await attachment.read() == b"a,b\n1,2\n"


async def test_answering_twice_is_refused_by_the_emulator(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "echo", text="once")
    await answer(probe, interaction)
    route = discord.http.Route(
        "POST",
        "/interactions/{id}/{token}/callback",
        id=interaction.id,
        token=interaction.token,
    )
    with pytest.raises(discord.HTTPException) as caught:
        await probe.bot.http.request(route, json={"type": 4, "data": {"content": "twice"}})
    assert caught.value.status == 400 and caught.value.code == 40060


async def test_callback_breaking_discord_limits_is_refused(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "late", seconds=5.0)  # answers too late
    route = discord.http.Route(
        "POST", "/interactions/{id}/{token}/callback", id=interaction.id, token=interaction.token
    )
    with pytest.raises(discord.HTTPException) as too_long:
        await probe.bot.http.request(route, json={"type": 4, "data": {"content": "x" * 2001}})
    assert too_long.value.status == 400 and too_long.value.code == 50035
    with pytest.raises(discord.HTTPException) as empty:
        await probe.bot.http.request(route, json={"type": 4, "data": {"content": " "}})
    assert empty.value.code == 50006
    assert not interaction.responded


async def test_slash_command_in_a_dm(probe: Probe) -> None:
    interaction = await probe.bob.slash(probe.bob.dm, "echo", text="just us")
    (reply,) = await answer(probe, interaction)
    assert reply.channel_id == probe.bob.dm.id and reply.guild_id is None
    (seen,) = await probe.bot.wait_event("interaction", lambda i: i.id == interaction.id)
    assert seen.guild is None and seen.user.id == probe.bob.user.id


async def test_deleting_an_ephemeral_response_is_not_dispatched(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "echo", text="hush", private=True)
    (reply,) = await answer(probe, interaction)
    route = discord.http.Route(
        "DELETE",
        "/webhooks/{app}/{token}/messages/@original",
        app=probe.emu.state.bot.id,
        token=interaction.token,
    )
    await probe.bot.http.request(route)
    assert reply.deleted
    await flush_gateway(probe)
    assert reply.id not in {e.message_id for (e,) in probe.bot.seen("raw_message_delete")}
