"""Moderation: /moderation setup|terms|audit|reports|events, the "Report to moderators"
message command, thumbs up/down on replies, and filter events in the mod log.

Moderator commands are checked in the handler (Manage Server, or the role chosen with
``/moderation setup``), not only by Discord's default permissions. Everything quoting members
(reports, filter events) is masked before it is shown; a report's post links to the original.
Buttons are dynamic items, so they keep working after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import HearthBot
from bot.moderation.admin import (
    AUDIT_PER_PAGE,
    AdminError,
    AuditPage,
    ModerationAdmin,
    ReportPage,
    describe_audit,
    describe_event,
    mask_all,
    shorten,
)
from bot.moderation.service import ModerationEvent
from bot.storage.moderation_repo import MessageSnapshot, ReportRecord
from bot.storage.repositories import GuildSettings
from cogs import outbox
from cogs.checks import NOT_A_MODERATOR, is_moderator, moderator_only

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour.from_rgb(232, 121, 52)
REPORT_COLOUR = discord.Colour.from_rgb(214, 69, 65)
RESOLVED_COLOUR = discord.Colour.from_rgb(67, 160, 71)
REPORT_MENU_NAME = "Report to moderators"
CONTEXT_MESSAGES = 5  # messages before the reported one kept with the report
MODAL_TIMEOUT = 600.0

STRICTNESS_HELP = {
    "relaxed": "members may swear; I may use mild words if my persona does",
    "standard": "members' casual swearing is fine; I never swear",
    "strict": "I decline to engage with profanity from anyone",
}
THUMBS = {"up": "👍", "down": "👎"}


# ----------------------------------------------------------------- buttons
class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:fb:(?P<value>up|down):(?P<message>\d+)",
):
    """👍 / 👎 under a reply. ``message_id`` names the reply (the chat cog passes the id of
    the message it answered, known before the reply is sent). One vote per user, changeable."""

    def __init__(self, value: Literal["up", "down"], message_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                emoji=THUMBS[value],
                style=discord.ButtonStyle.secondary,
                custom_id=f"hearth:fb:{value}:{message_id}",
            )
        )
        self.value: Literal["up", "down"] = value
        self.message_id = message_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> FeedbackButton:
        value: Literal["up", "down"] = "up" if match["value"] == "up" else "down"
        return cls(value, int(match["message"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = _cog(interaction)
        await cog.feedback(interaction, self.value, self.message_id)


def feedback_buttons(message_id: int) -> list[FeedbackButton]:
    """The 👍 and 👎 buttons for a reply (add them to the reply's view)."""
    return [FeedbackButton("up", message_id), FeedbackButton("down", message_id)]


class ResolveReportButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:report:resolve:(?P<report>\d+)",
):
    """Resolve under a report (in the mod log, or in /moderation reports)."""

    def __init__(self, report_id: int, *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Resolve #{report_id}",
                style=discord.ButtonStyle.success,
                custom_id=f"hearth:report:resolve:{report_id}",
            ),
            row=row,
        )
        self.report_id = report_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ResolveReportButton:
        return cls(int(match["report"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).resolve(interaction, self.report_id)


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:modpage:(?P<what>audit|reports):(?P<page>\d+)",
):
    """Newer/older in /moderation audit, previous/next in /moderation reports."""

    def __init__(self, what: Literal["audit", "reports"], page: int, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"hearth:modpage:{what}:{page}",
            ),
            row=4,
        )
        self.what: Literal["audit", "reports"] = what
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PageButton:
        what: Literal["audit", "reports"] = "audit" if match["what"] == "audit" else "reports"
        return cls(what, int(match["page"]), item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).turn_page(interaction, self.what, self.page)


def _cog(interaction: discord.Interaction) -> Moderation:
    # Not an isinstance check: discord.py loads extensions as fresh module objects, so the
    # class a caller imported may not be the one the bot runs.
    cog = interaction.client.get_cog("Moderation")  # type: ignore[attr-defined]
    if cog is None:
        raise RuntimeError("the moderation cog is not loaded")
    return cog  # type: ignore[no-any-return]


