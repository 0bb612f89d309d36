"""People in the emulated Discord, and the waits that tell when the bot has finished answering.

Used by the tests and by ``hearth play``: a :class:`Person` says things, replies, runs slash
commands and clicks buttons the way the Discord app would (validating options against the
commands the bot registered, as the app does), and :func:`wait_idle` decides when the bot is
done: nothing changing, no typing indicator pending, every interaction answered, and streamed
replies given longer to settle than instant ones.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.emulator.server import EmulatorError, EmulatorServer
from bot.emulator.state import LOADING, Channel, Guild, Interaction, Message, Role, User

# Option types of application commands (Discord's numbering).
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
_TYPE_NAMES = {
    STRING: "text",
    INTEGER: "a whole number",
    BOOLEAN: "true or false",
    USER: "a user",
    CHANNEL: "a channel",
    ROLE: "a role",
    NUMBER: "a number",
    ATTACHMENT: "a file",
}

# Hearth shows a Stop button (custom id with this prefix) while a reply is being written.
STREAMING_MARK = "hearth:stop:"
TYPING_LIFETIME = 10.0  # Discord shows a typing indicator for 10 s
INTERACTION_DEADLINE = 3.0  # a bot must acknowledge an interaction within 3 s


@dataclass
class IdleRules:
    """How long the bot must be quiet before it counts as finished."""

    grace: float = 0.35  # at least this long after the user's action
    quiet: float = 0.2  # no change for this long...
    stream_quiet: float = 1.4  # ...or this long when a message was being edited (streaming)
    timeout: float = 20.0


async def wait_idle(emu: EmulatorServer, rules: IdleRules | None = None) -> bool:
    """Wait until the bot has stopped responding; False if it was still busy at the timeout."""
    rules = rules or IdleRules()
    start = last_change = time.monotonic()
    version = emu.version
    while True:
        now = time.monotonic()
        if now - start > rules.timeout:
            return False
        busy = _busy(emu, now)
        editing = _recently_edited(emu, now, rules.stream_quiet)
        needed = rules.stream_quiet if editing else rules.quiet
        if not busy and now - last_change >= needed and now - start >= rules.grace:
            return True
        new_version = await emu.wait_changed(version, timeout=0.05)
        if new_version != version:
            version, last_change = new_version, time.monotonic()


async def wait_until(
    emu: EmulatorServer, condition: Callable[[], object], timeout: float = 10.0
) -> bool:
    """Wait until ``condition()`` is truthy, re-checking after every change in the emulator."""
    deadline = time.monotonic() + timeout
    version = emu.version
    while not condition():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        version = await emu.wait_changed(version, timeout=min(remaining, 0.1))
    return True


def _busy(emu: EmulatorServer, now: float) -> bool:
    st = emu.state
    if any(now - at < TYPING_LIFETIME for at in st.typing.values()):
        return True
    for message_id in list(st.messages)[-50:]:
        message = st.messages[message_id]
        if not message.deleted and any(
            b.get("custom_id", "").startswith(STREAMING_MARK) for b in message.buttons
        ):
            return True
    for interaction in st.interactions.values():
        created = (interaction.id >> 22) / 1000 + 1_420_070_400  # snowflake -> unix seconds
        if not interaction.responded and time.time() - created < INTERACTION_DEADLINE:
            return True
        if interaction.original_message_id is not None:
            original = st.messages[interaction.original_message_id]
            if original.flags & LOADING and not original.deleted:
                return True
    return False


def _recently_edited(emu: EmulatorServer, now: float, window: float) -> bool:
    for message_id in reversed(list(emu.state.messages)[-50:]):
        message = emu.state.messages[message_id]
        if message.edits and now - message.edits[-1] < window:
            return True
    return False


class Person:
    """A human in the emulated Discord, acting through the app's usual gestures."""

    def __init__(self, emu: EmulatorServer, user: User, guild: Guild | None = None) -> None:
        self.emu = emu
        self.user = user
        self.guild = guild

    @property
    def name(self) -> str:
        return self.user.display_name

    @property
    def dm(self) -> Channel:
        """This person's DM channel with the bot."""
        return self.emu.dm_channel(self.user)

    # ----------------------------------------------------------------- messages
    async def say(self, channel: Channel, text: str, *, mention: bool = False) -> Message:
        """Post a message (``mention=True`` prefixes a mention of the bot)."""
        if mention:
            text = f"<@{self.emu.state.bot.id}> {text}"
        return await self.emu.user_message(self.user, channel, text)

    async def reply(self, message: Message, text: str) -> Message:
        """Reply to a message (Discord's reply feature)."""
        channel = self.emu.state.channels[message.channel_id]
        return await self.emu.user_message(self.user, channel, text, reply_to=message)

    async def ask(
        self, channel: Channel, text: str, *, mention: bool = False, rules: IdleRules | None = None
    ) -> list[Message]:
        """Say something and return the bot's messages that followed, once it is done."""
        sent = await self.say(channel, text, mention=mention)
        await wait_idle(self.emu, rules)
        return bot_messages(self.emu, channel, after=sent.id, viewer=self.user)

    # ----------------------------------------------------------------- interactions
    async def slash(
        self,
        channel: Channel,
        command: str,
        *,
        raw: bool = False,
        attachments: dict[str, dict[str, Any]] | None = None,
        **options: Any,
    ) -> Interaction:
        """Run ``/command`` ("trivia start" for subcommands) with options, as the app would.

        The app refuses unknown commands, unknown or missing options and values of the wrong
        type before anything reaches the bot; so does this (EmulatorError), unless ``raw``.
        """
        data = build_command_data(
            self.emu, channel, command, options, raw=raw, attachments=attachments or {}
        )
        return await self.emu.user_interaction(self.user, channel, 2, data)

    async def context_menu(self, message: Message, name: str) -> Interaction:
        """Run a message command (right-click a message → Apps → ``name``), as the app would:
        only a command the bot registered for messages, with the message resolved."""
        channel = self.emu.state.channels[message.channel_id]
        registered = self.emu.state.commands_for(channel.guild_id)
        command = next((c for c in registered if c["name"] == name and c.get("type") == 3), None)
        if command is None:
            names = ", ".join(sorted(c["name"] for c in registered if c.get("type") == 3))
            raise EmulatorError(
                f"no message command {name!r} here; message commands: {names or 'none'}"
            )
        if message.deleted:
            raise EmulatorError("that message was deleted")
        if message.visible_to is not None:
            raise EmulatorError("ephemeral messages have no Apps menu")
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": 3,
            "target_id": str(message.id),
            "resolved": {"messages": {str(message.id): message.to_json(self.emu.state)}},
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return await self.emu.user_interaction(self.user, channel, 2, data)

    async def click(self, message: Message, which: int | str) -> Interaction:
        """Press a button by 1-based position or by label (case-insensitive)."""
        buttons = message.buttons
        if not buttons:
            raise EmulatorError("that message has no buttons")
        if isinstance(which, int):
            if not 1 <= which <= len(buttons):
                raise EmulatorError(f"there are {len(buttons)} buttons; pick 1-{len(buttons)}")
            button = buttons[which - 1]
        else:
            wanted = which.strip().casefold()
            matches = [b for b in buttons if (b.get("label") or "").casefold() == wanted]
            if not matches:
                labels = ", ".join(message.button_labels)
                raise EmulatorError(f"no button labelled {which!r}; buttons: {labels}")
            button = matches[0]
        if button.get("disabled"):
            raise EmulatorError(f"the button {button.get('label')!r} is disabled")
        if "custom_id" not in button:
            raise EmulatorError("that is a link button; it opens a website")
        channel = self.emu.state.channels[message.channel_id]
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self.emu.user_interaction(self.user, channel, 3, data, message=message)

    async def select(self, message: Message, values: list[str], index: int = 1) -> Interaction:
        """Pick options in the message's ``index``-th select menu."""
        selects = message.selects
        if not 1 <= index <= len(selects):
            raise EmulatorError("that message has no such select menu")
        menu = selects[index - 1]
        allowed = {o["value"] for o in menu.get("options", [])}
        if allowed and not set(values) <= allowed:
            raise EmulatorError(f"not an option of that menu: {sorted(set(values) - allowed)}")
        channel = self.emu.state.channels[message.channel_id]
        data = {"custom_id": menu["custom_id"], "component_type": menu["type"], "values": values}
        return await self.emu.user_interaction(self.user, channel, 3, data, message=message)

    async def submit_modal(
        self, opened_by: Interaction, values: dict[str, str | list[str]]
    ) -> Interaction:
        """Fill in and submit the modal the bot opened in answer to ``opened_by``.

        ``values`` maps a field's custom id to its text (a list of values for a select menu).
        Like the app, this refuses unknown fields, empty required fields and too long text.
        """
        modal = opened_by.modal
        if modal is None:
            raise EmulatorError("the bot did not open a form for that")
        inputs = _modal_inputs(modal.get("components", []))
        fields = {c["custom_id"]: c for c in inputs if "custom_id" in c}
        unknown = sorted(set(values) - set(fields))
        if unknown:
            raise EmulatorError(f"the form has no field {unknown}; fields: {', '.join(fields)}")
        rows: list[dict[str, Any]] = []
        for top in modal.get("components", []):
            if top.get("type") == 1:  # a field in an action row (the older layout)
                row = [_filled(c, values) for c in top.get("components", []) if "custom_id" in c]
                rows.append({"type": 1, "components": row})
            elif top.get("type") == 18 and "custom_id" in top.get("component", {}):
                label = top.get("label", "")
                rows.append({"type": 18, "component": _filled(top["component"], values, label)})
        channel = self.emu.state.channels[opened_by.channel_id]
        message = self.emu.state.messages.get(opened_by.message_id or 0)
        data = {"custom_id": modal["custom_id"], "components": rows}
        return await self.emu.user_interaction(self.user, channel, 5, data, message=message)

    async def autocomplete(
        self, channel: Channel, command: str, focused: str, typed: str, **options: Any
    ) -> list[dict[str, Any]]:
        """What the bot suggests while this person types option ``focused``."""
        data = build_command_data(
            self.emu, channel, command, {**options, focused: typed}, raw=True, attachments={}
        )
        for option in _leaf_options(data):
            if option["name"] == focused:
                option["focused"] = True
                option["value"] = typed
        interaction = await self.emu.user_interaction(self.user, channel, 4, data)
        for _ in range(300):
            if interaction.autocomplete_choices is not None:
                return interaction.autocomplete_choices
            await asyncio.sleep(0.01)
        raise EmulatorError("the bot did not answer the autocomplete request")


