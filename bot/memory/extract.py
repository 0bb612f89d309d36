"""The offline memory extractor: facts a user shares about themselves, from plain chat.

Always on, no model: hand-written patterns over natural phrasing ("I'm Priya", "call me P",
"my dog Biscuit", "I can't stand olives", "I moved to Lyon"), corrections ("actually my
name is ..."), negations ("I don't play chess anymore") and a firm refusal of everything that
is not a statement about the user: questions ("do I like jazz?"), hypotheticals ("what if my
name was Bob"), role-play and story requests, jokes ("jk"), reported speech ("my friend said
I love jazz"), wishes and guesses ("maybe I like jazz").

:func:`extract` returns :class:`Extraction`: the memory operations (see
:class:`~bot.memory.model.MemoryOp`) and the kinds of sensitive data the user shared, which
are never stored (see :mod:`bot.memory.sensitive`). Nothing here touches storage.

How it reads a message: quoted speech, code, links and mentions are removed; contractions are
expanded ("I'm" -> "I am"); the text is cut into sentences and then into clauses ("..., and
I ..."); each clause that is a statement goes through the rules below, most specific first,
and the first rule that recognises it decides (possibly: "nothing to keep").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.memory import sensitive
from bot.memory.model import DEFAULT_KEYS, MemoryOp, add, remove
from bot.memory.sensitive import SensitiveKind
from bot.storage.memory_repo import MemoryKind

MAX_TEXT = 2000  # only the start of a very long message is read
MAX_NOTE_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Extraction:
    """What a message asks memory to do, and what it shared that must not be kept."""

    ops: tuple[MemoryOp, ...] = ()
    refused: tuple[SensitiveKind, ...] = ()

    def __str__(self) -> str:
        return "; ".join([str(op) for op in self.ops] + [f"!{kind}" for kind in self.refused])

    @property
    def empty(self) -> bool:
        """True when there is nothing to store and nothing to refuse."""
        return not self.ops and not self.refused


# --- word lists -------------------------------------------------------------------------------

_MONTHS = {
    "january": "January", "jan": "January", "february": "February", "feb": "February",
    "march": "March", "mar": "March", "april": "April", "apr": "April", "may": "May",
    "june": "June", "jun": "June", "july": "July", "jul": "July", "august": "August",
    "aug": "August", "september": "September", "sept": "September", "sep": "September",
    "october": "October", "oct": "October", "november": "November", "nov": "November",
    "december": "December", "dec": "December",
}  # fmt: skip
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_TIME = re.compile(
    r"\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening|week|weekend|month|year|"
    r"summer|winter|spring|autumn|fall|" + _WEEKDAY + r")|next (?:week|weekend|month|year|"
    r"summer|winter|spring|autumn|fall|" + _WEEKDAY + r")|on " + _WEEKDAY + r"|on the \d{1,2}"
    r"(?:st|nd|rd|th)?|in (?:a|an|one|two|three|four|five|a few|a couple of|\d+) "
    r"(?:days?|weeks?|months?|hours?)|soon|later this (?:week|month|year)|"
    + _WEEKDAY
    + r"|"
    + _MONTH
    + r"|at the weekend|over the weekend|coming up)\b",
    re.IGNORECASE,
)
_ANIMAL = (
    r"(?:guinea pig|bearded dragon|hermit crab|golden retriever|german shepherd|dog|puppy|pup|"
    r"cat|kitten|kitty|hamster|rabbit|bunny|parrot|budgie|parakeet|cockatiel|canary|bird|"
    r"goldfish|fish|betta|turtle|tortoise|snake|lizard|gecko|iguana|chameleon|horse|pony|"
    r"donkey|goat|pig|ferret|rat|mouse|mice|gerbil|chinchilla|hedgehog|chicken|hen|duck|frog|"
    r"axolotl|tarantula|cow|sheep|alpaca|llama|retriever|labrador|lab|poodle|terrier|spaniel|"
    r"collie|husky|beagle|pug|corgi|dachshund|chihuahua|greyhound|bulldog|shepherd)(?:e?s)?"
)
_RELATION = (
    r"(?:best friend|step ?mum|step ?mom|step ?dad|step ?sister|step ?brother|half ?sister|"
    r"half ?brother|grandmother|grandfather|grandma|grandpa|granny|grandad|granddad|nana|nan|"
    r"mum|mom|mother|dad|father|sister|brother|son|daughter|wife|husband|partner|girlfriend|"
    r"boyfriend|fianc[eé]e?|aunt|auntie|uncle|cousin|niece|nephew|twin|baby|kid|child|"
    r"stepson|stepdaughter|sibling)"
)
_RELATION_FAMILY = re.compile(_RELATION.replace("best friend|", ""), re.IGNORECASE)
_COUNT = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}|some|a few|a couple of)"
_PRONOUNS = (
    r"(?:(?:he|she|they|xe|ze|zie|ey|fae|it|ve|per|any)\s*/\s*(?:him|her|them|xem|zir|hir|em|"
    r"faer|its|ver|pers|he|she|they|xe|ze|it|all|any)(?:\s*/\s*[a-z]+)?|any pronouns)"
)
_EVENT = (
    r"(?:driving test|job interview|dentist appointment|birthday party|exams?|tests?|quiz|"
    r"interview|appointment|match|recital|concert|gig|presentation|deadline|date|wedding|trip|"
    r"holiday|vacation|flight|audition|tournament|race|competition|meeting|conference|party|"
    r"finals|midterms?|performance|game|show|essay|assignment|project|move|move-in|recital)"
)
_JOBS = frozenset(
    """
    nurse teacher doctor engineer developer programmer designer artist writer author chef cook
    baker barista waiter waitress bartender cashier pilot driver mechanic electrician plumber
    carpenter builder architect accountant lawyer solicitor paralegal scientist researcher
    professor lecturer tutor librarian pharmacist dentist vet veterinarian paramedic firefighter
    farmer gardener florist photographer journalist editor translator musician singer dancer
    actor actress animator illustrator consultant manager analyst administrator receptionist
    secretary assistant technician therapist counsellor counselor psychologist social worker
    carer caregiver nanny babysitter cleaner janitor tailor butcher fisherman soldier sailor
    officer clerk banker broker economist marketer salesperson streamer youtuber podcaster
    coder tester intern apprentice surgeon midwife optician physiotherapist hairdresser barber
    stylist beautician mathematician physicist chemist biologist geologist astronomer
    zookeeper ranger courier postman postwoman shopkeeper entrepreneur freelancer founder
    ceo cto owner coach trainer instructor lifeguard miner welder roofer painter decorator
    sysadmin dev engineer
    """.split()
)
_STUDENT_WORDS = frozenset(
    "student undergrad undergraduate postgrad postgraduate pupil phd grad freshman".split()
)
# Capitalised words that follow "I'm" without being a name.
_NOT_NAMES = frozenset(
    """
    a an the not just so very really quite too also here there back home fine good great ok
    okay alright well sure sorry done ready tired bored happy sad angry busy hungry sleepy
    sick ill cold hot late early new old young free available glad excited nervous scared
    worried confused lost stuck curious serious kidding joking going gonna trying looking
    thinking doing feeling getting having making working studying playing watching reading
    writing learning living staying leaving coming waiting sitting eating drinking still
    always never only actually literally basically totally kinda sorta pretty such all both
    in on at from into out off over under with without about like as of to for by
    english british french german spanish italian dutch irish scottish welsh american
    canadian australian mexican brazilian indian chinese japanese korean russian polish
    swedish norwegian danish finnish greek turkish portuguese african european asian
    afghan albanian algerian argentine argentinian armenian austrian bangladeshi belgian
    bolivian bosnian bulgarian cambodian cameroonian chilean colombian congolese croatian
    cuban czech ecuadorian egyptian estonian ethiopian filipino filipina georgian ghanaian
    guatemalan haitian honduran hungarian icelandic indonesian iranian iraqi israeli
    jamaican jordanian kazakh kenyan kurdish latvian lebanese libyan lithuanian malaysian
    maltese moroccan nepali nepalese nigerian pakistani palestinian panamanian paraguayan
    persian peruvian romanian rwandan saudi serbian singaporean slovak slovenian somali
    sudanese syrian taiwanese thai tunisian ugandan ukrainian uruguayan uzbek venezuelan
    vietnamese yemeni zambian zimbabwean arab latino latina hispanic caribbean kiwi aussie
    brit texan californian londoner parisian berliner northern southern
    christian muslim jewish hindu buddhist catholic atheist agnostic vegan vegetarian
    male female nonbinary trans gay straight bi lesbian queer single married divorced
    monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    human person robot ai bot alive dead afraid aware allowed able unable interested
    sure certain positive convinced honestly obviously definitely probably maybe
    nothing something everything anything nobody somebody everyone someone hearth
    """.split()
)
_NOT_NAME_VALUES = frozenset(
    "not none nothing secret unknown irrelevant private hidden classified whatever something "
    "what who it this that your yours mine a an the same different".split()
)
_NOT_PLACES = frozenset(
    """
    a an my your our his her their this that fear hope denial peace hiding pain misery
    harmony luxury poverty constant dread suspense terror limbo sin comfort style silence
    it here there everywhere nowhere somewhere town now
    """.split()
)
_NOT_PLACE_PHRASES = ("the moment", "the past", "the future", "the present", "the real world")
_HOBBY_VERBS = {
    "paint": "painting", "draw": "drawing", "knit": "knitting", "sew": "sewing",
    "bake": "baking", "cook": "cooking", "swim": "swimming", "run": "running",
    "cycle": "cycling", "climb": "climbing", "dance": "dancing", "sing": "singing",
    "write": "writing", "read": "reading", "garden": "gardening", "skate": "skating",
    "surf": "surfing", "ski": "skiing", "fish": "fishing", "hike": "hiking",
    "crochet": "crocheting", "sculpt": "sculpting", "juggle": "juggling", "code": "coding",
    "program": "programming", "skateboard": "skateboarding", "row": "rowing", "box": "boxing",
    "fence": "fencing", "jog": "jogging", "meditate": "meditating", "sketch": "sketching",
    "quilt": "quilting", "embroider": "embroidering", "compose": "composing", "rap": "rapping",
    "travel": "travelling", "camp": "camping", "sail": "sailing", "bike": "biking",
    "game": "gaming", "stream": "streaming", "blog": "blogging", "volunteer": "volunteering",
    "skydive": "skydiving", "snowboard": "snowboarding", "kayak": "kayaking",
    "collect": "collecting", "build": "building", "play": "playing", "watch": "watching",
    "listen": "listening", "study": "studying", "learn": "learning", "explore": "exploring",
}  # fmt: skip
_DO_ACTIVITIES = frozenset(
    """
    yoga pilates karate judo taekwondo ballet gymnastics parkour crossfit archery fencing
    boxing kickboxing aikido origami pottery woodwork woodworking calligraphy photography
    magic improv theatre theater drama karaoke cosplay sudoku crosswords jigsaws puzzles
    triathlons marathons parkrun athletics rowing sailing scuba ceramics embroidery
    """.split()
)
_GOAL_VERBS = frozenset(
    """
    be learn become get run finish save visit travel move write build start improve lose quit
    read climb open pass graduate buy speak compete win publish launch master complete
    create make adopt study train practise practice own retire swim cycle hike bake
    paint draw record release qualify apply
    """.split()
)
_PRONOUN_OBJECTS = re.compile(
    r"^(?:it|that|this|these|those|them|him|her|you|ya|u|your|ur|yours|one|stuff|things|"
    r"when|how|what|where|why|who|the way|the idea|to think|to say|to believe|to imagine|"
    r"to know|to see|to hear|to ask|being|myself)\b",
    re.IGNORECASE,
)
_ABOUT_THE_BOT = re.compile(r"\b(?:you|your|yours|u|ur|hearth|this bot|the bot)\b", re.I)
_BOT_REQUESTS = re.compile(r"\b(?:joke|story|trivia|riddle|poem|quiz game|game with)\b", re.I)

# --- text preparation -------------------------------------------------------------------------

_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_DISCORD_TOKENS = re.compile(r"<a?:\w+:\d+>|<[@#][!&]?\d+>")
_QUOTED = re.compile(r'"([^"\n]{0,200})"')
_FIRST_PERSON_WORD = re.compile(r"\b(?:i|me|my|mine|i'm|im)\b", re.IGNORECASE)
_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"\bi'?m\b", "I am"),
        (r"\bi'?ve\b", "I have"),
        (r"\bi'd\b", "I would"),
        (r"\bi'll\b", "I will"),
        (r"\bcan'?t\b", "cannot"),
        (r"\bwon'?t\b", "will not"),
        (r"\b(do|does|did|is|are|was|were|have|has|had|would|could|should)n'?t\b", r"\1 not"),
        (r"\bain'?t\b", "am not"),
        (r"\bname'?s\b", "name is"),
        (r"\b(birthday|bday|b-day)'s\b", r"\1 is"),
        (r"\b(it|that|what|who|there|he|she|where|when|how)'s\b", r"\1 is"),
        (r"\b(you|we|they)'re\b", r"\1 are"),
        (r"'s (called|named)\b", r" is \1"),
        (r"\bgonna\b", "going to"),
        (r"\bwanna\b", "want to"),
        (r"\bgotta\b", "got to"),
        (r"\bfav(?:ou?rite|e)?\b", "favourite"),
        (r"\bfavorite\b", "favourite"),
        (r"\bcolor\b", "colour"),
    )
)
_REPEATED_WORD = re.compile(r"\b([a-z]+)(?:\s+\1\b)+", re.IGNORECASE)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+|\s*;\s*")
_CLAUSE_SPLIT = re.compile(
    r",?\s+(?:and|but|so|plus|also|because|cause|since|while|although|though)\s+"
    r"(?=(?:I|my)\b)|,\s*(?=(?:I|my|what|how|do|does|did|are|is|can|could|would|will|and you|"
    r"you|right|remember|ok|okay)\b)|\s+-+\s+|\s*:\s+(?=(?:I|my)\b)",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^(?:what|who|whom|whose|where|when|why|how|which|do(?! not)|does(?! not)|did(?! not)|"
    r"am|is|are|was|were|can|could|would|should|will|shall|have(?! to)|has|may|might|must|"
    r"guess|tell me|remind me|wonder|i wonder|is it|right)\b",
    re.IGNORECASE,
)
_WHOLE_SKIP = re.compile(
    r"^\W*(?:what if|imagine|pretend|suppose|supposing|let us say|let's say|lets say|"
    r"hypothetically|in (?:a|another|an alternate|a parallel) (?:world|universe|life|story|"
    r"game|dream))\b|"
    r"\b(?:role ?-?play(?:ing)?|in character|pretend (?:to be|that|you|i|we)|let's play|"
    r"lets play|just kidding|jk|j/k|kidding|joking|not really|as if)\b|(?:^|\s)/s\b|"
    r"\b(?:write|tell|make|create|generate|give|sing) (?:me |us )?(?:a|an|another) (?:\w+ )?"
    r"(?:story|poem|song|tale|joke|limerick|haiku|rap|script|scene)\b|^\W*(?:rp|ooc)\b",
    re.IGNORECASE,
)
_NOT_A_STATEMENT = re.compile(
    r"^(?:if|unless|when|whenever|once|maybe|perhaps|probably|possibly)\b|"
    r"\b(?:if i|if my|what if|imagine|pretend|suppose|wish|wishes|wished|hypothetically|"
    r"would be|dreamt|dreamed|dreaming|as if|in my dreams|maybe|perhaps|might|possibly|"
    r"not sure|no idea|wonder|said|says|say that|told me|tells me|asked me|according to|"
    r"thinks|thought that|claims|claimed|joked|pretending|guess what|supposedly)\b",
    re.IGNORECASE,
)
_LEADING_FILLER = re.compile(
    r"^(?:(?:well|so|oh|ah|aw|um|uh|umm|hmm|btw|by the way|also|and|but|anyway|anyways|ok|"
    r"okay|yeah|yes|yep|yup|sure|lol|haha+|hehe|hi|hello|hey|hiya|yo|howdy|greetings|"
    r"fun fact|fyi|just so you know|for the record|honestly|tbh|p\.?s|"
    r"i think(?: that)?|i guess|i believe|to be honest|funny enough|guess what|"
    r"in my (?:free|spare) time|these days|nowadays|currently|right now|now|at the moment|"
    r"just|hearth|dear hearth)\b[\s,:!.]*)+",
    re.IGNORECASE,
)
_CORRECTION = re.compile(
    r"^(?:actually|correction|sorry|oops|no|nope|wait|i mean|i meant|update|"
    r"to correct myself|let me correct that|my bad|scratch that)\b[\s,:!.]*",
    re.IGNORECASE,
)
_TRAILING_NOT = re.compile(
    r"(?P<sep>,\s*(?:and\s+|but\s+)?|\s+(?:and\s+|but\s+)?)(?:not|rather than|instead of)\s+"
    r"(?P<old>(?:a |an |the )?[^\W\d_][\w' -]{0,40})$",
    re.IGNORECASE,
)
_AUX = frozenset("do does did am is are was were have has had can could will would should".split())
_CUT = re.compile(
    r"\s*(?:[,;:(]|\s-\s|\.\s|!|\?|\s(?:because|cause|coz|cos|since|when|whenever|while|but|"
    r"though|although|which|who|whom|where|if|unless|until|so that|as long as|lol|lmao|"
    r"haha+|hehe|tbh|btw|imo|ngl|xd|and stuff|and things|or something|or so|more than|"
    r"better than|than|especially|except|like you|as much as|over|rather than|instead of)\b)",
    re.IGNORECASE,
)
_TRAILING_FILLER = re.compile(
    r"(?:\s+(?:too|a lot|lots|so much|very much|as well|also|really|anymore|any more|now|"
    r"though|tho|honestly|lately|these days|nowadays|right now|at the moment|atm|ok|okay|"
    r"either|a little|a bit|quite a bit|tbh|then|there|here|every day|everyday|daily|"
    r"every morning|every evening|every night|every week|every weekend|weekly|on weekends|"
    r"at weekends|at the weekend|for fun|in my free time|in my spare time|sometimes|often|"
    r"all the time|a ton|to death|so so much|more|most|the most|best|even more|again|"
    r"myself|please|haha+|lol|:\)|:d|<3|x+d?|someday|some day|one day|eventually|"
    r"in the future|last (?:year|month|week|summer|winter|spring|autumn)|recently|"
    r"a while ago|(?:a few|\d+|two|three|many) (?:years|months|weeks) ago|years ago|"
    r"on \w+days|on weekdays|on the weekends?|after school|after work|with (?:my )?friends|"
    r"with my \w+|at home|for a living|full[- ]time|part[- ]time|now and then|"
    r"for (?:\d+|a|an|one|two|three|four|five|six|many|several|a few|a couple of) "
    r"(?:years?|months?|weeks?|days?)|for ages|for a while|for a long time))+$",
    re.IGNORECASE,
)
_EDGE_JUNK = re.compile(r"^[^\w\"'(]+|[^\w\")'.+#]+$|\.$")


def _prepare(text: str) -> str:
    text = text[:MAX_TEXT]
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = _CODE.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _DISCORD_TOKENS.sub(" ", text)
    text = _QUOTED.sub(_unquote, text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = _REPEATED_WORD.sub(r"\1", text)  # "I love love love cheese"
    return re.sub(r"[ \t]+", " ", text).strip()


def _unquote(match: re.Match[str]) -> str:
    inner = match.group(1).strip()
    # A quoted title or name is kept ('my favourite song is "Yellow Boat"'); quoted speech
    # (anything in the first person) is someone's words, not a fact about the user.
    if inner and len(inner.split()) <= 6 and not _FIRST_PERSON_WORD.search(inner):
        return inner
    return " … "


def _clauses(text: str) -> list[tuple[str, bool]]:
    """(clause, is_question) pairs, in order."""
    out: list[tuple[str, bool]] = []
    for sentence in _SENTENCE_SPLIT.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        asked = sentence.rstrip(" )*_~:;'\"").endswith("?")
        parts = [p for p in _CLAUSE_SPLIT.split(sentence) if p and p.strip()]
        for index, part in enumerate(parts):
            part = part.strip().rstrip(".!?…").strip()
            last = index == len(parts) - 1
            out.append((part, (asked and last) or part.endswith("?")))
    return out


# --- values -----------------------------------------------------------------------------------


def _value(raw: str | None, *, max_words: int = 8, max_chars: int = 80) -> str | None:
    """A fact's value from the rest of a clause: cut at the first aside, tidied, bounded."""
    if not raw:
        return None
    text = _CUT.split(raw, maxsplit=1)[0]
    for _ in range(3):
        text = _TRAILING_FILLER.sub("", " " + text.strip())
        text = _EDGE_JUNK.sub("", text.strip())
    text = " ".join(text.split())
    if not text or len(text) > max_chars or len(text.split()) > max_words:
        return None
    return text


