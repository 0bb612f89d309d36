"""Every joke, adventure text and story template Hearth ships passes its own output filter."""

from __future__ import annotations

import random

import pytest

from bot.content.adventures import load_adventures
from bot.content.jokes import as_plain, load_joke_bank
from bot.content.stories import GENRE_IDS, LENGTHS, StoryParts, generate_story
from bot.content.story_grammar import grammars
from bot.content.story_text import render

filter_module = pytest.importorskip(
    "bot.moderation.filter", reason="the moderation filter (bot.moderation.filter) is not here yet"
)
if not hasattr(getattr(filter_module, "ModerationFilter", None), "check_output"):
    pytest.skip(
        "bot.moderation.filter has no ModerationFilter.check_output yet", allow_module_level=True
    )


@pytest.fixture(scope="module")
def moderation():  # type: ignore[no-untyped-def]
    return filter_module.ModerationFilter()


def blocked(moderation, texts: dict[str, str]) -> list[str]:  # type: ignore[no-untyped-def]
    problems = []
    for where, text in texts.items():
        verdict = moderation.check_output(text)
        if not verdict.allowed:
            problems.append(f"{where}: {verdict.category} ({verdict.masked_excerpt()})")
    return problems


def test_every_shipped_joke_passes(moderation) -> None:  # type: ignore[no-untyped-def]
    texts = {joke.id: as_plain(joke) for joke in load_joke_bank()}
    assert len(texts) >= 400
    assert blocked(moderation, texts) == []


def test_every_adventure_scene_choice_and_ending_passes(moderation) -> None:  # type: ignore[no-untyped-def]
    texts: dict[str, str] = {}
    for adventure in load_adventures().values():
        texts[f"{adventure.id} title"] = f"{adventure.title}\n{adventure.description}"
        for scene in adventure.scenes.values():
            texts[f"{adventure.id}/{scene.id}"] = scene.text
            for choice in scene.choices:
                texts[f"{adventure.id}/{scene.id}/{choice.label}"] = choice.label
            if scene.ending is not None:
                texts[f"{adventure.id}/{scene.id} ending"] = scene.ending.title
    assert len(texts) > 100
    assert blocked(moderation, texts) == []


def test_every_story_template_and_sample_stories_pass(moderation) -> None:  # type: ignore[no-untyped-def]
    texts: dict[str, str] = {}
    _, _, genres = grammars()
    for genre_id, grammar in genres.items():
        # every paragraph template, filled for one cast (what story circles show)
        entities = StoryParts(genre_id, f"filter:{genre_id}").entities
        for beat, templates in grammar.beats.model_dump().items():
            for index, template in enumerate(templates):
                texts[f"{genre_id} {beat}[{index}]"] = render(template, entities)
        for index, template in enumerate(grammar.titles):
            texts[f"{genre_id} title[{index}]"] = render(template, entities)
    rng = random.Random(6)
    prompts = [None, "Mina and her robot Bolt", "a dragon who loves pancakes in a castle"]
    for genre in GENRE_IDS:
        for length in LENGTHS:
            for n, prompt in enumerate(prompts):
                story = generate_story(genre, prompt, length, rng)
                texts[f"sample {genre}/{length}/{n}"] = f"{story.title}\n{story.text}"
    assert blocked(moderation, texts) == []