class ReportModal(discord.ui.Modal, title="Report to moderators"):
    """The optional reason of a report."""

    reason: discord.ui.TextInput[ReportModal] = discord.ui.TextInput(
        label="What's wrong with it? (optional)",
        style=discord.TextStyle.paragraph,
        custom_id="reason",
        required=False,
        max_length=500,
        placeholder="e.g. it's rude to someone, or it's spam",
    )

    def __init__(self, cog: Moderation, message: discord.Message) -> None:
        super().__init__(custom_id=f"hearth:report:form:{message.id}", timeout=MODAL_TIMEOUT)
        self.cog = cog
        self.message = message

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.file_report(interaction, self.message, self.reason.value or "")


# ----------------------------------------------------------------- rendering
def _snapshot(message: discord.Message) -> MessageSnapshot:
    content = message.content
    extras = [f"[attachment: {a.filename}]" for a in message.attachments]
    if message.embeds and not content:
        extras.append(f"[{len(message.embeds)} embed(s)]")
    text = " ".join([content, *extras]).strip()
    return MessageSnapshot(
        message_id=message.id,
        author_id=message.author.id,
        author=message.author.display_name,
        content=text,
        at=message.created_at.timestamp(),
    )


def _jump_url(report: ReportRecord) -> str:
    return (
        f"https://discord.com/channels/{report.guild_id}/{report.channel_id}/"
        f"{report.message.message_id}"
    )


def report_embed(report: ReportRecord, admin: ModerationAdmin, *, title: str = "") -> discord.Embed:
    """A report as moderators see it: masked snapshot, reason, context and who reported it."""
    message = report.message
    content = mask_all(message.content, admin.filter) or "(no text)"
    resolved = report.status == "resolved"
    embed = discord.Embed(
        title=title or f"🚩 Report #{report.id}",
        description=(
            f"**{message.author}** (<@{message.author_id}>) in <#{report.channel_id}>:\n"
            f">>> {shorten(content, 1500)}"
        ),
        colour=RESOLVED_COLOUR if resolved else REPORT_COLOUR,
        url=_jump_url(report),
    )
    reason = mask_all(report.reason, admin.filter) if report.reason else "(none given)"
    embed.add_field(name="Reason", value=shorten(reason, 1000), inline=False)
    if report.context:
        lines = [
            f"**{item.author}**: {shorten(mask_all(item.content, admin.filter) or '…', 150)}"
            for item in report.context
        ]
        embed.add_field(name="Just before it", value=shorten("\n".join(lines), 1000), inline=False)
    embed.add_field(name="Reported by", value=f"<@{report.reporter_id}>")
    embed.add_field(name="Filed", value=f"<t:{int(report.created_at)}:R>")
    if resolved and report.resolver_id is not None:
        embed.add_field(
            name="Resolved",
            value=f"by <@{report.resolver_id}> <t:{int(report.resolved_at or 0)}:R>",
        )
    embed.set_footer(text="Masked excerpt; the title links to the original message.")
    return embed


def _report_view(report: ReportRecord) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ResolveReportButton(report.id))
    return view


def report_summary(report: ReportRecord, admin: ModerationAdmin) -> tuple[str, str]:
    """A report as one embed field (name, value) for the /moderation reports list."""
    message = report.message
    content = shorten(mask_all(message.content, admin.filter) or "(no text)", 300)
    reason = shorten(mask_all(report.reason, admin.filter), 200) if report.reason else "none given"
    value = (
        f"**{message.author}** (<@{message.author_id}>) in <#{report.channel_id}> "
        f"([jump]({_jump_url(report)})):\n> {content}\n"
        f"Reason: {reason}\nReported by <@{report.reporter_id}> <t:{int(report.created_at)}:R>"
    )
    return f"🚩 Report #{report.id}", value