def _list_values(raw: str, *, max_words: int = 6) -> list[str]:
    """Several values from a list ("cats, dogs and jazz"); "mac and cheese" stays one."""
    head = re.split(r"\s*[;(]|\s(?:because|since|but|though|when|lol|haha)\b", raw, maxsplit=1)[0]
    if "," in head and re.search(r",.*\b(?:and|or)\b|,.*,", head):
        items = re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", head)
        values = [_value(item, max_words=max_words) for item in items]
        return [v for v in values if v][:6]
    value = _value(raw, max_words=max_words)
    return [value] if value else []


def _object(raw: str | None, *, max_words: int = 8) -> list[str]:
    """Values for likes/dislikes/hobbies: never "it", "you", "that" or the bot."""
    if not raw or _PRONOUN_OBJECTS.match(raw.strip()):
        return []
    return [v for v in _list_values(raw, max_words=max_words) if not _ABOUT_THE_BOT.search(v)]


_NAME_WORD = re.compile(r"^[^\W\d_][\w'.-]*$")


def _name(raw: str | None, *, strict: bool) -> str | None:
    """A person's (or pet's) name: one to three name-like words.

    ``strict`` (after a bare "I'm"): every word capitalised, not a common word, and nothing
    after the name; explicit phrasings ("my name is") accept any case.
    """
    if not raw:
        return None
    text = _CUT.split(raw, maxsplit=1)[0]
    text = _TRAILING_FILLER.sub("", " " + text.strip())
    text = _EDGE_JUNK.sub("", text.strip()).strip()
    words = text.split()
    if not words:
        return None
    taken: list[str] = []
    for word in words:
        clean = word.strip(".,!")
        if not _NAME_WORD.match(clean) or clean.lower() in ("and", "from", "in", "at", "the"):
            break
        taken.append(clean)
        if len(taken) == 3:
            break
    if not taken or taken[0].lower() in _NOT_NAME_VALUES:
        return None
    if strict:
        if len(taken) != len(words) or any(not w[0].isupper() for w in taken):
            return None
        if any(w.lower() in _NOT_NAMES for w in taken):
            return None
    elif len(taken) < len(words) and len(words) - len(taken) > 2:
        return None  # "my name is Sam and today I ..." was cut; a long tail means no name
    name = " ".join(taken)
    return name if len(name) <= 40 else None