def _modal_inputs(components: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """The fillable components of a modal, in action rows or in labels (type 18)."""
    for top in components:
        if top.get("type") == 1:
            yield from top.get("components", [])
        elif top.get("type") == 18 and "component" in top:
            yield top["component"]


def _filled(
    component: dict[str, Any], values: dict[str, str | list[str]], label: str = ""
) -> dict[str, Any]:
    """A modal field as submitted: text for a text input, chosen values for a select menu."""
    custom_id = component["custom_id"]
    name = label or component.get("label") or custom_id
    if component.get("type") != 4:
        chosen = values.get(custom_id, [])
        return {
            "type": component["type"],
            "custom_id": custom_id,
            "values": [chosen] if isinstance(chosen, str) else list(chosen),
        }
    text = values.get(custom_id, component.get("value") or "")
    if not isinstance(text, str):
        raise EmulatorError(f"the field {name!r} takes text, got {text!r}")
    if component.get("required", True) and not text:
        raise EmulatorError(f"the field {name!r} is required")
    shortest, longest = component.get("min_length", 0), component.get("max_length", 4000)
    if text and len(text) < shortest:
        raise EmulatorError(f"the field {name!r} needs at least {shortest} characters")
    if len(text) > longest:
        raise EmulatorError(f"the field {name!r} takes at most {longest} characters")
    return {"type": 4, "custom_id": custom_id, "value": text}


def bot_messages(
    emu: EmulatorServer, channel: Channel, *, after: int = 0, viewer: User | None = None
) -> list[Message]:
    """The bot's live messages in a channel after an id, as ``viewer`` sees them."""
    out = []
    for message in emu.state.channel_history(channel.id):
        if message.id <= after or message.deleted or message.author.id != emu.state.bot.id:
            continue
        if message.visible_to is not None and (viewer is None or message.visible_to != viewer.id):
            continue
        out.append(message)
    return out


def interaction_messages(emu: EmulatorServer, interaction: Interaction) -> list[Message]:
    """The original response and followups of an interaction, in order."""
    ids = [i for i in [interaction.original_message_id, *interaction.followup_ids] if i]
    return [emu.state.messages[i] for i in ids if not emu.state.messages[i].deleted]


def _leaf_options(data: dict[str, Any]) -> Iterable[dict[str, Any]]:
    options = data.get("options", [])
    while options and options[0]["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
        options = options[0].get("options", [])
    return options


def build_command_data(
    emu: EmulatorServer,
    channel: Channel,
    command: str,
    options: dict[str, Any],
    *,
    raw: bool,
    attachments: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """The ``data`` of a slash-command interaction, checked like the Discord app checks it."""
    words = command.strip().lstrip("/").split()
    options = {**attachments, **options}  # a file given by option name is an option too
    if not words:
        raise EmulatorError("which command? Type / followed by its name")
    registered = emu.state.commands_for(channel.guild_id)
    top = next((c for c in registered if c["name"] == words[0] and c.get("type", 1) == 1), None)
    if top is None:
        names = ", ".join(sorted("/" + c["name"] for c in registered if c.get("type", 1) == 1))
        raise EmulatorError(f"there is no /{words[0]} command here. Commands: {names or 'none'}")
    data: dict[str, Any] = {"id": top["id"], "name": top["name"], "type": 1}
    if top.get("guild_id"):
        data["guild_id"] = top["guild_id"]
    resolved: dict[str, dict[str, Any]] = {}
    node, container, path = top, data, ["/" + top["name"]]
    for word in words[1:]:
        subs = [o for o in node.get("options", []) if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        sub = next((o for o in subs if o["name"] == word), None)
        if sub is None:
            choices = ", ".join(o["name"] for o in subs) or "none"
            raise EmulatorError(f"{' '.join(path)} has no subcommand {word!r}; it has: {choices}")
        entry: dict[str, Any] = {"name": sub["name"], "type": sub["type"], "options": []}
        container.setdefault("options", []).append(entry)
        node, container = sub, entry
        path.append(word)
    subs = [o for o in node.get("options", []) if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if subs:
        choices = ", ".join(o["name"] for o in subs)
        raise EmulatorError(f"{' '.join(path)} needs a subcommand: {choices}")
    declared = {o["name"]: o for o in node.get("options", [])}
    values = container.setdefault("options", [])
    for name, value in options.items():
        spec = declared.get(name)
        if spec is None:
            if raw:
                values.append({"name": name, "type": STRING, "value": value})
                continue
            known = ", ".join(declared) or "none"
            raise EmulatorError(f"{' '.join(path)} has no option {name!r}; options: {known}")
        values.append(
            {
                "name": name,
                "type": spec["type"],
                "value": _coerce(
                    emu, spec, value, path, raw, resolved, attachments, channel.guild_id
                ),
            }
        )
    if not raw:
        missing = [n for n, o in declared.items() if o.get("required") and n not in options]
        if missing:
            raise EmulatorError(f"{' '.join(path)} needs the option(s): {', '.join(missing)}")
    if resolved:
        data["resolved"] = resolved
    return data


def _coerce(
    emu: EmulatorServer,
    spec: dict[str, Any],
    value: Any,
    path: list[str],
    raw: bool,
    resolved: dict[str, dict[str, Any]],
    attachments: dict[str, dict[str, Any]],
    guild_id: int | None = None,
) -> Any:
    kind, name = spec["type"], spec["name"]
    where = f"{' '.join(path)} option {name}"
    try:
        if kind == INTEGER:
            value = int(value)
        elif kind == NUMBER:
            value = float(value)
        elif kind == BOOLEAN:
            if isinstance(value, str):
                if value.lower() not in ("true", "false", "yes", "no"):
                    raise ValueError
                value = value.lower() in ("true", "yes")
            value = bool(value)
        elif kind in (STRING,):
            value = str(value)
    except (TypeError, ValueError):
        if raw:
            return value
        raise EmulatorError(
            f"{where} must be {_TYPE_NAMES.get(kind, 'valid')}, got {value!r}"
        ) from None
    guild = emu.state.guilds.get(guild_id) if guild_id is not None else None
    if kind == MENTIONABLE and not isinstance(value, User):
        role = _find_role(guild, str(value), required=False) if guild else None
        if role is not None:
            resolved.setdefault("roles", {})[str(role.id)] = role.to_json()
            return str(role.id)
    if kind in (USER, MENTIONABLE):
        user = value if isinstance(value, User) else _find_user(emu, str(value))
        resolved.setdefault("users", {})[str(user.id)] = user.to_json()
        member = guild.members.get(user.id) if guild else None
        if guild is not None and member is not None:
            # In a guild Discord resolves the member too (discord.py then gives a Member).
            resolved.setdefault("members", {})[str(user.id)] = {
                **member.to_json(with_user=False),
                "permissions": str(guild.permissions_of(user.id)),
            }
        return str(user.id)
    if kind == CHANNEL:
        target = value if isinstance(value, Channel) else _find_channel(emu, guild, str(value))
        resolved.setdefault("channels", {})[str(target.id)] = {
            **target.to_json(),
            "permissions": str(guild.roles[guild.id].permissions if guild else 0),
        }
        return str(target.id)
    if kind == ROLE:
        role = _find_role(guild, str(value)) if guild else None
        if role is None:
            raise EmulatorError(f"{where} needs a role, and there are no roles outside a server")
        resolved.setdefault("roles", {})[str(role.id)] = role.to_json()
        return str(role.id)
    if kind == ATTACHMENT:
        attachment = attachments.get(name) or (value if isinstance(value, dict) else None)
        if attachment is None:
            raise EmulatorError(f"{where} needs a file")
        resolved.setdefault("attachments", {})[attachment["id"]] = attachment
        return attachment["id"]
    if not raw:
        _check_bounds(spec, value, where)
    return value


def _check_bounds(spec: dict[str, Any], value: Any, where: str) -> None:
    choices = spec.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        names = ", ".join(str(c["value"]) for c in choices)
        raise EmulatorError(f"{where} must be one of: {names}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "min_value" in spec and value < spec["min_value"]:
            raise EmulatorError(f"{where} must be at least {spec['min_value']}")
        if "max_value" in spec and value > spec["max_value"]:
            raise EmulatorError(f"{where} must be at most {spec['max_value']}")
    if isinstance(value, str):
        if "min_length" in spec and len(value) < spec["min_length"]:
            raise EmulatorError(f"{where} must be at least {spec['min_length']} characters")
        if "max_length" in spec and len(value) > spec["max_length"]:
            raise EmulatorError(f"{where} must be at most {spec['max_length']} characters")


def _find_channel(emu: EmulatorServer, guild: Guild | None, name_or_id: str) -> Channel:
    text = name_or_id.strip().lstrip("#").removeprefix("<#").removesuffix(">")
    for channel_id in guild.channel_ids if guild else []:
        channel = emu.state.channels[channel_id]
        if str(channel.id) == text or channel.name == text:
            return channel
    raise EmulatorError(f"no channel called {name_or_id!r} here")


def _find_role(guild: Guild, name_or_id: str, *, required: bool = True) -> Role | None:
    text = name_or_id.strip().lstrip("@").removeprefix("<@&").removesuffix(">")
    for role in guild.roles.values():
        if str(role.id) == text or role.name.lstrip("@").casefold() == text.casefold():
            return role
    if required:
        raise EmulatorError(f"no role called {name_or_id!r} in {guild.name}")
    return None


def _find_user(emu: EmulatorServer, name_or_id: str) -> User:
    text = name_or_id.strip().lstrip("@").removeprefix("<@").removesuffix(">").lstrip("!")
    for user in emu.state.users.values():
        if str(user.id) == text or user.username == text.lower() or user.display_name == text:
            return user
    raise EmulatorError(f"no user called {name_or_id!r} here")
