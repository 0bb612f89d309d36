"""Memory control in plain chat: "what do you remember about me?", "forget that I like
cats", "forget everything about me", "remember that ...", "stop remembering things".

:func:`parse` only recognises the request; :class:`~bot.memory.service.MemoryService`
carries it out. Anything else is not a memory command (None), so ordinary chat that merely
mentions forgetting ("I forgot my keys", "don't forget to smile") is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

CommandKind = Literal["show", "forget", "forget_all", "remember", "off", "on"]


@dataclass(frozen=True, slots=True)
class ChatCommand:
    """A memory request found in a chat message; ``text`` is its object, if any."""

    kind: CommandKind
    text: str = ""


_POLITE = (
    r"^(?:(?:hey|hi|ok|okay|so|please|pls|plz|hearth|can you|could you|would you|will you|"
    r"i want you to|i would like you to|i'd like you to)[\s,!]+)*"
)
_ME = r"(?:me|myself)"
_SHOW = re.compile(
    _POLITE + r"(?:what|which things|what stuff|what else|what things) (?:do|did|have) you "
    r"(?:remember|recall|keep|store|save|note|have saved|have stored|have noted|remembered|"
    r"saved|stored|noted|learned|learnt) (?:about|of|on) "
    + _ME
    + r"\b|"
    + _POLITE
    + r"(?:show|list|tell)(?: me)? (?:my|your|the) memor(?:y|ies)(?: of me| about me)?$|"
    + _POLITE
    + r"what memories (?:do you have|have you got) (?:of|about|on) "
    + _ME
    + r"\b|"
    + _POLITE
    + r"what do you have (?:on|about) "
    + _ME
    + r"\b",
    re.IGNORECASE,
)
_FORGET_ALL = re.compile(
    _POLITE + r"(?:forget|delete|erase|wipe|remove|clear|purge) (?:about )?(?:me|"
    r"(?:absolutely )?(?:everything|all)(?: of it)?(?: (?:you know|you remember|you have|"
    r"you've got|you stored|you saved|you kept))?(?: about me| of me| on me)?|"
    r"all (?:my|your|the) (?:data|memories|notes|info|information)(?: about me| of me)?|"
    r"my (?:data|memories|history|notes)|your (?:memory|memories|notes) (?:of|about) me)$",
    re.IGNORECASE,
)
# "forget" alone is about memory; "delete"/"remove" only when memory is named ("remove the
# background from this picture" is not a memory command).
_FORGET = re.compile(
    _POLITE + r"(?:(?:forget|unremember)(?: that| about| the fact that)?|(?:delete|remove|"
    r"erase|drop) (?:the |your |that )?(?:memory|note|fact)(?: that| about)?) (?P<x>.+)$|"
    + _POLITE
    + r"(?:delete|remove|erase|drop) (?P<y>.+?) from (?:your )?(?:memory|memories|notes)$",
    re.IGNORECASE,
)
_NOT_A_TARGET = re.compile(
    r"^(?:it|that|this|what i (?:just )?said|what i wrote|about it|about that|the last thing|"
    r"the previous message|him|her|them|you|yourself|my (?:keys|phone|wallet|homework|"
    r"password)|to\b|how\b|everything else)",
    re.IGNORECASE,
)
_REMEMBER = re.compile(
    _POLITE + r"(?:remember|do not forget|don't forget|make a note|keep in mind|bear in mind|"
    r"note down)(?: that| this)?[\s:,-]+(?P<x>.+)$",
    re.IGNORECASE,
)
_NOT_A_NOTE = re.compile(
    r"^(?:when|what|how|who|where|why|the time|me\b|us\b|to\b|it\b|this\b|that\b|"
    r"our (?:last )?(?:chat|conversation)|my name\?|yesterday|last time)",
    re.IGNORECASE,
)
_OFF = re.compile(
    _POLITE + r"(?:stop (?:remembering|storing|saving|keeping notes(?: on| about)?)|"
    r"do not remember|don't remember|turn off (?:your )?memory|switch off (?:your )?memory|"
    r"disable (?:your )?memory)(?: anything| things| stuff| what i say)?(?: about me)?"
    r"(?: from now on| anymore)?$",
    re.IGNORECASE,
)
_ON = re.compile(
    _POLITE + r"(?:you can (?:start )?remember(?:ing)? (?:things|stuff) (?:about me )?again|"
    r"(?:turn|switch) (?:your )?memory (?:back )?on|(?:turn|switch) on (?:your )?memory|"
    r"enable (?:your )?memory|start remembering(?: things| stuff)?(?: about me)?(?: again)?)$",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"[\s.!]+$")


def parse(text: str) -> ChatCommand | None:
    """The memory request in ``text``, or None when it is ordinary chat."""
    if not isinstance(text, str):
        return None
    cleaned = " ".join(text.replace("\u2019", "'").split())
    cleaned = _TRAILING.sub("", cleaned)
    if not cleaned or len(cleaned) > 600:
        return None
    asked = cleaned.endswith("?")
    bare = cleaned.rstrip("?").strip()
    if _SHOW.search(bare):
        return ChatCommand("show")
    if _OFF.match(bare):
        return ChatCommand("off")
    if _ON.match(bare):
        return ChatCommand("on")
    if _FORGET_ALL.match(bare):
        return ChatCommand("forget_all")
    found = _FORGET.match(bare)
    if found:
        target = (found["x"] or found["y"]).strip()
        if not _NOT_A_TARGET.match(target):
            return ChatCommand("forget", target)
    found = _REMEMBER.match(bare)
    if found and not asked and not _NOT_A_NOTE.match(found["x"]):
        return ChatCommand("remember", found["x"].strip())
    return None