def _names(raw: str | None) -> str | None:
    """One name or two ("Mochi and Nori"), for pets and relatives."""
    if not raw:
        return None
    parts = re.split(r"\s+(?:and|&)\s+", raw.strip(), maxsplit=1)
    first = _name(parts[0], strict=False)
    second = _name(parts[1], strict=False) if len(parts) == 2 else None
    if first and second and len(first.split()) == 1:
        return f"{first} and {second}"
    return first


def _place(raw: str | None) -> str | None:
    head = re.split(r"\s(?:with|for|since|near|now|and|at)\b", raw or "", maxsplit=1)[0]
    value = _value(head, max_words=5)
    if value is None:
        return None
    first = value.split()[0].lower()
    if first in _NOT_PLACES or value.lower().startswith(_NOT_PLACE_PHRASES):
        return None
    if first == "the" and len(value.split()) > 1 and not value.split()[1][0].isupper():
        return None
    if any(ch.isdigit() for ch in value):
        return None  # a street address: refused by the sensitive-data check instead
    if value.islower():
        # "london" -> "London"; "uk" -> "UK"
        return value.upper() if len(value) <= 3 and value.isalpha() else value.title()
    return value


def _date(raw: str, today: date) -> str | None:
    """A birthday as "3 May" (a year is dropped: it would tell the user's age)."""
    text = raw.strip().lower().rstrip(".!")
    if text in ("today", "today!"):
        return _day_month(today)
    if text == "tomorrow":
        return _day_month(today + timedelta(days=1))
    patterns = (
        rf"^(?:on )?(?:the )?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?: of)? (?P<m>{_MONTH})",
        rf"^(?:on )?(?P<m>{_MONTH}) (?:the )?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b",
        rf"^(?:in )?(?P<m>{_MONTH})$",
        r"^(?:on )?(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})(?:[/.-]\d{2,4})?$",
    )
    for pattern in patterns:
        match = re.match(pattern, text)
        if not match:
            continue
        groups = match.groupdict()
        if groups.get("a"):
            return f"{groups['a']}/{groups['b']}"
        month = _MONTHS[groups["m"].rstrip(".")]
        if groups.get("d"):
            day = int(groups["d"])
            return f"{day} {month}" if 1 <= day <= 31 else None
        return month
    return None