def reports_message(
    page: ReportPage, admin: ModerationAdmin
) -> tuple[discord.Embed, discord.ui.View | None]:
    """The embed and buttons of one page of /moderation reports."""
    if not page.reports:
        embed = discord.Embed(
            title="🚩 Open reports",
            description="No open reports. 🎉 Members can report a message from its menu: "
            f"**Apps → {REPORT_MENU_NAME}**.",
            colour=RESOLVED_COLOUR,
        )
        return embed, None
    embed = discord.Embed(
        title=f"🚩 Open reports: {page.total}",
        description=f"Page {page.page} of {page.pages}, oldest first. Excerpts are masked.",
        colour=REPORT_COLOUR,
    )
    for report in page.reports:
        name, value = report_summary(report, admin)
        embed.add_field(name=name, value=value, inline=False)
    view = discord.ui.View(timeout=None)
    for report in page.reports:
        view.add_item(ResolveReportButton(report.id, row=0))
    if page.page > 1:
        view.add_item(PageButton("reports", page.page - 1, "◀ Previous"))
    if page.page < page.pages:
        view.add_item(PageButton("reports", page.page + 1, "Next ▶"))
    return embed, view


def audit_message(
    page: AuditPage, guild: discord.Guild | None = None
) -> tuple[discord.Embed, discord.ui.View | None]:
    """The embed and buttons of one page of /moderation audit."""

    def role_name(role_id: int) -> str | None:
        role = guild.get_role(role_id) if guild is not None else None
        return role.name if role is not None else None

    if not page.entries:
        text = (
            "Nothing recorded yet. Changes moderators make (settings, terms, personas, "
            "chat modes, resolved reports) are listed here."
            if page.page == 1
            else "No older entries."
        )
    else:
        text = "\n".join(
            f"<t:{int(e.created_at)}:f> <@{e.actor_id}> {describe_audit(e, role_name)}"
            for e in page.entries
        )
    embed = discord.Embed(
        title="📜 Audit log", description=shorten(text, 4000), colour=EMBED_COLOUR
    )
    first = (page.page - 1) * AUDIT_PER_PAGE + 1
    if page.entries:
        embed.set_footer(
            text=f"Page {page.page} · entries {first}-{first + len(page.entries) - 1}, newest first"
        )
    if page.page == 1 and not page.has_next:
        return embed, None
    view = discord.ui.View(timeout=None)
    if page.page > 1:
        view.add_item(PageButton("audit", page.page - 1, "◀ Newer"))
    if page.has_next:
        view.add_item(PageButton("audit", page.page + 1, "Older ▶"))
    return embed, view


def settings_text(settings: GuildSettings, guild: discord.Guild) -> str:
    """The server's moderation settings in a few lines (roles by name: role mentions are
    defused on the way out)."""
    log_channel = f"<#{settings.log_channel_id}>" if settings.log_channel_id else "not set"
    if settings.mod_role_id:
        found = guild.get_role(settings.mod_role_id)
        role = f"@{found.name}" if found is not None else f"a deleted role ({settings.mod_role_id})"
    else:
        role = "not set (Manage Server only)"
    return (
        f"**Mod log:** {log_channel}\n"
        f"**Moderator role:** {role}\n"
        f"**Strictness:** {settings.strictness} ({STRICTNESS_HELP[settings.strictness]})"
    )


