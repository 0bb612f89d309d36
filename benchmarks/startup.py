"""Start-up time and idle memory of `hearth run` against the local emulator.

Measured from the outside, as an operator would see it: a real `python -m bot run` process
is spawned against the emulator (in this process), and we record
- seconds from spawning the process to the bot logging "ready",
- seconds from spawning to the first answer to a DM (ready *to be useful*),
- the process's resident memory (VmRSS) after two idle seconds.
The same figures for a bare discord.py client (no services, no cogs) are measured in the
same run as the baseline, so Hearth's own overhead is visible.

    python benchmarks/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.emulator.server import EmulatorServer

BARE_CLIENT = """
import discord, os, sys, yarl
discord.http.Route.BASE = os.environ["API"]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["GW"])
intents = discord.Intents.default(); intents.message_content = True
client = discord.Client(intents=intents, guild_ready_timeout=0.5)
@client.event
async def on_ready():
    print("ready as", client.user, file=sys.stderr, flush=True)
@client.event
async def on_message(message):
    if message.author != client.user:
        await message.channel.send("hi", allowed_mentions=discord.AllowedMentions.none())
client.run(os.environ["TOKEN"], log_handler=None)
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def one_run(kind: str) -> tuple[float, float, float]:
    emu = EmulatorServer()
    await emu.start()
    owner = emu.create_user("Owner")
    emu.create_guild("Bench", owner)
    workdir = tempfile.mkdtemp(prefix="hearth-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    if kind == "hearth":
        argv = [sys.executable, "-m", "bot", "run"]
        env.update(
            HEARTH_DISCORD_TOKEN=emu.token,
            HEARTH_DISCORD_API_URL=emu.api_url,
            HEARTH_DISCORD_GATEWAY_URL=emu.gateway_url,
            HEARTH_LOG_LEVEL="INFO",
        )
    else:
        argv = [sys.executable, "-c", BARE_CLIENT]
        env.update(TOKEN=emu.token, API=emu.api_url, GW=emu.gateway_url)
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *argv,
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    ready_at = answered_at = float("nan")
    try:
        while True:
            line = await asyncio.wait_for(process.stderr.readline(), 30)
            if not line:
                raise RuntimeError(f"{kind} exited before it was ready")
            if b"ready as" in line:
                ready_at = time.perf_counter() - started
                break
        dm = emu.dm_channel(owner)
        await emu.user_message(owner, dm, "hello")
        while not any(m.author.id == emu.state.bot.id for m in emu.state.channel_history(dm.id)):
            await emu.wait_changed(emu.version, timeout=0.05)
        answered_at = time.perf_counter() - started
        await asyncio.sleep(2.0)
        memory = rss_mb(process.pid)
    finally:
        process.terminate()
        await process.wait()
        await emu.stop()
    return ready_at, answered_at, memory


async def main(runs: int) -> None:
    results: dict[str, list[tuple[float, float, float]]] = {"hearth": [], "bare discord.py": []}
    for _ in range(runs):
        for kind in results:
            results[kind].append(await one_run("hearth" if kind == "hearth" else "bare"))
    print(f"start-up against the emulator, {runs} runs each (median [min-max])")
    print(f"{'client':<18}{'ready (s)':>22}{'first answer (s)':>24}{'idle RSS (MB)':>22}")
    for kind, rows in results.items():
        cols = []
        for index in range(3):
            values = [r[index] for r in rows]
            cols.append(f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]")
        print(f"{kind:<18}{cols[0]:>22}{cols[1]:>24}{cols[2]:>22}")
    print("targets: ready < 2 s, idle RSS < 120 MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