def _day_month(day: date) -> str:
    return f"{day.day} {day.strftime('%B')}"


def _absolute_times(text: str, today: date) -> str:
    """Relative days made absolute ("exam tomorrow" -> "exam on 29 November"): stored
    text outlives the day it was said."""
    text = re.sub(r"\btomorrow\b", "on " + _day_month(today + timedelta(days=1)), text, flags=re.I)
    text = re.sub(r"\btonight\b", "on the evening of " + _day_month(today), text, flags=re.I)
    return re.sub(r"\btoday\b", "on " + _day_month(today), text, flags=re.I)


def _gerund(verb: str) -> str:
    return _HOBBY_VERBS.get(verb.lower(), verb.lower() + "ing")


def _capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper() and word.lower() not in _NOT_NAMES


def _singular(word: str) -> str:
    word = word.lower()
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2] in _JOBS:
        return word[:-2]
    if word.endswith("s") and word[:-1] in _JOBS:
        return word[:-1]
    return word


# --- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    today: date
    correction: bool
    old: str | None  # "..., not X": X is what the user corrects away from
    old_is_dislike: bool  # "... but not X" after a like


Handler = Callable[[re.Match[str], _Context], list[MemoryOp] | None]
_ADV = (
    r"(?:(?:really|honestly|absolutely|totally|just|also|actually|kind of|kinda|sort of|"
    r"truly|seriously|genuinely|still|do|definitely|literally|so|super|quite|especially|"
    r"often|usually|sometimes|regularly|always|mostly|generally|secretly|now)\s+)*"
)
_RULES: list[tuple[re.Pattern[str], Handler]] = []


