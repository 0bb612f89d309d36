"""Recognising what a chat line is doing, over the canonical text of :mod:`offline_text`.

Canonical text is lower case with contractions expanded ("i'm" -> "i am", "whats ur" -> "what
is your"), so the patterns below only need one spelling of each phrase. Recognisers are plain
functions that return what they found (or None); the brain decides the order they run in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _any(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def matches(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    """True when any of ``patterns`` is found in ``text``."""
    return any(p.search(text) for p in patterns)


# --- crisis -----------------------------------------------------------------------------------

# Searched in the whole message, before anything else. Erring towards care is the point: a
# false alarm costs a kind message with a helpline; a miss costs much more.
CRISIS = _any(
    r"\b(?:kill|hurt|harm|cut|cutting|hurting|harming|killing) (?:my ?self|myself)\b",
    r"\bsuicid",
    r"\bself ?harm",
    r"\bend (?:it all|my life|my own life|things for good)\b",
    r"\btake my (?:own )?life\b",
    r"\b(?:want|wanna|going|plan|planning|ready) to (?:die|be dead)\b"
    r"(?! (?:of|from) (?:laughter|embarrassment|cuteness|boredom)| laughing)",
    r"\b(?:can not|cannot|do not want to) (?:go on|keep going|do this anymore)\b",
    r"\bwish i (?:was|were) dead\b",
    r"\bi (?:want|would like) to disappear forever\b",
    r"\bdo not want to (?:live|be alive|exist|wake up)\b",
    r"\b(?:no|not any) (?:reason|point) (?:to|in) (?:live|living|going on)\b",
    r"\bnot worth living\b",
    r"\bbetter off (?:dead|without me)\b",
    r"\beveryone would be better without me\b",
    r"(?<![0-9] )\bkms\b",
)


def is_crisis(text: str) -> bool:
    """True when the canonical text has obvious self-harm or suicide words."""
    return matches(CRISIS, text)


# --- simple intents ----------------------------------------------------------------------------

GREETING_WORDS = (
    r"(?:hi+|hello+|hey+|heya|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)|"
    r"morning|evening|hallo|hola|bonjour|salut|ciao|hei|hej|namaste|konnichiwa|ola|oi|hai|helo|"
    r"hellow|ello|hullo|heyo|wassup|whats up)"
)
_GREETING = re.compile(rf"^{GREETING_WORDS}\b")
# What may follow a greeting word and still be part of the greeting ("hey there hearth").
_GREETING_TAIL = re.compile(
    r"^(?:there|again|all|everyone|everybody|friend|buddy|pal|mate|you|bot|hearth|folks|y'all|"
    r"you all|guys)\b\s*"
)

SIMPLE: dict[str, tuple[re.Pattern[str], ...]] = {
    "you_are_bot": _any(
        r"^(?:so |oh |wait |lol |haha |hmm |okay )?(?:you are|your|you re) (?:just |only |really "
        r"|definitely |obviously |clearly )?(?:an? )?(?:bot|robot|ai|machine|computer|program)\b",
        r"\byou are not (?:a )?(?:real|human|person)",
    ),
    "are_you_human": _any(
        r"\bare you (?:an? )?(?:actual |real |really |actually |even )?(?:human|person|people|"
        r"alive|bot|robot|ai|artificial intelligence|machine|computer|program|chat ?bot|real|"
        r"living|sentient|conscious)\b",
        r"\b(?:is this|am i (?:talking|speaking|chatting|texting) (?:to|with)) (?:an? )?"
        r"(?:real |actual )?(?:human|person|bot|robot|ai|machine|computer|program|chat ?bot|"
        r"someone real)\b",
        r"\bis (?:there )?(?:a |an )?(?:real )?(?:human|person) (?:behind|typing|there|here)",
        r"\b(?:you are|are you) (?:a )?(?:human|real person)\b",
    ),
    "bot_body": _any(
        r"\b(?:are you|you are) (?:a )?(?:girl|boy|man|woman|guy|lady|male|female)\b",
        r"\bwhat is your (?:gender|pronouns?)\b",
        r"\bdo you have a (?:body|face|gender)\b",
        r"\bwhat do you look like\b",
        r"\bwhere do you live\b",
    ),
    "bot_feelings": _any(
        r"\bdo you (?:ever )?(?:have|feel|get|experience) (?:any )?(?:feelings|emotions|sad|"
        r"lonely|happy|bored|angry|tired|scared|love|pain)\b",
        r"\bcan you (?:feel|love|get sad|get lonely|get bored)\b",
    ),
    "capabilities": _any(
        r"\bwhat (?:can|could) you do\b",
        r"\bwhat (?:are|else are) you (?:good at|for|able to do|capable of)\b",
        r"^what do you do$",
        r"^(?:help|commands|menu|features|options|help please|please help)$",
        r"\bhow (?:do|can|should) i (?:use|talk to|play with) (?:you|this bot|this|the bot)\b",
        r"\bwhat (?:commands|features|games) (?:do you have|are there|can you|can we)\b",
        r"\b(?:list|show me) (?:your |the )?commands\b",
        r"\bwhat can (?:i|we) (?:do|ask|say|play) (?:here|with you|to you)\b",
        r"\bwhat games (?:can|do) (?:you|we) play\b",
        r"^(?:can you help me|can you help|what else can you do|what else)$",
    ),
    "creator": _any(
        r"\bwho (?:made|created|built|programmed|coded|designed|wrote|owns|runs|invented|"
        r"trained|developed) you\b",
        r"\bwhere (?:do you come from|are you from|did you come from)\b",
        r"\bwhat (?:model|language model|llm|ai model|ai) (?:are you|do you use|is this|runs "
        r"you)\b",
        r"\bare you (?:chatgpt|gpt|claude|gemini|siri|alexa|bard|copilot|openai)\b",
    ),
    "who_are_you": _any(
        r"\bwho are you\b",
        r"^what are you\b(?! (?:doing|up|saying|talking|on|into|like|thinking|watching|reading|"
        r"playing|listening|eating|working|going|trying|looking|making|good|scared|afraid|"
        r"interested|made|for|able|capable|excited|drinking|wearing|learning))",
        r"\bwhat is your name\b",
        r"\bwhat (?:do|should|can) i call you\b",
        r"^(?:your name|name)$",
        r"\bintroduce yourself\b",
        r"\btell me (?:a bit |a little |more |something )?about yourself\b",
        r"\bwho (?:am i|is this) (?:talking|speaking|chatting) (?:to|with)\b",
    ),
    "memory_query": _any(
        r"\bwhat (?:do|else do) you (?:know|remember) about me\b",
        r"\bdo you (?:know|remember) (?:me|who i am|anything about me)\b",
        r"\bwhat (?:have i told you|did i tell you|do you have on me)\b",
        r"\bwhat is my name\b",
        r"\bdo you (?:know|remember) my name\b",
        r"^who am i$",
        r"\bdo you remember (?:my|that i|when i|what i|the)\b",
        r"\bwhat do you (?:know|remember) about my\b",
        r"\bwhat is my (?:dog|cat|pet|job|favourite)",
    ),
    "romance": _any(
        r"^i love you\b",
        r"\bi (?:really )?love you (?:so much|a lot)\b",
        r"\bdo you love me\b",
        r"\b(?:will|would|can) you (?:be my|marry me|go out with me|date me|kiss me)\b",
        r"\b(?:be|become) my (?:girlfriend|boyfriend|partner|valentine|wife|husband)\b",
        r"\bmarry me\b",
        r"\bi have a crush on you\b",
        r"\bdate me\b",
        r"\bkiss me\b",
        r"\b(?:you are|you re|your) (?:so )?(?:hot|sexy|cute|beautiful|gorgeous|handsome)\b",
    ),
    "how_are_you": _any(
        r"\bhow are you\b(?! (?:made|built|so|able|programmed|different|real|not|going to|"
        r"feeling about))",
        r"\bhow (?:is|are) (?:it going|things|life|your day|you doing|your evening|your "
        r"morning|your week|everything)\b",
        r"\bhow have you been\b",
        r"^(?:what is up|sup|wassup|wazzup|whassup|whats up)\b",
        r"^how do you (?:do|feel)(?: today| right now)?$",
        r"\bare you (?:okay|good|well|all right|doing well|doing okay)\b",
        r"^hru\b",
    ),
    "what_doing": _any(
        r"^what are you (?:doing|up to)\b",
        r"^(?:wyd|what you doing|what are you doing right now)$",
    ),
    "decline": _any(
        r"^(?:no thanks|no thank you|nah|nah thanks|no i am good|i am good thanks|not now|"
        r"maybe later|no need|i am okay thanks|i am fine thanks|not right now|no not now|"
        r"nah i am good|no i am okay|i will pass|pass)$",
    ),
    "thanks": _any(
        r"\b(?:thanks|thank you|thankyou|cheers|much appreciated|appreciate it|appreciate you|"
        r"tysm|thanx|tyvm|merci|gracias|danke|grazie|obrigado|obrigada)\b",
    ),
    "farewell": _any(
        r"\b(?:bye|goodbye|bye bye|byebye|byee|cya|good ?night|gnight|nighty night|night night|"
        r"gotta go|got to go|g2g|gtg|ttyl|talk to you (?:later|soon|tomorrow)|talk (?:later|"
        r"soon)|catch you later|farewell|signing off|see you (?:later|soon|tomorrow|around|next "
        r"time)|see ya|i am off now|i am heading off|i have to go|i need to go|i must go|"
        r"i am going to bed|going to bed now|off to bed|time for bed|i am leaving now)\b",
        r"^(?:later|see you|night|peace|peace out|adios|au revoir|tschuss|okay bye|ok bye)$",
    ),
    "stop": _any(
        r"^(?:stop|stop it|please stop|stop please|quiet|be quiet|shush|shut up|enough|that is "
        r"enough|cancel|never mind|nevermind|forget it|quit|end|exit|stop talking)$",
    ),
    "compliment": _any(
        r"\b(?:you are|you re|your) (?:so |very |really |the |such a |an |a )?(?:funny|smart|"
        r"clever|cool|awesome|great|amazing|nice|kind|sweet|helpful|best|wonderful|brilliant|"
        r"lovely|hilarious|good bot|good|fun|a good bot|legend|genius)\b",
        r"^(?:good|great|nice|best|cool) (?:bot|job|one|answer|work)\b",
        r"^(?:i like you|i like talking to you|i like chatting with you|you rock|love this bot|"
        r"i love this bot|i love talking to you|good bot|well done|nice one)\b",
    ),
    "insult": _any(
        r"\b(?:you are|you re|your) (?:so |very |really |such an? |an? |the )?(?:stupid|dumb|"
        r"useless|annoying|boring|bad|rubbish|terrible|awful|idiot|lame|broken|worst|pointless|"
        r"not helpful|unhelpful|not funny|not smart|trash|garbage)\b",
        r"^(?:you suck|i hate you|bad bot|this bot sucks|this is (?:stupid|useless|boring))\b",
        r"\byou (?:do not|never) understand\b",
    ),
    "confused": _any(
        r"^(?:i do not understand|i am confused|what do you mean|huh|what|i do not follow|"
        r"that makes no sense|that does not make sense|what are you talking about|eh)$",
    ),
    "user_dont_know": _any(
        r"^(?:i do not know|idk|no idea|not sure|i am not sure|no clue|i have no idea|"
        r"who knows|dunno)$",
    ),
    "laugh": _any(
        r"^(?:ha(?:ha)+h?|he(?:he)+|lol|lmao|lmfao|rofl|xd|hah|haha|hahaha|lolol|good one|"
        r"that is funny|that was funny|so funny|very funny|hilarious|nice one|lol good one)$",
    ),
    "groan": _any(
        r"^(?:that was (?:bad|terrible|awful|lame|not funny|cringe|corny)|not funny|lame|"
        r"boo+|ugh|groan|cringe|so bad|terrible|awful|that is (?:bad|terrible|awful|lame|"
        r"not funny|cringe|corny)|bad joke|that joke was (?:bad|terrible|awful|lame))$",
    ),
    "dont_get_it": _any(
        r"^(?:i do not get it|i dont get it|do not get it|i do not understand the joke|explain|"
        r"explain it|what does that mean|i do not get the joke)$",
    ),
    "user_knock": _any(r"^(?:knock knock|knock knock knock|knock)$"),
    "adventure": _any(
        r"\b(?:play|start|begin|go on|have|want|let us|run|do|try|join|launch|open)(?: \w+)?"
        r" (?:an? |the |another |some )?(?:text |new )?adventures?\b",
        r"\badventure (?:game|mode|time)\b",
        r"\bchoose your own adventure\b",
        r"^(?:an? )?adventures?(?: please)?$",
    ),
    "wyr": _any(r"\bwould you rather\b", r"\bwyr\b"),
    "not_much": _any(
        r"^(?:not much|nothing much|not a lot|same old|nothing really|just chilling|"
        r"just relaxing|nothing special|the usual|not a whole lot)\b",
        r"^nothing$",
    ),
    "suggest_topic": _any(
        r"\bwhat (?:should|shall|can|could|do you want to) we (?:talk|chat) about\b",
        r"\b(?:let us|can we|could we|shall we) (?:talk|chat) about something\b",
        r"^(?:talk to me|entertain me|i do not know what to talk about|say something|pick a "
        r"topic|you pick|you choose|surprise me|ask me something|ask me a question|"
        r"what do you want to talk about|give me a topic|any ideas)$",
    ),
    "memory_ability": _any(
        r"\b(?:can|do|will) you (?:remember|keep|save) (?:things|stuff|what i say|what i tell "
        r"you|me|our chats?|conversations?|anything)\b",
        r"\bdo you have (?:a )?memory\b",
        r"\bwill you forget\b",
    ),
    "praise": _any(
        r"^(?:wow |oh |aww |ha |haha )?(?:that was|that is|this is|it was|what a|such a|"
        r"that s|this was) (?:so |really |very |pretty |super |a )?(?:awesome|great|cool|"
        r"amazing|good|fun|lovely|nice|brilliant|fantastic|wonderful|beautiful|sweet|perfect|"
        r"epic|interesting|fascinating|clever|cute|neat)(?: (?:one|story|joke|question|name))?$",
        r"^(?:cool|nice|great|lovely|love|i love|i liked|i like|good|pretty|awesome|beautiful|"
        r"fun|neat) (?:name|story|one|it|that|this|question|joke)$",
        r"^(?:i )?(?:loved|liked|enjoyed) (?:it|that|the story|that one|this one|the joke)$",
    ),
    "sigh": _any(r"^(?:ugh+|argh+|sigh|meh|oof|bleh|ugh ugh|hmph|blah)$"),
    "advice": _any(
        r"\b(?:should i take|is it safe to take|how (?:much|many) (?:paracetamol|ibuprofen|"
        r"aspirin|pills?|medicine|tablets)|what (?:medicine|medication|pills?) should|"
        r"am i (?:sick|ill|dying|pregnant)|do i have (?:cancer|covid|diabetes|an infection)|"
        r"legal advice|should i sue|can i sue|should i invest|should i (?:buy|sell) "
        r"(?:stocks?|shares|crypto|bitcoin)|investment advice|diagnose)\b",
    ),
}

INTENT_ORDER = (
    "you_are_bot",
    "are_you_human",
    "bot_body",
    "bot_feelings",
    "capabilities",
    "creator",
    "who_are_you",
    "memory_query",
    "romance",
    "how_are_you",
    "what_doing",
    "decline",
    "farewell",
    "thanks",
)


def simple_intent(text: str) -> str | None:
    """The first intent of INTENT_ORDER whose patterns match the canonical text."""
    for name in INTENT_ORDER:
        if matches(SIMPLE[name], text):
            return name
    return None


def split_greeting(text: str) -> tuple[bool, str]:
    """(True, the rest) when the canonical text opens with a greeting, else (False, text).

    "hi there, tell me a joke" -> (True, "tell me a joke"); "hello" -> (True, "").
    """
    match = _GREETING.match(text)
    if not match:
        return False, text
    rest = text[match.end() :].strip()
    while True:
        tail = _GREETING_TAIL.match(rest)
        if not tail or not tail.group(0):
            break
        rest = rest[tail.end() :].strip()
    return True, rest


# --- requests for jokes, stories, quizzes ----------------------------------------------------

_REQUEST_VERB = re.compile(
    r"\b(?:tell|give|say|know|got|have|hear|share|crack|need|want|read|write|make|narrate|"
    r"invent|create|do|another|more|some|any|please|ask|start|play|let us|begin|try|one more|"
    r"again|can i|could i|may i|up for)\b"
)
_JOKE_WORD = re.compile(
    r"\b(?:jokes?|puns?|riddles?|one liners?|oneliners?|knock knock jokes?|funny one)\b"
)
_JOKE_EXTRA = _any(
    r"\bmake me (?:laugh|smile|giggle)\b",
    r"\b(?:say|tell me|tell us) something (?:funny|silly)\b",
    r"\bi need a (?:laugh|giggle)\b",
)
_STORY_WORD = re.compile(r"\b(?:story|stories|tale|tales|fairy ?tale|bedtime story)\b")
_QUIZ_WORD = re.compile(r"\b(?:quiz|trivia|quizz|quizzes)\b")
_QUIZ_EXTRA = _any(
    r"\bquiz me\b",
    r"\bask me (?:a |another |some |an? |one more )?(?:\w+ )?(?:question|questions|trivia)\b",
    r"\btest (?:me|my knowledge|my brain)\b",
    r"\bgive me (?:a |another )?(?:trivia )?question\b",
)
_OPINION_ABOUT = re.compile(r"\b(?:favourite|think of|think about|opinion|hate|do you like)\b")


_STATEMENT = re.compile(r"^(?:i|my|we|our|he|she|they|it|that|this|the|his|her)\b")
_WISH = re.compile(
    r"\b(?:want|need|would like|would love|could use|wish|can i|could i|may i|am ready|"
    r"feel like|fancy|want to hear|love to hear)\b"
)


def _requested(text: str, word: re.Pattern[str], *, short: int) -> bool:
    if not word.search(text):
        return False
    if _OPINION_ABOUT.search(text) and not re.search(r"\b(?:tell|give|say)\b", text):
        return False  # "what is your favourite joke" is small talk, handled elsewhere
    if _STATEMENT.match(text):
        # "i wrote a story", "my quiz went badly": news, not a request; "i want a joke" is one
        return bool(_WISH.search(text))
    return bool(_REQUEST_VERB.search(text)) or len(text.split()) <= short or " about " in text


def wants_joke(text: str) -> bool:
    """A request for a joke ("tell me a joke", "pun please", "make me laugh")."""
    return _requested(text, _JOKE_WORD, short=4) or matches(_JOKE_EXTRA, text)


def wants_story(text: str) -> bool:
    """A request for a story ("tell me a story about a dragon", "bedtime story")."""
    return _requested(text, _STORY_WORD, short=5) or text.startswith("once upon a time")


def wants_quiz(text: str) -> bool:
    """A request for trivia ("quiz me", "ask me a space question", "trivia")."""
    return matches(_QUIZ_EXTRA, text) or _requested(text, _QUIZ_WORD, short=5)


def topic_after(text: str, words: tuple[str, ...] = ("about", "on", "with")) -> str | None:
    """What follows "about"/"on"/"with" in a request ("a joke about cats" -> "cats")."""
    joined = "|".join(words)
    match = re.search(rf"\b(?:{joined}) (.+)$", text)
    if not match:
        return None
    topic = re.sub(r"\b(?:please|pls|thanks|now|again)\b", "", match.group(1)).strip()
    return topic or None


# --- feelings ---------------------------------------------------------------------------------

_FEELING_WORDS: dict[str, str] = {}


def _feel(name: str, words: str) -> None:
    for word in words.split(","):
        _FEELING_WORDS[word.strip()] = name


_feel(
    "sad",
    "sad,unhappy,upset,miserable,depressed,heartbroken,gloomy,crying,devastated,gutted,"
    "grieving,down in the dumps,blue,like crying,hopeless,sad today,empty inside,broken hearted,"
    "down,low,rubbish,awful,terrible,horrible",
)
_feel(
    "lonely",
    "lonely,alone,isolated,lonesome,left out,friendless,like nobody cares,like no one cares,"
    "invisible",
)
_feel(
    "anxious",
    "anxious,nervous,worried,scared,afraid,frightened,panicking,panicky,uneasy,on edge,"
    "terrified,freaking out,anxiety,worried sick,jittery,tense",
)
_feel(
    "stressed",
    "stressed,stressed out,overwhelmed,swamped,burnt out,burned out,under pressure,frazzled,"
    "overworked,snowed under",
)
_feel(
    "angry",
    "angry,mad,furious,annoyed,irritated,frustrated,cross,livid,fuming,fed up,grumpy,raging,"
    "so done",
)
_feel("bored", "bored,bored stiff,bored out of my mind")
_feel("tired", "tired,exhausted,sleepy,drained,worn out,knackered,shattered,fatigued,wiped out")
_feel(
    "happy",
    "happy,glad,cheerful,joyful,delighted,chuffed,over the moon,on top of the world,ecstatic,"
    "in a good mood,blessed,grateful,thankful",
)
_feel("excited", "excited,pumped,thrilled,hyped,stoked,so excited,buzzing")
_feel("proud", "proud,proud of myself,accomplished")
_feel("calm", "calm,relaxed,peaceful,chill,chilled,at peace,content")
_NEGATIVE_FEELINGS = frozenset({"sad", "lonely", "anxious", "stressed", "angry", "bored", "tired"})
_FEELING_RE = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(_FEELING_WORDS, key=len, reverse=True)) + r")\b"
)
_ADVERBS = (
    r"(?:(?:so|very|really|super|kind of|sort of|a bit|a little|a little bit|quite|pretty|"
    r"extremely|totally|just|too|rather|incredibly|honestly|feeling|getting|being|always|"
    r"still|also|actually|lately|today|now|bit|little|kinda|somewhat|a lot|mega|truly|seriously"
    r"|literally|all|completely|absolutely|bloody|proper|real|this|tonight|right now) )*"
)
_FEELING_LEAD = re.compile(
    r"\b(?:i am|i feel|i have been|i have been feeling|i was|i get|i got|makes me|made me|"
    r"making me|i am getting|i keep feeling|feeling|i feel like|i just feel|i kind of feel|"
    r"i am starting to feel|i have felt|i felt)\s+(not\s+|never\s+)?" + _ADVERBS + r"$"
)
_BARE_FEELING = re.compile(
    r"^(?:(?:so|very|really|super|feeling|a bit|kind of|just|too|pretty|quite|not|getting|"
    r"always|still|totally) )*(?P<word>[a-z ]+?)(?: (?:today|right now|lately|tonight|again|"
    r"rn|atm|at the moment|this week|these days|out))*$"
)
# Words that are feelings only sometimes: "down" (but "down to", "down for"), "rubbish at".
_AMBIGUOUS_FEELINGS = frozenset({"down", "low", "rubbish", "awful", "terrible", "horrible"})
# Alone, these are more often something else ("blue" answers "favourite colour?").
_NOT_BARE = frozenset({"blue", "down", "low", "invisible", "content", "cross", "mad"})
_NOT_FOR_FEELING = re.compile(r"^\s*(?:at|with|to|of doing|for|on|here)\b")
_MOOD_WORDS: dict[str, str] = {
    "good": "good", "great": "good", "fantastic": "good", "wonderful": "good", "amazing": "good",
    "awesome": "good", "brilliant": "good", "excellent": "good", "superb": "good",
    "fine": "okay", "okay": "okay", "all right": "okay", "alright": "okay", "meh": "okay",
    "so so": "okay", "not bad": "okay", "decent": "okay", "average": "okay", "well": "good",
    "bad": "bad", "terrible": "bad", "awful": "bad", "rubbish": "bad", "horrible": "bad",
    "not good": "bad", "not great": "bad", "not so good": "bad", "not well": "bad",
    "crap": "bad", "not okay": "bad", "not fine": "bad", "low": "bad", "down": "bad",
    "rough": "bad", "not too good": "bad", "could be better": "okay", "been better": "okay",
    "i have been better": "okay", "pretty good": "good", "really good": "good",
    "very good": "good", "doing good": "good", "doing well": "good", "doing great": "good",
}  # fmt: skip
_MOOD_RE = re.compile(
    r"^(?:i am |i am doing |i feel |doing |feeling |it is |it has been |been |all |"
    r"i have been |pretty |really |very |quite |so |not too |honestly )*(?P<mood>"
    + "|".join(re.escape(w) for w in sorted(_MOOD_WORDS, key=len, reverse=True))
    + r")(?: (?:thanks|thank you|thanks for asking|ty|today|really|actually|and you|you|"
    r"how are you|how about you|what about you|and yourself|hbu|wbu|mostly|i guess|i think|"
    r"overall|so far|though|day|today thanks))*$"
)


@dataclass(frozen=True, slots=True)
class Feeling:
    """A feeling the user expressed; ``negated`` for "not happy" / "not stressed any more"."""

    name: str
    negated: bool = False

    @property
    def lines_key(self) -> str:
        """The key of offline_lines.FEELINGS to answer with."""
        if not self.negated:
            return self.name
        return "not_negative" if self.name in _NEGATIVE_FEELINGS else "not_positive"

    @property
    def negative(self) -> bool:
        """True for feelings that call for comfort rather than celebration."""
        return (self.name in _NEGATIVE_FEELINGS) != self.negated


def _squeeze(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


_SQUEEZED = {_squeeze(w): w for w in _FEELING_WORDS}


def detect_feeling(text: str) -> Feeling | None:
    """A feeling the user says they have ("i feel lonely today", "so stressed", "not happy").

    Only first-person statements count: "do you ever feel lonely" is about the bot.
    """
    # Stretched words ("lonelyyy", which normalise leaves as "lonelyy") count as the word.
    text = " ".join(
        w if w in _FEELING_WORDS else _SQUEEZED.get(_squeeze(w), w) for w in text.split()
    )
    if re.search(r"\b(?:you|your|he|she|they|my \w+ (?:is|was|feels))\b", text) and not (
        re.search(r"\b(?:i|i am|me)\b", text)
    ):
        return None
    for match in _FEELING_RE.finditer(text):
        before = text[: match.start()]
        after = text[match.end() :]
        if match.group(1) in _AMBIGUOUS_FEELINGS and _NOT_FOR_FEELING.match(after):
            continue
        lead = _FEELING_LEAD.search(before)
        if lead:
            negated = bool(lead.group(1)) or bool(re.search(r"\bnot (?:\w+ )?$", before))
            return Feeling(_FEELING_WORDS[match.group(1)], negated=negated)
    bare = _BARE_FEELING.match(text)
    if bare:
        word = bare.group("word")
        key = word if word in _FEELING_WORDS else _SQUEEZED.get(_squeeze(word))
        if key is not None and key not in _NOT_BARE:
            return Feeling(_FEELING_WORDS[key], negated=text.startswith("not "))
    return None


def detect_mood(text: str) -> str | None:
    """ "good" / "okay" / "bad" for a short answer to "how are you?" ("not bad, you?")."""
    match = _MOOD_RE.match(text)
    if not match:
        return None
    return _MOOD_WORDS[match.group("mood")]


def asks_back(text: str) -> bool:
    """True when a mood answer also asks the bot ("good, you?", "fine, how about you")."""
    return bool(
        re.search(
            r"\b(?:and you|you|how are you|how about you|what about you|and yourself|hbu|wbu)$",
            text,
        )
    )


# --- the user sharing something about themselves -----------------------------------------------

_HEALTH = (
    "headache|cold|flu|fever|cough|sore throat|stomach ache|tummy ache|toothache|migraine|covid|"
    "infection|injury|broken arm|broken leg|sprained ankle|earache|back ache|backache|rash|"
    "chest infection|ear infection|virus|bug"
)
_UNWELL = re.compile(
    rf"^i (?:have|have got|got|caught|am getting) (?:a |an |the |this )?(?:bad |horrible |"
    rf"terrible |awful |really bad |nasty |little )?(?:{_HEALTH})\b"
    r"|^i am (?:so |really |feeling |a bit |very )*(?:sick|ill|unwell|poorly|not feeling well|"
    r"feeling sick|under the weather)\b"
    r"|^i (?:do not|dont) feel (?:very |so )?well\b"
)
_PETS = (
    "puppy|dog|kitten|cat|hamster|rabbit|bunny|goldfish|fish|parrot|budgie|guinea pig|tortoise|"
    "turtle|lizard|gecko|snake|horse|pony|ferret|chicken|chickens|duck|gerbil|rat|mouse|axolotl|"
    "bearded dragon|hedgehog"
)
_FAMILY = (
    "mum|dad|mother|father|parents|sister|brother|grandma|grandpa|granny|grandad|grandmother|"
    "grandfather|nan|nana|aunt|auntie|uncle|cousin|son|daughter|wife|husband|partner|friend|"
    "best friend|teacher|boss|neighbour|baby|baby brother|baby sister|family|kids|children|"
    "girlfriend|boyfriend|little brother|little sister|big brother|big sister|twin|stepdad|"
    "stepmum|roommate|flatmate|classmate|coworker|colleague"
)
_POSITIVE = frozenset(
    """new first promotion prize award medal trophy certificate tickets ticket gift present
    puppy kitten job bike car house flat apartment console laptop computer phone guitar piano
    game games scholarship place raise win won passed engaged married pregnant baby holiday
    offer dream best great amazing good""".split()
)
_NEGATIVE = frozenset(
    """bad low fail failed failing detention fine ticket cold flu injury sick ill worse terrible
    awful headache dumped fired rejected lost lose losing broke broken forgot missed crashed
    late dropped grounded stuck hurt died dead passed away sad scary cancelled ruined""".split()
)
_GRIEF = re.compile(r"\b(?:died|passed away|passed|is dead|has died|lost my|put down|funeral)\b")
_CARE = re.compile(
    r"\b(?:sick|ill|unwell|in hospital|in the hospital|hurt|injured|sad|upset|crying|worried|"
    r"stressed|not well|poorly|having surgery|having an operation|lonely|scared)\b"
)
_NAMED = re.compile(
    r"\b(?:is called|is named|name is|names are|are called|called|named) "
    r"(?P<name>[a-z][a-z' -]{0,30})$"
)
_PAST_IRREGULAR = frozenset(
    """went saw made got had did ate ran won lost met found took gave bought brought built wrote
    read drew sang swam slept woke left came told felt heard thought spent caught fell broke
    forgot baked cooked watched played visited tried finished started learned learnt passed
    painted cleaned fixed""".split()
)
_NOT_JOBS = frozenset(
    """bit little lot fan big huge bot robot human person real girl boy man woman kid child
    teenager teen adult grown up """.split()
)


@dataclass(frozen=True, slots=True)
class Share:
    """Something the user told about themselves: its kind and the phrase to echo (if any)."""

    kind: str
    phrase: str = ""
    extra: str = ""


def detect_share(text: str) -> Share | None:
    """Recognise the user sharing something about themselves (canonical text).

    Kinds: unwell, birthday, grief, care (someone close is unwell), named (a pet or person's
    name), family, identity, age, from, achieved, negative, positive, got_pet, got_new, likes,
    dislikes, plans, doing, did.
    """
    if _UNWELL.search(text):
        return Share("unwell")
    if re.search(
        r"\b(?:it is|today is|tomorrow is) my birthday\b"
        r"|^my birthday (?:is )?(?:today|tomorrow)\b|^it is my birthday",
        text,
    ):
        return Share("birthday")
    family = re.match(rf"^my (?P<who>{_FAMILY}|{_PETS}|pet)\b(?P<rest>.*)$", text)
    if family:
        who, rest = family.group("who"), family.group("rest")
        if _GRIEF.search(rest):
            return Share("grief", who)
        if _CARE.search(rest):
            return Share("care", who)
        named = _NAMED.search(rest)
        if named:
            return Share("named", who, named.group("name").strip())
        return Share("family", who, rest.strip())
    their = re.match(
        r"^(?:their|his|her|its|the) names? (?:is|are|will be) (?P<x>[a-z][a-z ]{0,40})$"
        r"|^(?:he|she|it|they) (?:is|are) (?:called|named) (?P<y>[a-z][a-z ]{0,40})$"
        r"|^(?:i|we) (?:called|named|will call|am going to call|are going to call) "
        r"(?:him|her|it|them) (?P<z>[a-z][a-z ]{0,40})$",
        text,
    )
    if their:
        return Share("named_it", their.group("x") or their.group("y") or their.group("z"))
    choice = re.match(
        r"^(?:i would |i will |i |probably |definitely |hmm |umm |i think i would )?(?:pick|"
        r"choose|go with|go for|take|prefer|say|vote for|vote) (?P<x>[a-z][a-z ]{0,40})$",
        text,
    )
    if choice:
        return Share("choice", choice.group("x"))
    if re.match(r"^i (?:just )?lost my (?:\w+ ){0,2}(?:" + _FAMILY + "|" + _PETS + r")\b", text):
        return Share("grief", text.split()[-1])
    age = re.match(r"^i am (\d{1,3})(?: years old| year old| yrs old| now| today)?$", text)
    if age:
        return Share("age", age.group(1))
    origin = re.match(r"^i am (?:from|originally from) (?P<x>[a-z ]{2,40})$", text)
    if origin:
        return Share("from", origin.group("x"))
    identity = re.match(
        r"^(?:i am|i work as|i am working as|my job is|i have been|i am training to be|"
        r"i want to be|i am studying to be) (?P<article>an?|the) (?P<x>[a-z ]{2,40})$",
        text,
    )
    if identity:
        phrase = identity.group("x").strip()
        first = phrase.split()[0]
        if first in ("fan", "big", "huge") and " of " in f" {phrase} ":
            return Share("likes", phrase.split(" of ", 1)[1])
        if first in _NOT_JOBS:
            return Share("identity_plain", phrase)
        return Share("identity", f"{identity.group('article')} {phrase}")
    likes = re.match(
        r"^i (?:really |absolutely |totally |just |also |kind of |do )?(?:love|like|enjoy|adore|"
        r"am into|am obsessed with|am a (?:big |huge )?fan of) (?P<x>.+)$",
        text,
    )
    if likes:
        return Share("likes", likes.group("x"))
    dislikes = re.match(
        r"^i (?:really |just |kind of |absolutely )?(?:hate|dislike|cannot stand|can not stand|"
        r"do not like|am not a fan of|detest|do not really like) (?P<x>.+)$",
        text,
    )
    if dislikes:
        return Share("dislikes", dislikes.group("x"))
    plans = re.match(
        r"^(?:tomorrow |tonight |this weekend |next week |later |soon )?i am (?:going to|about "
        r"to|planning to|planning on|off to|heading to|hoping to|thinking of|thinking about|"
        r"going on|going)\b(?P<x>.*)$",
        text,
    )
    if plans:
        return Share("plans", plans.group("x").strip())
    doing = re.match(
        r"^i am (?:currently |just |now |still )?(?P<x>(?:learning|studying|reading|watching|"
        r"playing|making|building|working on|writing|cooking|baking|drawing|painting|"
        r"practising|practicing|knitting|listening to|eating|drinking|training for|saving for|"
        r"doing) .+)$",
        text,
    )
    if doing:
        return Share("doing", doing.group("x"))
    got = re.match(
        r"^i (?:just |finally |recently |have just |have finally |have )?(?:got|adopted|bought|"
        r"received|have got|rescued|was given|got given)(?: myself| us)? (?P<x>.+)$",
        text,
    )
    have_pet = re.match(
        rf"^i (?:have|have got|own) (?:an? |two |three |some )?(?:{_PETS})s?\b", text
    )
    if got or have_pet:
        phrase = got.group("x") if got else text.split(" ", 2)[-1]
        words = set(phrase.split())
        if words & _NEGATIVE:
            return Share("negative", phrase)
        if re.search(rf"\b(?:{_PETS})s?\b", phrase):
            return Share("got_pet", phrase)
        if words & _POSITIVE:
            return Share("got_new", phrase)
        return Share("did", phrase)
    verb = re.match(r"^i (?:just |finally |also |recently )?(?P<verb>[a-z]+)\b(?P<rest>.*)$", text)
    if verb:
        word = verb.group("verb")
        words = set(text.split())
        if word in ("passed", "won", "finished", "completed", "aced", "graduated", "achieved"):
            if words & {"failed", "not", "never"}:
                return Share("negative", text)
            return Share("achieved", text)
        if word in _PAST_IRREGULAR or (word.endswith("ed") and len(word) > 4):
            if words & _NEGATIVE:
                return Share("negative", text)
            if words & {
                "great",
                "amazing",
                "good",
                "fun",
                "lovely",
                "brilliant",
                "best",
                "awesome",
            }:
                return Share("positive", text)
            return Share("did", text)
    return None


# --- names -------------------------------------------------------------------------------------

_NAME_INTRO = re.compile(
    r"(?:^|\b)(?:my name is|my name s|i am called|call me|people call me|you can call me|"
    r"the name is|name is|my names)\s+(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)",
    re.IGNORECASE,
)
_IM_NAME = re.compile(
    r"^(?i:(?:hi|hello|hey)?[,! ]*(?:i'm|i am|im|i\u2019m|this is))\s+"
    r"(?P<name>[A-Z][A-Za-z'-]+)[.!]?$"
)
_NOT_NAMES = frozenset(
    """back here fine good ok okay home done ready sorry bored tired new lost hungry sure so not
    just also still happy sad great well here alright going sick ill busy free off out in up
    down late early cold hot fine later maybe tomorrow anything whatever crazy when if a an the
    please now soon english british american canadian australian irish scottish welsh french
    german spanish italian dutch indian chinese japanese korean mexican brazilian polish
    russian swedish norwegian danish finnish greek turkish egyptian nigerian kenyan filipino
    vietnamese thai portuguese swiss belgian austrian christian muslim jewish hindu buddhist
    catholic vegan vegetarian human bot robot real""".split()
)


def name_given(raw: str) -> str | None:
    """The name in "my name is Priya" / "call me Sam" / "I'm Priya" (raw text), or None."""
    match = _NAME_INTRO.search(raw)
    candidate = None
    if match:
        candidate = match.group("name")
        words = candidate.split()
        # "my name is sam and i like cats": keep only the first word unless both look like names
        if len(words) == 2 and not words[1][:1].isupper():
            candidate = words[0]
    else:
        plain = _IM_NAME.match(raw.strip())
        if plain:
            candidate = plain.group("name")
    if candidate is None or candidate.lower() in _NOT_NAMES or candidate.lower() in _FEELING_WORDS:
        return None
    return candidate


# --- opinions and choices ----------------------------------------------------------------------

_OPINION = re.compile(
    r"^(?:what do you think (?:of|about)|what are your thoughts (?:on|about)|what is your "
    r"(?:opinion|take|view) (?:on|of|about)|how do you feel about|your thoughts on|thoughts on|"
    r"do you (?:like|love|enjoy|hate|prefer|dislike)|are you (?:a fan of|into)|"
    r"what do you reckon (?:about|to)|do you have an opinion on) (?P<x>.+)$"
)
_FAVOURITE = re.compile(
    r"^(?:what is|what are|which is|who is|what s|whats) your (?:favourite|favourites|most "
    r"favourite|least favourite|best) (?P<x>.+)$"
    r"|^(?:favourite|your favourite) (?P<y>.+)$"
    r"|^do you have (?:a|any) favourite (?P<z>.+)$"
)
_EITHER_OR = re.compile(
    r"^(?:which is better |which do you prefer |do you prefer |would you pick |which one |"
    r"which |pick one |choose )?(?P<a>[a-z]+(?: [a-z]+){0,2}) or (?P<b>[a-z]+(?: [a-z]+){0,2})$"
)
_WYR = re.compile(r"\bwould you rather (?P<a>.+?) or (?P<b>.+?)$")


@dataclass(frozen=True, slots=True)
class Opinion:
    """A request for the bot's view: ``kind`` is opinion, favourite or either_or."""

    kind: str
    subject: str
    other: str = ""


