-- Jokes, stories and adventures (issue 6): joke history and votes, the per-guild joke
-- setting, saved stories, story circles in progress, and adventure runs with party votes.
-- guild_id 0 stands for direct messages (there is no guild), so that one primary key
-- serves both.

-- Which jokes each user has heard in the current cycle of each category. A user's row for
-- a joke is deleted when the cycle of its category (or of the whole bank) starts over.
CREATE TABLE joke_history (
    user_id  INTEGER NOT NULL,
    joke_id  TEXT NOT NULL
        CONSTRAINT "joke id must be 1 to 40 characters"
        CHECK (length(joke_id) BETWEEN 1 AND 40),
    category TEXT NOT NULL
        CONSTRAINT "joke category must be 1 to 40 characters"
        CHECK (length(category) BETWEEN 1 AND 40),
    seen_at  REAL NOT NULL,
    PRIMARY KEY (user_id, joke_id)
) WITHOUT ROWID;
CREATE INDEX joke_history_by_category ON joke_history (user_id, category);

-- One vote per user per joke per guild: a later vote replaces the earlier one.
CREATE TABLE joke_votes (
    guild_id INTEGER NOT NULL,
    joke_id  TEXT NOT NULL
        CONSTRAINT "voted joke id must be 1 to 40 characters"
        CHECK (length(joke_id) BETWEEN 1 AND 40),
    user_id  INTEGER NOT NULL,
    vote     INTEGER NOT NULL
        CONSTRAINT "joke vote must be 1 (up) or -1 (down)"
        CHECK (vote IN (-1, 1)),
    voted_at REAL NOT NULL,
    PRIMARY KEY (guild_id, joke_id, user_id)
) WITHOUT ROWID;

-- Per-guild joke settings; no row means the defaults (all-ages jokes only).
CREATE TABLE joke_settings (
    guild_id   INTEGER PRIMARY KEY,
    allow_teen INTEGER NOT NULL DEFAULT 0
        CONSTRAINT "allow_teen must be 0 or 1"
        CHECK (allow_teen IN (0, 1)),
    updated_at REAL NOT NULL
);

-- Saved stories: told by Hearth (/story tell) or written together (/story circle).
CREATE TABLE stories (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    author_id   INTEGER NOT NULL,
    author_name TEXT NOT NULL,
    kind        TEXT NOT NULL
        CONSTRAINT "story kind must be 'told' or 'circle'"
        CHECK (kind IN ('told', 'circle')),
    genre       TEXT NOT NULL
        CONSTRAINT "story genre must be 1 to 40 characters"
        CHECK (length(genre) BETWEEN 1 AND 40),
    -- NULL for circle stories, which have no length band.
    story_length TEXT
        CONSTRAINT "story length must be 'short', 'medium' or 'long'"
        CHECK (story_length IS NULL OR story_length IN ('short', 'medium', 'long')),
    title       TEXT NOT NULL
        CONSTRAINT "story title must be 1 to 200 characters"
        CHECK (length(title) BETWEEN 1 AND 200),
    prompt      TEXT NOT NULL DEFAULT ''
        CONSTRAINT "story prompt must be at most 1000 characters"
        CHECK (length(prompt) <= 1000),
    body        TEXT NOT NULL
        CONSTRAINT "story text must be 1 to 30000 characters"
        CHECK (length(body) BETWEEN 1 AND 30000),
    -- The people who wrote a circle story, as "Name, Name" (the teller's name otherwise).
    credits     TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL
);
CREATE INDEX stories_by_guild ON stories (guild_id, id);

-- A story circle in progress: at most one per channel, until it is ended.
CREATE TABLE story_circles (
    channel_id   INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    starter_id   INTEGER NOT NULL,
    starter_name TEXT NOT NULL,
    genre        TEXT NOT NULL
        CONSTRAINT "circle genre must be 1 to 40 characters"
        CHECK (length(genre) BETWEEN 1 AND 40),
    title        TEXT NOT NULL
        CONSTRAINT "circle title must be 1 to 200 characters"
        CHECK (length(title) BETWEEN 1 AND 200),
    started_at   REAL NOT NULL
);

CREATE TABLE circle_lines (
    channel_id  INTEGER NOT NULL REFERENCES story_circles (channel_id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    -- 0 for the twists Hearth adds.
    author_id   INTEGER NOT NULL,
    author_name TEXT NOT NULL,
    text        TEXT NOT NULL
        CONSTRAINT "circle line must be 1 to 2000 characters"
        CHECK (length(text) BETWEEN 1 AND 2000),
    is_twist    INTEGER NOT NULL DEFAULT 0
        CONSTRAINT "is_twist must be 0 or 1"
        CHECK (is_twist IN (0, 1)),
    created_at  REAL NOT NULL,
    PRIMARY KEY (channel_id, seq)
) WITHOUT ROWID;

-- Adventure play-throughs. `state` is AdventureRun.to_json(); `step` counts the choices made
-- (it names the current vote, so a button of an earlier scene is recognised as stale).
CREATE TABLE adventure_runs (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    starter_id    INTEGER NOT NULL,
    starter_name  TEXT NOT NULL,
    adventure_id  TEXT NOT NULL
        CONSTRAINT "adventure id must be 1 to 64 characters"
        CHECK (length(adventure_id) BETWEEN 1 AND 64),
    mode          TEXT NOT NULL
        CONSTRAINT "adventure mode must be 'solo' or 'party'"
        CHECK (mode IN ('solo', 'party')),
    state         TEXT NOT NULL
        CONSTRAINT "adventure state must be JSON"
        CHECK (json_valid(state)),
    step          INTEGER NOT NULL DEFAULT 0
        CONSTRAINT "adventure step must not be negative"
        CHECK (step >= 0),
    status        TEXT NOT NULL DEFAULT 'active'
        CONSTRAINT "adventure status must be 'active', 'finished' or 'quit'"
        CHECK (status IN ('active', 'finished', 'quit')),
    -- The message that shows the current scene (older messages' buttons are refused).
    message_id    INTEGER,
    -- Party mode: when the current vote closes (NULL until the first vote is cast).
    vote_deadline REAL,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL
);
-- One live adventure per player per channel in solo mode, and one party per channel.
CREATE UNIQUE INDEX adventure_runs_live
    ON adventure_runs (channel_id, (CASE WHEN mode = 'party' THEN 0 ELSE starter_id END))
    WHERE status = 'active';
-- Open votes to resume after a restart.
CREATE INDEX adventure_runs_open_votes ON adventure_runs (vote_deadline)
    WHERE vote_deadline IS NOT NULL;

CREATE TABLE adventure_votes (
    run_id   INTEGER NOT NULL REFERENCES adventure_runs (id) ON DELETE CASCADE,
    step     INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    choice   INTEGER NOT NULL
        CONSTRAINT "adventure vote must be choice 0 to 3"
        CHECK (choice BETWEEN 0 AND 3),
    voted_at REAL NOT NULL,
    PRIMARY KEY (run_id, step, user_id)
) WITHOUT ROWID;