def _rule(pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _RULES.append((re.compile(pattern, re.IGNORECASE), handler))
        return handler

    return register


def _kind_with_old(kind: MemoryKind, values: list[str], ctx: _Context) -> list[MemoryOp]:
    ops = [add(kind, value) for value in values]
    if ops and ctx.old:
        if ctx.old_is_dislike and kind == "like":
            ops.append(add("dislike", ctx.old))
        elif not ctx.old_is_dislike and kind not in DEFAULT_KEYS:
            ops.append(remove(kind, ctx.old))  # a single-valued fact is replaced anyway
    return ops


# --- names, nicknames, pronouns


@_rule(r"^my (?:real |full |actual |first |given )?name is not (?P<v>.+)$")
def _not_my_name(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    # Capitalised: "my name isn't Bob" corrects a name; "my name is not important" does not.
    name = _name(m["v"], strict=False)
    return [remove("name", name)] if name and name[0].isupper() else []


@_rule(r"^(?:my (?:real |full |actual |first |given )?name is|(?:the )?name is|"
       r"I am (?:called|named)|I am known as|people know me as)\s+(?P<v>.+)$")  # fmt: skip
def _my_name(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    name = _name(m["v"], strict=False)
    return [add("name", name)] if name else []


@_rule(r"^(?:my )?pronouns?(?: are| is|:)?\s+(?P<v>" + _PRONOUNS + r")(?: pronouns)?$")
def _pronouns(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    return [add("pronouns", re.sub(r"\s*/\s*", "/", m["v"].lower()))]


@_rule(r"^I (?:use|go by|prefer|am) (?P<v>" + _PRONOUNS + r")(?: pronouns)?$")
def _use_pronouns(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    return _pronouns(m, ctx) or []


_NOT_NICKNAMES = re.compile(
    r"^(?:at|on|when|if|later|back|tomorrow|tonight|today|sometime|anytime|maybe|crazy|old|"
    r"a|an|the|whatever|anything|what|by|after|before|in|now|asap|again|please|soon|"
    r"stupid|silly|weird|paranoid|naive|biased|lazy|out|over|up|sometimes|that|this|it|"
    r"my|your|ur|u|you|him|her|them|anytime|any time|old-fashioned)\b",
    re.IGNORECASE,
)


@_rule(r"^(?:do not|please do not|stop|never) call(?:ing)? me (?P<v>.+)$")
def _not_nickname(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    name = _name(m["v"], strict=False)
    return [remove("nickname", name)] if name else []


@_rule(r"^(?:(?:you can|you may|please|pls|plz|just|feel free to|you should)\s+)*call me "
       r"(?P<v>.+)$")  # fmt: skip
def _call_me(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    value = m["v"].strip()
    if _NOT_NICKNAMES.match(value) or re.search(r"\d", value):
        return []
    name = _name(value, strict=False)
    return [add("nickname", name)] if name else []


@_rule(
    r"^(?:everyone|everybody|people|my friends|friends|most people|my family|they all)\s+"
    r"(?:calls?|know) me(?: as)? (?P<v>.+)$|^I go by (?P<w>.+)$|^my nick ?name is (?P<x>.+)$"
)
def _nickname(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    raw = m["v"] or m["w"] or m["x"]
    if _NOT_NICKNAMES.match(raw.strip()):
        return []
    name = _name(raw, strict=False)
    return [add("nickname", name)] if name else []


# --- likes and dislikes


@_rule(r"^I (?:do not|did not) (?:really )?(?:like|love|enjoy|care for) (?P<v>.+?) "
       r"(?:anymore|any more)\b.*$|^I no longer (?:like|love|enjoy|care for) (?P<w>.+)$|"
       r"^I (?:stopped|quit) (?:liking|loving|enjoying) (?P<x>.+)$|"
       r"^I am (?:not into|not a fan of|no longer into|no longer a fan of|over) (?P<y>.+?) "
       r"(?:anymore|any more|now)$|^I am no longer (?:into|a fan of) (?P<z>.+)$")  # fmt: skip
def _no_longer_like(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    raw = m["v"] or m["w"] or m["x"] or m["y"] or m["z"]
    return [remove("like", v) for v in _object(raw)]


@_rule(
    r"^I " + _ADV + r"(?:do not|did not|cannot|can not|could not|will never) "
    r"(?:really )?(?:stand|bear|tolerate|like|enjoy|stomach|handle) (?P<v>.+)$|"
    r"^I " + _ADV + r"(?:hate|dislike|detest|loathe|despise|abhor|cannot stand) (?P<w>.+)$|"
    r"^I am (?:really |just )?not (?:a (?:big |huge )?fan of|into|keen on|fond of) (?P<x>.+)$"
)
def _dislike(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    return _kind_with_old("dislike", _object(m["v"] or m["w"] or m["x"]), ctx)


@_rule(r"^(?:my )?favourite (?P<what>[a-z][a-z ]{1,24}?) (?:is|are|would be|has to be) (?P<v>.+)$")
def _favourite(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    what = " ".join(m["what"].lower().split())
    if what in ("thing", "part", "person", "one", "bit") or _ABOUT_THE_BOT.search(m["v"]):
        return []
    value = _value(m["v"], max_words=8)
    if not value or _PRONOUN_OBJECTS.match(value):
        return []
    return [add("like", value, key=f"favourite {what}")]


@_rule(r"^(?P<v>[^,]{1,60}?) (?:is|are) my (?:all[- ]time )?favourite (?P<what>[a-z][a-z ]{1,24})$")
def _favourite_after(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    if _PRONOUN_OBJECTS.match(m["v"]) or m["v"].lower().startswith(("i ", "my ")):
        return None
    return _favourite(m, ctx)


@_rule(
    r"^I " + _ADV + r"(?:like|love|adore|enjoy|prefer|dig|am into|am really into|"
    r"am a (?:big |huge |massive |total )?fan of|am obsessed with|am crazy about|"
    r"am passionate about|am mad about|have a soft spot for|cannot get enough of|"
    r"can not get enough of|am addicted to|am hooked on|am in love with) (?P<v>.+)$"
)
def _like(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    raw = m["v"].strip()
    if re.match(r"^(?:my|our) ", raw, re.IGNORECASE):
        # "I love my dog Biscuit": what matters is the dog, not a "like".
        return _clause_ops(raw, ctx.today)
    to_verb = re.match(r"^to (?P<verb>\w+)(?P<rest>(?: \S+){0,3})$", raw, re.IGNORECASE)
    if to_verb and to_verb["verb"].lower() in _HOBBY_VERBS:
        raw = _gerund(to_verb["verb"]) + to_verb["rest"]
    return _kind_with_old("like", _object(raw), ctx)


@_rule(r"^I am (?:a |an )?(?:big |huge |massive |total |die-hard |diehard )?(?P<v>[^,]{1,40}?) "
       r"(?:fan|lover|addict|nerd|geek|enthusiast|fanatic)$")  # fmt: skip
def _fan_of(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    value = m["v"].strip()
    if _PRONOUN_OBJECTS.match(value) or value.lower() in ("big", "huge", "real", "true"):
        return None
    return [add("like", v) for v in _object(value, max_words=5)]


@_rule(
    r"^(?P<v>[^,]{1,40}?) (?:is|are) (?:the worst|disgusting|gross|awful|horrible|"
    r"revolting|nasty)$"
)
def _is_awful(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    value = m["v"].strip()
    if _PRONOUN_OBJECTS.match(value) or value.lower().startswith(("my ", "i ", "life", "today")):
        return None
    return [add("dislike", v) for v in _object(value)]


# --- hobbies


@_rule(r"^I (?:do not|did not|no longer) (?:play|do|practi[cs]e|go) (?P<v>.+?)"
       r"(?: anymore| any more)?$|^I (?:quit|stopped|gave up(?: on)?|dropped|have given up) "
       r"(?:playing |doing |going )?(?P<w>.+)$")  # fmt: skip
def _no_longer_hobby(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    raw = m["v"] or m["w"]
    if re.match(r"^(?:my job|work|my studies|school|uni|university|college)\b", raw, re.I):
        return [remove("work")] if "job" in raw or "work" in raw else [remove("study")]
    return [remove("hobby", v) for v in _object(raw)]


@_rule(r"^my (?:favourite |main |new )?(?:hobby is|hobbies are|hobbies include|"
       r"pastime is|pastimes are) (?P<v>.+)$")  # fmt: skip
def _my_hobby(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    return _kind_with_old("hobby", _object(m["v"]), ctx)


_PLAY_NOT = re.compile(
    r"^(?:with|along|around|it|that|this|dead|fair|a game with|games with|the fool|nice|"
    r"you|along|hard|rough|safe|by|against you|here|there|now|too|a lot with)\b",
    re.IGNORECASE,
)


@_rule(r"^I " + _ADV + r"play (?P<v>.+)$")
def _play(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    raw = m["v"].strip()
    if _PLAY_NOT.match(raw):
        return []
    raw = re.sub(r"^the ", "", raw, flags=re.IGNORECASE)
    return _kind_with_old("hobby", _object(raw, max_words=5), ctx)


@_rule(r"^I " + _ADV + r"go (?P<v>[a-z]+ing)\b.*$")
def _go_doing(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    word = m["v"].lower()
    if word in ("going", "nothing", "something", "anything", "everything", "thing", "king"):
        return []
    return [add("hobby", word)]


@_rule(r"^I " + _ADV + r"do (?P<v>[a-z]+(?: [a-z]+)?)$")
def _do_activity(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    value = _value(m["v"], max_words=2)
    if not value or value.split()[0].lower() not in _DO_ACTIVITIES:
        return []
    return [add("hobby", value)]


_HOBBY_REST_NOT = re.compile(
    r"^(?:a|an|the|my|your|it|that|this|to|about|for|into|away|out|off|late|home|back|up|"
    r"down|over|fast|slow|well|badly|him|her|them|you|me|sometimes? for)\b",
    re.IGNORECASE,
)


@_rule(r"^I " + _ADV + r"(?P<verb>" + "|".join(
    v for v in _HOBBY_VERBS if v not in ("play", "watch", "listen", "study", "learn", "build",
                                        "game", "stream", "travel", "collect", "explore")
) + r")(?P<rest>(?: \S+){0,6})$")  # fmt: skip
def _hobby_verb(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    rest = _value(m["rest"], max_words=4) if m["rest"].strip() else ""
    if rest is None:
        rest_raw = m["rest"].strip()
        if _TRAILING_FILLER.sub("", " " + rest_raw).strip():
            return []
        rest = ""
    if rest and (_HOBBY_REST_NOT.match(rest) or _ABOUT_THE_BOT.search(rest)):
        return []
    return [add("hobby", f"{_gerund(m['verb'])} {rest}".strip())]


@_rule(r"^I " + _ADV + r"(?P<verb>collect|travel|explore) (?P<v>.+)$")
def _collect(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    values = _object(m["v"], max_words=4)
    return [add("hobby", f"{_gerund(m['verb'])} {v}") for v in values]


@_rule(r"^I (?:am|have been|have started|just started|started) (?:learning|teaching myself|"
       r"practi[cs]ing) (?P<v>.+)$")  # fmt: skip
def _learning(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    verb = "learning" if "learning" in m.group(0).lower() else "practising"
    return [add("hobby", f"{verb} {v}") for v in _object(m["v"], max_words=5)]


# --- pets


@_rule(
    r"^(?:my|our) (?P<animal>" + _ANIMAL + r"),? (?:(?P<name>[^\W\d_][\w'-]*),? )?"
    r"(?:died|passed away|passed|is gone|ran away|got lost|is no longer with us)\b.*$"
)
def _pet_gone(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    target = m["name"] or m["animal"]
    return [remove("pet", target.strip())]


@_rule(r"^(?:I|we) (?:do not|no longer|did not) (?:have|own) (?:a |an |my |any |our )?"
       r"(?P<animal>" + _ANIMAL + r")(?: anymore| any more)?$|"
       r"^(?:I|we) used to have (?:a |an )?(?P<animal2>" + _ANIMAL + r")(?:,? (?:called|named) "
       r"(?P<name>.+))?$")  # fmt: skip
def _no_pet(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    name = _name(m["name"], strict=False) if m["name"] else None
    return [remove("pet", name or (m["animal"] or m["animal2"]).lower())]


def _pet_content(animal: str, name: str | None, count: str | None = None) -> str:
    animal = animal.lower().strip()
    if count and count.lower() not in ("a", "an", "one"):
        animal = f"{count.lower()} {animal}"
    return f"{animal} called {name}" if name else animal


@_rule(r"^(?:I|we) (?:have got|have a new|have|got|own|adopted|rescued|just got|just adopted)"
       r" (?P<count>" + _COUNT + r" )?(?P<adj>(?:[a-z-]+ ){0,2}?)(?P<animal>" + _ANIMAL + r")\b"
       r"(?:,? (?:called|named) (?P<name>.+))?(?P<rest>.*)$")  # fmt: skip
def _have_pet(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    rest = (m["rest"] or "").strip()
    if rest and not m["name"] and not re.match(r"^(?:at home|now|too|as well|,|!|\.)", rest):
        if not re.match(r"^(?:[A-Z][\w'-]*)$", rest):
            return None
    adjective = (m["adj"] or "").strip()
    if adjective.lower() in ("hot", "corn", "sea", "lap", "top"):
        return None  # a hot dog is not a pet
    if adjective.lower() in ("lot of", "few", "couple of", "new", "pet"):
        adjective = ""
    name = _names(m["name"])
    if name is None and rest and re.match(r"^[A-Z][\w'-]*$", rest) and _capitalised(rest):
        name = rest
    animal = f"{adjective} {m['animal']}".strip()
    count = (m["count"] or "").strip() or None
    return _kind_with_old("pet", [_pet_content(animal, name, count)], ctx)


@_rule(r"^(?:my|our) (?P<adj>(?:[a-z-]+ ){0,2}?)(?P<animal>" + _ANIMAL + r")(?:'s name is| is "
       r"called| is named| called| named| name is) (?P<name>.+)$")  # fmt: skip
def _pet_called(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    name = _names(m["name"])
    if not name:
        return []
    animal = f"{(m['adj'] or '').strip()} {m['animal']}".strip()
    return _kind_with_old("pet", [_pet_content(animal, name)], ctx)


@_rule(r"^(?:my|our) (?P<animal>" + _ANIMAL + r"),? (?P<name>[^\W\d_][\w'-]*)\b(?P<rest>.*)$")
def _pet_named_inline(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    if not _capitalised(m["name"]):
        return None
    return [add("pet", _pet_content(m["animal"], m["name"]))]


@_rule(r"^(?P<name>[^\W\d_][\w'-]*) is my (?P<animal>" + _ANIMAL + r")$")
def _name_is_my_pet(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    if not _capitalised(m["name"]):
        return None
    return [add("pet", _pet_content(m["animal"], m["name"]))]


# --- family


@_rule(r"^my (?P<rel>" + _RELATION + r")(?:'s name is| is called| is named| called| named| "
       r"name is) (?P<name>.+)$")  # fmt: skip
def _relative_called(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    if not _RELATION_FAMILY.fullmatch(m["rel"]):
        return []  # a friend's name is theirs to share
    name = _name(m["name"], strict=False)
    return [add("family", f"{m['rel'].lower()} called {name}")] if name else []


@_rule(
    r"^my (?P<adj>(?:little|big|older|younger|baby|twin|eldest|youngest) )?"
    r"(?P<rel>" + _RELATION + r"),? (?P<name>[^\W\d_][\w'-]*)\b(?P<rest>.*)$"
)
def _relative_inline(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    if not _RELATION_FAMILY.fullmatch(m["rel"]) or not _capitalised(m["name"]):
        return None
    relation = f"{(m['adj'] or '').strip()} {m['rel'].lower()}".strip()
    return [add("family", f"{relation} called {m['name']}")]


@_rule(
    r"^(?P<name>[^\W\d_][\w'-]*) is my (?P<adj>(?:little|big|older|younger|baby|twin) )?"
    r"(?P<rel>" + _RELATION + r")$"
)
def _name_is_my_relative(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    if not _RELATION_FAMILY.fullmatch(m["rel"]) or not _capitalised(m["name"]):
        return None
    relation = f"{(m['adj'] or '').strip()} {m['rel'].lower()}".strip()
    return [add("family", f"{relation} called {m['name']}")]


@_rule(
    r"^I have (?P<count>" + _COUNT + r") (?P<adj>(?:little|big|older|younger|baby|twin|"
    r"step|half) )?(?P<rel>" + _RELATION + r")(?:s|ren)?(?:,? (?:called|named) (?P<name>.+))?$"
)
def _have_relatives(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    if not _RELATION_FAMILY.fullmatch(m["rel"]):
        return []
    relation = f"{(m['adj'] or '').strip()} {m['rel'].lower()}".strip()
    count = m["count"].lower()
    plural = count not in ("a", "an", "one")
    if plural:
        relation = relation + ("ren" if relation.endswith("child") else "s")
    name = _names(m["name"])
    if name:
        return [add("family", f"{relation} called {name}")]
    return [add("family", f"{count} {relation}" if plural else relation)]


# --- places


@_rule(r"^I (?:do not|no longer) live in (?P<v>.+?)(?: anymore| any more)?$|"
       r"^I used to live in (?P<w>.+)$")  # fmt: skip
def _moved_away(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    place = _place(m["v"] or m["w"])
    return [remove("place", place, key="home")] if place else []


@_rule(r"^I (?:just |recently |finally )?(?:moved|relocated|have moved) (?:away |out )?"
       r"(?:from|of) (?P<old>.+?)(?: to (?P<new>.+))?$")  # fmt: skip
def _moved_from(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    if m["new"]:
        place = _place(m["new"])
        return [add("place", place, key="home")] if place else []
    old = _place(m["old"])
    return [remove("place", old, key="home")] if old else []


@_rule(r"^I " + _ADV + r"(?:live|am living|reside|am based|am staying|have lived) in (?P<v>.+)$|"
       r"^I (?:just |recently |finally )?(?:moved|relocated|have moved|moved back) to (?P<w>.+)$|"
       r"^(?:my home is in|home is) (?P<x>.+)$")  # fmt: skip
def _home(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    place = _place(m["v"] or m["w"] or m["x"])
    return [add("place", place, key="home")] if place else []


@_rule(
    r"^I (?:am|come) (?:originally )?from (?P<v>.+)$|^I grew up in (?P<w>.+)$|"
    r"^my home ?town is (?P<x>.+)$|^I was born in (?P<y>[A-Z].+)$"
)
def _origin(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    raw = m["v"] or m["w"] or m["x"] or m["y"]
    if m["y"] and _date(raw, ctx.today):
        return None  # "born in May": a birthday
    place = _place(raw)
    return [add("place", place, key="origin")] if place else []


@_rule(r"^I am (?P<name>[^\W\d_][\w'-]*(?: [^\W\d_][\w'-]*)?) from (?P<place>.+)$")
def _name_from(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    name = _name(m["name"], strict=True)
    place = _place(m["place"])
    if not name or not place:
        return None
    return [add("name", name), add("place", place, key="origin")]


# --- work and studies


@_rule(r"^I (?:lost|quit|left|have left|have quit|was fired from|got fired from) my job\b.*$|"
       r"^I (?:got fired|was fired|was laid off|got laid off|got made redundant|was made "
       r"redundant)\b.*$")  # fmt: skip
def _job_gone(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    return [remove("work")]


@_rule(
    r"^I (?:just |have just |recently )?(?:started|got|have started|have got|landed|began) "
    r"(?:a |my |the )?(?:new |first )?job (?:as (?:a |an )?(?P<v>.+)|at (?P<w>.+))$"
)
def _new_job(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    if m["v"]:
        value = _value(m["v"], max_words=5)
        return [add("work", value)] if value else []
    value = _value(m["w"], max_words=5)
    return [add("work", f"works at {value}")] if value else []


@_rule(r"^I (?:am (?:now |finally )?retired|(?:just |finally )?retired)$")
def _retired(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    return [add("work", "retired")]


@_rule(r"^I am (?:not|no longer) (?:a|an) (?P<v>.+?)(?: anymore| any more)?$")
def _no_longer_job(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    value = _value(m["v"], max_words=4)
    if not value:
        return None
    last = _singular(value.split()[-1])
    if last in _JOBS:
        return [remove("work", value)]
    if last in _STUDENT_WORDS:
        return [remove("study")]
    return None


@_rule(
    r"^I " + _ADV + r"work as (?:a |an )?(?P<v>.+)$|^my (?:job|profession|occupation|"
    r"day job|work) is (?:being )?(?:a |an )?(?P<w>.+)$|^I am employed as (?:a |an )?(?P<x>.+)$"
)
def _work_as(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    value = _value(m["v"] or m["w"] or m["x"], max_words=5)
    if not value or _ABOUT_THE_BOT.search(value):
        return []
    return _kind_with_old("work", [value], ctx)


_WORK_AT_NOT = re.compile(
    r"^(?:night|nights|the weekend|weekends|the morning|the evening|the afternoon|home|"
    r"the moment|shifts|progress|silence|peace|a hurry|my sleep|it|that|this|you|the same)\b",
    re.IGNORECASE,
)


@_rule(r"^I " + _ADV + r"work (?P<prep>at|for|in) (?P<v>.+)$")
def _work_at(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    raw = m["v"].strip()
    if _WORK_AT_NOT.match(raw):
        return []
    value = _value(raw, max_words=5)
    return [add("work", f"works {m['prep'].lower()} {value}")] if value else []


@_rule(r"^I am (?:a|an) (?P<v>(?:[\w-]+ ){0,3}?[\w-]+)(?: by (?:profession|trade))?"
       r"(?: from (?P<place>.+))?$")  # fmt: skip
def _i_am_a(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    value = m["v"].strip()
    last = _singular(value.split()[-1])
    origin = _place(m["place"]) if m["place"] else None
    extra = [add("place", origin, key="origin")] if origin else []
    if last in _STUDENT_WORDS:
        return _kind_with_old("study", [value.lower()], ctx) + extra
    if last in _JOBS:
        return _kind_with_old("work", [value], ctx) + extra
    return None


@_rule(r"^I " + _ADV + r"(?:study|am studying|major in|am majoring in|am doing a degree in|"
       r"am reading|am doing (?:a |my )?(?:phd|masters|master's|bachelor's|degree|ba|bsc|msc|"
       r"ma|doctorate) (?:in|on)|am a (?:student|undergrad|grad student) (?:of|in|studying)) "
       r"(?P<v>.+)$")  # fmt: skip
def _study(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    raw = m["v"].strip()
    if re.match(r"^(?:for|hard|a lot|late|all|tonight|today|right now|now)\b", raw, re.I):
        return []  # revising for something: not what they study
    if not re.match(r"^(?:at|in)\b", raw, re.I):
        raw = re.split(r"\s(?:at|in)\s", raw, maxsplit=1)[0]  # "law at uni": the subject
    value = _value(raw, max_words=6)
    if not value or _ABOUT_THE_BOT.search(value):
        return []
    return _kind_with_old("study", [value], ctx)


@_rule(r"^I am (?:at|in) (?P<v>uni|university|college|grad school|med school|law school)$")
def _at_uni(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    return [add("study", f"at {m['v'].lower()}")]


# --- birthdays


@_rule(r"^(?:it is|today is) my (?:birthday|bday|b-day)(?: today)?$|^my (?:birthday|bday) is "
       r"today$")  # fmt: skip
def _birthday_today(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    return [add("birthday", _day_month(ctx.today))]


@_rule(r"^(?:my (?:birthday|bday|b-day|birth day|date of birth) (?:is|falls on)|I was born "
       r"(?:on|in)) (?P<v>.+)$")  # fmt: skip
def _birthday(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    value = _date(m["v"], ctx.today)
    if value:
        return [add("birthday", value)]
    if m.group(0).lower().startswith("i was born in"):
        return None  # "born in Lyon": an origin, or "born in 1990": a year, not kept
    return []


# --- goals


@_rule(
    r"^my (?:big |main |new |biggest |ultimate )?(?:new year'?s? )?(?:goal|dream|plan|"
    r"resolution|ambition|aim)(?: for (?:this|next) year| this year)? is to (?P<v>.+)$"
)
def _my_goal(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    value = _value(m["v"], max_words=10, max_chars=100)
    if not value or _ABOUT_THE_BOT.search(value) or _BOT_REQUESTS.search(value):
        return []
    return [add("goal", value)]


@_rule(r"^(?:this year |one day |someday |some day |eventually )?I " + _ADV +
       r"(?:am trying|am hoping|hope|am planning|plan|am aiming|aim|want|would love|"
       r"would like|really want|am determined|am working|am going|intend|am saving up|"
       r"am saving) to (?P<verb>[a-z]+)\b(?P<rest>.*)$")  # fmt: skip
def _goal(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    verb = m["verb"].lower()
    rest = m["rest"]
    if verb not in _GOAL_VERBS:
        return None  # "I am going to Japan next week": a plan, read by the rules below
    if verb == "be" and not re.match(r"^ (?:a|an)\b", rest):
        return []
    value = _value(verb + rest, max_words=10, max_chars=100)
    if not value or _ABOUT_THE_BOT.search(value) or _BOT_REQUESTS.search(value):
        return []
    return [add("goal", value)]


# --- what is going on


@_rule(r"^(?:my|the|our) (?P<v>(?:[\w'-]+ ){0,2}?" + _EVENT + r")s? (?:is|was|got|has been|"
       r"have been|were|are) (?:cancell?ed|canceled|over|done|postponed|finished|called off)\b.*$|"
       r"^I (?:passed|finished|failed|aced|survived|completed|nailed|bombed|smashed|"
       r"have finished|have passed) (?:my|the|all my|both my) (?P<w>(?:[\w'-]+ ){0,2}?"
       + _EVENT + r")s?\b.*$")  # fmt: skip
def _event_over(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    return [remove("situation", (m["v"] or m["w"]).lower())]


@_rule(r"^I (?:have got|have a big|have an important|have|got|am having) (?:a |an |my |the |"
       r"two |three |some |another |big |huge |important |final |first )*"
       r"(?P<v>(?:[\w'-]+ ){0,2}?" + _EVENT + r"\b.*)$")  # fmt: skip
def _have_event(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    raw = m["v"]
    if _ABOUT_THE_BOT.search(raw) or re.search(r"\b(?:question|idea|score|result)\b", raw, re.I):
        return []
    if re.match(r"^(?:had|been|never|no|not)\b", raw, re.I):
        return []
    value = _value(_absolute_times(raw, ctx.today), max_words=10, max_chars=100)
    return [add("situation", value)] if value else []


@_rule(r"^my (?P<v>(?:[\w'-]+ ){0,2}?" + _EVENT + r") is (?P<when>(?:on|tomorrow|today|tonight|"
       r"next|this|in|soon|coming up|later).*)$")  # fmt: skip
def _event_when(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    value = _value(_absolute_times(f"{m['v']} {m['when']}", ctx.today), max_words=10)
    return [add("situation", value)] if value else []


@_rule(r"^I am (?P<v>(?:going|travelling|traveling|flying|heading|moving|starting|leaving|"
       r"visiting|getting|having|taking|sitting|doing|seeing|meeting|competing|running|"
       r"performing|presenting|celebrating|hosting|attending|graduating|volunteering|"
       r"finishing|beginning) .+)$")  # fmt: skip
def _doing_soon(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    raw = m["v"]
    if not _TIME.search(raw) or _ABOUT_THE_BOT.search(raw):
        return None
    if re.match(r"^going to (?:bed|sleep)\b", raw, re.I):
        return []
    value = _value(_absolute_times(raw, ctx.today), max_words=12, max_chars=100)
    return [add("situation", value)] if value else []


# --- a bare name, last: everything more specific had its chance


@_rule(r"^I am (?P<v>.+)$")
def _i_am_name(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    name = _name(m["v"], strict=True)
    return [add("name", name)] if name else None


@_rule(r"^I am not (?P<v>[^\W\d_][\w'-]*)$")
def _i_am_not_name(m: re.Match[str], ctx: _Context) -> list[MemoryOp] | None:
    name = _name(m["v"], strict=True)
    return [remove("name", name)] if name else None


@_rule(r"^I used to (?:play |do |go |like |love |enjoy )?(?P<v>.+)$")
def _used_to(m: re.Match[str], ctx: _Context) -> list[MemoryOp]:
    was = re.match(r"^be (?:a |an )?(?P<job>.+)$", m["v"], re.IGNORECASE)
    if was:
        value = _value(was["job"], max_words=4)
        if value and _singular(value.split()[-1]) in _JOBS:
            return [remove("work", value)]
        return []
    values = _object(m["v"], max_words=4)
    return [remove("hobby", v) for v in values]


# --- entry points -----------------------------------------------------------------------------


def _clause_ops(clause: str, today: date) -> list[MemoryOp]:
    correction = False
    for _ in range(4):
        stripped = _LEADING_FILLER.sub("", clause)
        fixed = _CORRECTION.sub("", stripped)
        correction = correction or fixed != stripped
        if fixed == clause:
            break
        clause = fixed
    clause = clause.strip(" ,")
    if not clause or _QUESTION_START.match(clause) or _NOT_A_STATEMENT.search(clause):
        return []
    old = None
    old_is_dislike = False
    trailing = _TRAILING_NOT.search(clause)
    if trailing and (correction or "," in trailing["sep"] or "but" in trailing["sep"].lower()):
        before = clause[: trailing.start()].split()
        if before and before[-1].lower() not in _AUX:
            old = _value(trailing["old"], max_words=4)
            old_is_dislike = "but" in trailing["sep"].lower()
            clause = clause[: trailing.start()]
    ctx = _Context(today=today, correction=correction, old=old, old_is_dislike=old_is_dislike)
    for pattern, handler in _RULES:
        match = pattern.match(clause)
        if match is None:
            continue
        ops = handler(match, ctx)
        if ops is not None:
            return ops
    return []


def extract(text: str, *, today: date | None = None) -> Extraction:
    """The memory operations in one chat message, and the sensitive data it shared."""
    if not isinstance(text, str) or not text.strip():
        return Extraction()
    day = today or date.today()
    refused = list(sensitive.disclosed(text[:MAX_TEXT]))
    prepared = _prepare(text)
    ops: list[MemoryOp] = []
    if not _WHOLE_SKIP.search(prepared):
        for clause, asked in _clauses(prepared):
            if not asked:
                ops.extend(_clause_ops(clause, day))
    kept: list[MemoryOp] = []
    for op in ops:
        found = sensitive.find(op.content) if op.action == "add" else []
        if found:
            refused.extend(k for k in found if k not in refused)
            continue
        if op not in kept:
            kept.append(op)
    order = sensitive.ORDER
    return Extraction(tuple(kept), tuple(k for k in order if k in refused))


def extract_explicit(text: str, *, today: date | None = None) -> Extraction:
    """What "remember that <text>" asks for: the facts in it, else the words as a note."""
    found = extract(text, today=today)
    if found.ops or found.refused:
        return found
    note = " ".join(_CODE.sub(" ", text).split()).strip(" .")
    if not note or _WHOLE_SKIP.search(note):
        return Extraction()
    if len(note) > MAX_NOTE_LENGTH:
        note = note[: MAX_NOTE_LENGTH - 1].rstrip() + "…"
    return Extraction((add("note", note),))