def detect_opinion(text: str) -> Opinion | None:
    """ "what do you think of X", "do you like X", "favourite X", "tea or coffee"."""
    text = re.sub(r"\b(?:please|though|then|honestly)$", "", text).strip()
    match = _OPINION.match(text)
    if match:
        return Opinion("opinion", match.group("x"))
    match = _FAVOURITE.match(text)
    if match:
        return Opinion("favourite", match.group("x") or match.group("y") or match.group("z"))
    match = _EITHER_OR.match(text)
    if match and match.group("a") != match.group("b"):
        return Opinion("either_or", match.group("a"), match.group("b"))
    return None


def wyr_options(text: str) -> tuple[str, str] | None:
    """The two options of "would you rather A or B", or None when none are given."""
    match = _WYR.search(text)
    if not match:
        return None
    a = re.sub(r"^(?:be able to |)", "", match.group("a")).strip()
    b = match.group("b").strip()
    b = re.sub(r"\b(?:why|and why|explain)$", "", b).strip()
    if not a or not b or len(a.split()) > 10 or len(b.split()) > 10:
        return None
    return match.group("a").strip(), b


# --- questions ---------------------------------------------------------------------------------

_QUESTION_START = re.compile(
    r"^(?:what|who|whom|whose|where|when|why|how|which|is|are|was|were|does|do|did|can|could|"
    r"will|would|should|has|have|had|may|might|tell me|explain|define|describe|name|list|"
    r"give me|i wonder|do you know|any idea)\b"
)
_LIVE = re.compile(
    r"\b(?:news|headlines|stock|stocks|share price|price of|prices|exchange rate|score|scores|"
    r"who is winning|forecast|election|latest|right now|currently|this week|tonight|"
    r"today|yesterday|last night|this year|live|trending|open now|traffic)\b"
)
_PERSONAL = re.compile(r"\b(?:you|your|yours|yourself)\b")


def is_question(raw: str, text: str) -> bool:
    """A question, by its punctuation or its first word."""
    return raw.rstrip().endswith("?") or bool(_QUESTION_START.match(text))


def is_personal(text: str) -> bool:
    """Mentions the bot ("you", "your"), so it is not a question about the world."""
    return bool(_PERSONAL.search(text))


def needs_live_info(text: str) -> bool:
    """Asks about something that changes (news, prices, scores, today's anything)."""
    return bool(_LIVE.search(text))
