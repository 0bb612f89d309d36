"""Shared fixtures: clean settings, and a whole local Discord with the real bot running."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.emulator.harness import Person
from bot.emulator.world import LocalWorld
from bot.settings import Settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No HEARTH_* variable or .env file of the machine leaks into a test."""
    for name in list(os.environ):
        if name.startswith("HEARTH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with the database in the test's temp dir."""
    return Settings(database_path=tmp_path / "hearth.db", _env_file=None)


@pytest.fixture
async def world(settings: Settings) -> AsyncIterator[LocalWorld]:
    """The emulator with a guild (#general, #games) and HearthBot logged in and ready."""
    local = await LocalWorld.create(settings, guild_name="Test Server")
    try:
        await local.start_bot()
        yield local
    finally:
        await local.close()


@pytest.fixture
async def alice(world: LocalWorld) -> Person:
    return await world.person("Alice")


@pytest.fixture
async def bob(world: LocalWorld) -> Person:
    return await world.person("Bob")