# ----------------------------------------------------------------- the cog
class Moderation(commands.Cog):
    """Safety settings, server terms, reports, feedback and the audit log."""

    moderation = app_commands.Group(
        name="moderation",
        description="Moderators: safety settings, terms, reports and the audit log",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: HearthBot) -> None:
        self.bot = bot
        services = bot.services
        self.admin = ModerationAdmin(services.db, services.moderation)
        self._posting: set[asyncio.Task[None]] = set()
        self._report_menu = app_commands.ContextMenu(
            name=REPORT_MENU_NAME,
            callback=self.report_message,
            allowed_contexts=app_commands.AppCommandContext(guild=True),
        )

    async def cog_load(self) -> None:
        self.admin.attach()
        self.bot.services.moderation.listeners.append(self._on_event)
        self.bot.tree.add_command(self._report_menu)

    async def cog_unload(self) -> None:
        self.admin.detach()
        with contextlib.suppress(ValueError):
            self.bot.services.moderation.listeners.remove(self._on_event)
        self.bot.tree.remove_command(REPORT_MENU_NAME, type=discord.AppCommandType.message)
        for task in list(self._posting):
            task.cancel()

    # ----------------------------------------------------------------- setup
    @moderation.command(name="setup", description="Mod log channel, moderator role, strictness")
    @app_commands.describe(
        log_channel="Where I post reports and filter notices",
        mod_role="Members with this role count as moderators (besides Manage Server)",
        strictness="relaxed, standard or strict (how I treat profanity)",
        clear="Unset the mod log or the moderator role",
    )
    @moderator_only()
    async def setup(
        self,
        interaction: discord.Interaction,
        log_channel: discord.TextChannel | None = None,
        mod_role: discord.Role | None = None,
        strictness: Literal["relaxed", "standard", "strict"] | None = None,
        clear: Literal["log_channel", "mod_role"] | None = None,
    ) -> None:
        assert interaction.guild is not None
        guild = interaction.guild
        options: dict[str, Any] = {}
        if log_channel is not None:
            options["log_channel_id"] = log_channel.id
        if mod_role is not None:
            options["mod_role_id"] = mod_role.id
        if clear is not None:
            key = "log_channel_id" if clear == "log_channel" else "mod_role_id"
            if key in options:
                await outbox.respond(
                    interaction, f"Set {clear} or clear it, not both at once.", ephemeral=True
                )
                return
            options[key] = None
        try:
            result = await self.admin.setup(
                guild.id, interaction.user.id, strictness=strictness, **options
            )
        except AdminError as error:
            await outbox.respond(interaction, str(error), ephemeral=True)
            return
        if not result.changes:
            heading = (
                "Nothing changed."
                if options or strictness
                else "This server's moderation settings:"
            )
            await outbox.respond(
                interaction, f"{heading}\n{settings_text(result.settings, guild)}", ephemeral=True
            )
            return
        notes = []
        if log_channel is not None and "log_channel_id" in result.changes:
            if not await self._greet_log_channel(log_channel):
                notes.append(
                    f"⚠️ I couldn't post in <#{log_channel.id}>: give me View Channel and Send "
                    "Messages there, or notices will be lost."
                )
        text = "✅ Saved.\n" + settings_text(result.settings, guild)
        if notes:
            text += "\n" + "\n".join(notes)
        await outbox.respond(interaction, text, ephemeral=True)

    async def _greet_log_channel(self, channel: discord.TextChannel) -> bool:
        try:
            await outbox.send(
                self.bot,
                channel,
                "📋 Reports and moderation notices for this server will be posted here.",
            )
        except discord.HTTPException:
            return False
        return True

    # ----------------------------------------------------------------- terms
    # Defined here so /help lists /moderation setup first.
    terms = app_commands.Group(
        name="terms", description="This server's own blocked and allowed words", parent=moderation
    )

    @terms.command(name="add", description="Block or allow a word (wildcards: *word, word*)")
    @app_commands.describe(
        kind="blocked: I decline messages with it; allowed: never flag it",
        term="A word or short phrase; '*' only at the start/end (e.g. *nitro*)",
    )
    @moderator_only()
    async def terms_add(
        self,
        interaction: discord.Interaction,
        kind: Literal["blocked", "allowed"],
        term: app_commands.Range[str, 1, 40],
    ) -> None:
        assert interaction.guild_id is not None
        try:
            change = await self.admin.add_term(
                interaction.guild_id, interaction.user.id, kind, term
            )
        except AdminError as error:
            await outbox.respond(interaction, str(error), ephemeral=True)
            return
        if not change.changed:
            text = f"`{change.pattern}` is already a {kind} term here."
        elif kind == "blocked":
            text = (
                f"✅ Added blocked term ||`{change.pattern}`||: I'll decline messages with it "
                "(also when disguised with look-alike letters or symbols)."
            )
        else:
            text = (
                f"✅ Added allowed term `{change.pattern}`: I won't flag it in members' messages."
            )
        await outbox.respond(interaction, text, ephemeral=True)

    @terms.command(name="remove", description="Remove one of this server's terms")
    @app_commands.describe(kind="blocked or allowed", term="The term, as the list shows it")
    @moderator_only()
    async def terms_remove(
        self,
        interaction: discord.Interaction,
        kind: Literal["blocked", "allowed"],
        term: app_commands.Range[str, 1, 64],
    ) -> None:
        assert interaction.guild_id is not None
        try:
            change = await self.admin.remove_term(
                interaction.guild_id, interaction.user.id, kind, term
            )
        except AdminError as error:
            await outbox.respond(interaction, str(error), ephemeral=True)
            return
        if change.changed:
            text = f"🗑️ Removed {kind} term `{change.pattern}`."
        else:
            text = (
                f"There's no {kind} term `{shorten(term, 40)}` here; "
                "`/moderation terms list` shows them."
            )
        await outbox.respond(interaction, text, ephemeral=True)

    @terms_remove.autocomplete("term")
    async def _term_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []
        kind = getattr(interaction.namespace, "kind", None)
        try:
            found = await self.admin.terms(interaction.guild_id, kind if kind else None)
        except AdminError:
            return []
        typed = current.strip().lower()
        return [
            app_commands.Choice(name=f"{t.pattern} ({t.kind})", value=t.pattern)
            for t in found
            if typed in t.pattern
        ][:25]

    @terms.command(name="list", description="This server's blocked and allowed terms")
    @app_commands.describe(kind="Only blocked or only allowed terms")
    @moderator_only()
    async def terms_list(
        self,
        interaction: discord.Interaction,
        kind: Literal["blocked", "allowed"] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        found = await self.admin.terms(interaction.guild_id, kind)
        embed = discord.Embed(title="🧾 Server terms", colour=EMBED_COLOUR)
        for which in ("blocked", "allowed") if kind is None else (kind,):
            items = [t.pattern for t in found if t.kind == which]
            if which == "blocked":
                shown = " ".join(f"||`{p}`||" for p in items)  # spoilered: they may be ugly
            else:
                shown = " ".join(f"`{p}`" for p in items)
            embed.add_field(
                name=f"{which.title()} ({len(items)})",
                value=shorten(shown, 1000) if items else "none",
                inline=False,
            )
        embed.set_footer(
            text="Wildcards: word = whole word, *word = ends with, word* = starts with, "
            "*word* = contains."
        )
        await outbox.respond(interaction, embed=embed, ephemeral=True)

    # ----------------------------------------------------------------- audit
    @moderation.command(name="audit", description="Who changed what, and when")
    @app_commands.describe(page="Page (1 = newest)")
    @moderator_only()
    async def audit(
        self, interaction: discord.Interaction, page: app_commands.Range[int, 1, 20] = 1
    ) -> None:
        assert interaction.guild_id is not None
        try:
            found = await self.admin.audit_page(interaction.guild_id, page)
        except AdminError as error:
            await outbox.respond(interaction, str(error), ephemeral=True)
            return
        embed, view = audit_message(found, interaction.guild)
        await outbox.respond(interaction, embed=embed, view=view, ephemeral=True)

    # ----------------------------------------------------------------- reports
    @moderation.command(name="reports", description="Open reports, each with a Resolve button")
    @app_commands.describe(page="Page (oldest reports first)")
    @moderator_only()
    async def reports(
        self, interaction: discord.Interaction, page: app_commands.Range[int, 1, 1000] = 1
    ) -> None:
        assert interaction.guild_id is not None
        try:
            found = await self.admin.open_reports(interaction.guild_id, page)
        except AdminError as error:
            await outbox.respond(interaction, str(error), ephemeral=True)
            return
        embed, view = reports_message(found, self.admin)
        await outbox.respond(interaction, embed=embed, view=view, ephemeral=True)

    @moderation.command(name="events", description="What the filter caught recently (masked)")
    @moderator_only()
    async def events(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        found = await self.admin.events(interaction.guild_id)
        if not found:
            text = "Nothing caught yet."
        else:
            text = "\n".join(f"<t:{int(e.created_at)}:R> {describe_event(e)}" for e in found)
        embed = discord.Embed(
            title="🛡️ Recent filter events", description=shorten(text, 4000), colour=EMBED_COLOUR
        )
        await outbox.respond(interaction, embed=embed, ephemeral=True)

    async def turn_page(
        self, interaction: discord.Interaction, what: Literal["audit", "reports"], page: int
    ) -> None:
        """A page button of /moderation audit or /moderation reports."""
        if not await self._deny_non_moderator(interaction):
            return
        assert interaction.guild_id is not None
        if what == "audit":
            found = await self.admin.audit_page(interaction.guild_id, max(1, min(page, 20)))
            embed, view = audit_message(found, interaction.guild)
            await outbox.update(interaction, embed=embed, view=view)
            return
        await self._show_reports(
            interaction, await self.admin.open_reports(interaction.guild_id, max(1, page))
        )

    async def _show_reports(
        self, interaction: discord.Interaction, page: ReportPage, note: str | None = None
    ) -> None:
        embed, view = reports_message(page, self.admin)
        await outbox.update(interaction, note or "", embed=embed, view=view)

    async def resolve(self, interaction: discord.Interaction, report_id: int) -> None:
        """A Resolve button: in the mod log (the post is updated) or in /moderation reports
        (the list is shown again without the report)."""
        if not await self._deny_non_moderator(interaction):
            return
        assert interaction.guild_id is not None
        try:
            outcome = await self.admin.resolve_report(
                interaction.guild_id, report_id, interaction.user.id
            )
        except AdminError as error:
            await outbox.respond(interaction, str(error), ephemeral=True)
            return
        report = outcome.report
        in_list = interaction.message is not None and interaction.message.flags.ephemeral
        if outcome.already:
            note = (
                f"Report #{report_id} was already resolved by <@{report.resolver_id}> "
                f"<t:{int(report.resolved_at or 0)}:R>."
            )
        else:
            note = f"✅ Report #{report_id} resolved."
        if in_list:
            await self._show_reports(
                interaction, await self.admin.open_reports(interaction.guild_id), note
            )
        else:
            title = f"✅ Report #{report.id} (resolved)"
            await outbox.update(
                interaction, embed=report_embed(report, self.admin, title=title), view=None
            )
            if outcome.already:
                await outbox.respond(interaction, note, ephemeral=True)
        if not outcome.already:
            await self._mark_log_post(report, skip=interaction.message)

    async def _mark_log_post(self, report: ReportRecord, *, skip: discord.Message | None) -> None:
        """Show a report resolved in its mod-log post too (best effort)."""
        if report.log_message_id is None or (skip is not None and skip.id == report.log_message_id):
            return
        settings = await self.admin.settings(report.guild_id)
        channel = self.bot.get_channel(settings.log_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            return
        post = channel.get_partial_message(report.log_message_id)
        title = f"✅ Report #{report.id} (resolved)"
        with contextlib.suppress(discord.HTTPException):
            await outbox.edit(
                self.bot,
                post,
                embed=report_embed(report, self.admin, title=title),
                view=None,  # type: ignore[arg-type]
            )

    async def _deny_non_moderator(self, interaction: discord.Interaction) -> bool:
        if interaction.guild is not None and await is_moderator(interaction):
            return True
        await outbox.respond(interaction, NOT_A_MODERATOR, ephemeral=True)
        return False

    # ----------------------------------------------------------------- reporting
    async def report_message(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """The "Report to moderators" message command: asks for an optional reason."""
        if interaction.guild_id is None:
            await outbox.respond(
                interaction,
                "Reports go to a server's moderators, so this only works in a server.",
                ephemeral=True,
            )
            return
        if message.author.id == interaction.user.id:
            await outbox.respond(
                interaction, "That's your own message; you can edit or delete it.", ephemeral=True
            )
            return
        await interaction.response.send_modal(ReportModal(self, message))

    async def file_report(
        self, interaction: discord.Interaction, message: discord.Message, reason: str
    ) -> None:
        """Store the report with a snapshot, post it to the mod log and thank the reporter."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        context = await self._context_before(message)
        filed = await self.admin.file_report(
            guild_id=interaction.guild_id,
            channel_id=message.channel.id,
            message=_snapshot(message),
            context=[_snapshot(m) for m in context],
            reporter_id=interaction.user.id,
            reason=reason,
        )
        if filed.duplicate:
            await outbox.respond(
                interaction,
                "You've already reported that message, and the moderators have it. Thank you!",
                ephemeral=True,
            )
            return
        await self._post_report(filed.report)
        await outbox.respond(
            interaction,
            "Thank you for telling the moderators. 💛 I've kept a copy of that message (and the "
            "few before it) for them, in case it changes. Only they can see your report.",
            ephemeral=True,
        )

    async def _context_before(self, message: discord.Message) -> list[discord.Message]:
        try:
            found = [
                m async for m in message.channel.history(limit=CONTEXT_MESSAGES, before=message)
            ]
        except (discord.HTTPException, AttributeError):
            return []  # no history access here: the report stands on its own
        found.reverse()
        return found

    async def _post_report(self, report: ReportRecord) -> None:
        channel = await self._log_channel(report.guild_id)
        if channel is None:
            return
        try:
            post = await outbox.send(
                self.bot, channel, embed=report_embed(report, self.admin), view=_report_view(report)
            )
        except discord.HTTPException:
            log.warning("could not post report %s to the mod log", report.id, exc_info=True)
            return
        await self.admin.remember_log_post(report.id, post.id)

    async def _log_channel(self, guild_id: int) -> discord.TextChannel | None:
        settings = await self.admin.settings(guild_id)
        if settings.log_channel_id is None:
            return None
        channel = self.bot.get_channel(settings.log_channel_id)
        return channel if isinstance(channel, discord.TextChannel) else None

    # ----------------------------------------------------------------- feedback
    async def feedback(
        self, interaction: discord.Interaction, value: Literal["up", "down"], message_id: int
    ) -> None:
        """A 👍/👎 press: record it and thank the person privately."""
        result = await self.admin.record_feedback(
            interaction.guild_id,
            message_id,
            interaction.user.id,
            value,
            channel_id=interaction.channel_id,
        )
        thumb = THUMBS[value]
        if not result.changed:
            text = f"You already gave this reply a {thumb}. Thanks!"
        elif result.previous is not None:
            text = f"Changed your vote to {thumb}. Thanks for the feedback!"
        else:
            text = f"Thanks for the {thumb}! It helps this server's moderators see how I'm doing."
        await outbox.respond(interaction, text, ephemeral=True)

    # ----------------------------------------------------------------- filter events
    async def _on_event(self, event: ModerationEvent) -> None:
        """Store a filter event now; post its notice in the background (chat never waits)."""
        notice = await self.admin.record_event(event)
        if notice is None or notice.text is None or event.guild_id is None:
            return
        task = asyncio.create_task(self._post_notice(event.guild_id, notice.text))
        self._posting.add(task)
        task.add_done_callback(self._posting.discard)

    async def _post_notice(self, guild_id: int, text: str) -> None:
        try:
            channel = await self._log_channel(guild_id)
            if channel is not None:
                await outbox.send(self.bot, channel, text)
        except Exception:
            log.warning("could not post a moderation notice in guild %s", guild_id, exc_info=True)


async def setup(bot: HearthBot) -> None:
    bot.add_dynamic_items(FeedbackButton, ResolveReportButton, PageButton)
    await bot.add_cog(Moderation(bot))
