"""Input language for the offline brain: spotting lines not in English, and repairing typos.

The offline brain only has English lines, so a message clearly in another language gets a
gentle note instead of a confused answer. Typo repair is deliberately narrow: only the few words
that commands hinge on ("jok", "qiuz") are fixed, and never a word the corpus knows.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.brain.offline_text import corpus_vocabulary

# --- other languages ---------------------------------------------------------------------------

_STOP: dict[str, frozenset[str]] = {
    "Spanish": frozenset(
        """el la los las una es que y por para con como estás esta está qué cómo hola gracias
        bien muy pero yo tú mi soy eres tengo hablas habla dónde donde cuándo quién porque
        también nosotros ustedes del al lo le se su sus hay buenos buenas días tardes noches
        estoy quiero puedes""".split()
    ),
    "French": frozenset(
        """le la les une est et je tu il elle nous vous c'est ça ca suis très bien merci
        comment pourquoi quoi qui avec pour pas mais mon ma tes des du au aux parle parles oui
        non bonjour salut bonsoir j'ai je suis es-tu sont ai avez êtes qu'est-ce""".split()
    ),
    "German": frozenset(
        """der das ein eine ist und ich du er sie wir ihr nicht mit für wie warum wer bist sehr
        danke auch aber mein dein sprichst sprechen hallo ja nein guten morgen tag abend geht
        es dir mir heute bitte kannst""".split()
    ),
    "Italian": frozenset(
        """il lo gli è io lui lei noi voi non cosa perché chi sono sei molto bene grazie anche
        mio mia parli ciao sì della delle sto stai buongiorno buonasera""".split()
    ),
    "Portuguese": frozenset(
        """os um uma é eu você ele ela nós não com para como que porque quem sou está estou
        muito bem obrigado obrigada também mas meu minha fala olá sim tudo bom dia""".split()
    ),
    "Dutch": frozenset(
        """het een en ik jij je hij zij wij niet voor hoe wat waarom wie ben bent heel goed
        dank bedankt ook maar mijn jouw spreek hallo nee dag alles""".split()
    ),
}
_ENGLISH = frozenset(
    """the and is are you i to of it what my me that this do how with for have not was be can a
    an your in on at so but just like hi hello yes no okay please thanks""".split()
)
_SCRIPTS = {
    "GREEK": "Greek",
    "HANGUL": "Korean",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "THAI": "Thai",
    "HEBREW": "Hebrew",
    "CYRILLIC": "",
    "ARABIC": "",
    "CJK": "",
    "DEVANAGARI": "",
}
LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "el": "Greek", "ko": "Korean", "ja": "Japanese",
    "th": "Thai", "he": "Hebrew", "ru": "Russian", "uk": "Ukrainian", "ar": "Arabic",
    "zh": "Chinese", "hi": "Hindi", "pl": "Polish", "sv": "Swedish", "tr": "Turkish",
}  # fmt: skip


def language_name(code: str) -> str:
    """A language's English name from its code ("en-GB" -> "English"); the code if unknown."""
    return LANGUAGE_NAMES.get(code.split("-")[0].lower(), code)


def detect_language(raw: str) -> str | None:
    """The language of a line that is clearly not English: a name ("Spanish"), "" for a script
    it cannot name, or None for English (or too short to tell)."""
    letters = [ch for ch in raw if ch.isalpha()]
    if not letters:
        return None
    foreign = [ch for ch in letters if ord(ch) > 0x24F]
    if len(foreign) >= 2 and len(foreign) >= 0.5 * len(letters):
        counts: dict[str, int] = {}
        for ch in foreign:
            script = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
            counts[script] = counts.get(script, 0) + 1
        script = max(counts, key=lambda s: counts[s])
        return _SCRIPTS.get(script, "")
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", raw.lower())
    if len(words) < 2:
        return None
    english = sum(1 for w in words if w in _ENGLISH)
    best, hits = None, 0
    for language, stopwords in _STOP.items():
        count = sum(1 for w in words if w in stopwords)
        if count > hits:
            best, hits = language, count
    if best and hits >= 2 and hits >= 0.4 * len(words) and english * 2 <= hits:
        return best
    return None


# --- typo repair -------------------------------------------------------------------------------

_TYPO_MAP = {
    "jok": "joke", "joek": "joke", "jokke": "joke", "joks": "jokes", "jokee": "joke",
    "qiuz": "quiz", "quizz": "quiz", "quize": "quiz", "qz": "quiz", "triva": "trivia",
    "trivai": "trivia", "trivea": "trivia", "stroy": "story", "sotry": "story",
    "storie": "story", "storys": "stories", "stori": "story", "helo": "hello",
    "hlelo": "hello", "thnks": "thanks", "thnx": "thanks", "thanx": "thanks", "thks": "thanks",
    "gudbye": "goodbye", "lonley": "lonely", "lonly": "lonely", "anxous": "anxious",
    "stresed": "stressed", "tierd": "tired", "tird": "tired", "hapy": "happy",
    "exited": "excited", "wether": "weather", "tel": "tell", "riddel": "riddle",
    "favourit": "favourite", "plz": "please", "knok": "knock", "nock": "knock",
}  # fmt: skip
_COMMAND_WORDS = (
    "joke", "jokes", "story", "stories", "quiz", "trivia", "riddle", "riddles", "hello",
    "thanks", "goodbye", "knock", "lonely", "anxious", "stressed", "bored", "excited",
    "worried", "nervous", "tired", "adventure", "rather", "favourite", "question", "yourself",
    "weather", "happy", "angry", "tell", "please",
)  # fmt: skip


def fix_typos(text: str) -> str:
    """Repair likely typos of the few words commands hinge on ("tell me a jok", "qiuz me").

    Words the small-talk corpus knows are never changed, so "storm" stays "storm".
    """
    known = corpus_vocabulary()
    out: list[str] = []
    changed = False
    for word in text.split():
        fixed = word
        if word in _TYPO_MAP:
            fixed = _TYPO_MAP[word]
        elif len(word) >= 5 and word.isalpha() and word not in known:
            found = process.extractOne(
                word, _COMMAND_WORDS, scorer=OSA.distance, score_cutoff=1 if len(word) < 8 else 2
            )
            if found is not None:
                fixed = found[0]
        changed = changed or fixed != word
        out.append(fixed)
    return " ".join(out) if changed else text
