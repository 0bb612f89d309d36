-- Trivia (issue 5): games (running ones survive a restart as rows), per-game player totals,
-- every answer (leaderboards by period and accuracy by category come from these), and
-- moderators' question packs.

CREATE TABLE trivia_games (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    starter_id   INTEGER NOT NULL,
    starter_name TEXT NOT NULL,
    -- The validated game options (category, difficulty, rounds, mode, timer, ...).
    settings     TEXT NOT NULL DEFAULT '{}'
        CONSTRAINT "trivia game settings must be a JSON object"
        CHECK (json_valid(settings) AND json_type(settings) = 'object'),
    total        INTEGER NOT NULL
        CONSTRAINT "a trivia game has 1 to 500 questions"
        CHECK (total BETWEEN 1 AND 500),
    -- Ids of the questions asked so far, in order (recent ones are not repeated soon).
    question_ids TEXT NOT NULL DEFAULT '[]'
        CONSTRAINT "trivia question_ids must be a JSON array"
        CHECK (json_valid(question_ids) AND json_type(question_ids) = 'array'),
    status       TEXT NOT NULL DEFAULT 'running'
        CONSTRAINT "trivia game status must be running, completed, stopped, silence or interrupted"
        CHECK (status IN ('running', 'completed', 'stopped', 'silence', 'interrupted')),
    winner_id    INTEGER,
    started_at   REAL NOT NULL,
    ended_at     REAL
);
-- One game per channel: a second running row for the same channel is refused.
CREATE UNIQUE INDEX trivia_games_one_running_per_channel
    ON trivia_games (channel_id) WHERE status = 'running';
CREATE INDEX trivia_games_by_guild ON trivia_games (guild_id, id);

CREATE TABLE trivia_players (
    game_id     INTEGER NOT NULL REFERENCES trivia_games (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    name        TEXT NOT NULL,
    points      INTEGER NOT NULL DEFAULT 0
        CONSTRAINT "trivia points must not be negative" CHECK (points >= 0),
    correct     INTEGER NOT NULL DEFAULT 0
        CONSTRAINT "trivia correct count must not be negative" CHECK (correct >= 0),
    answered    INTEGER NOT NULL DEFAULT 0
        CONSTRAINT "trivia answered count must not be negative" CHECK (answered >= 0),
    best_streak INTEGER NOT NULL DEFAULT 0
        CONSTRAINT "trivia best streak must not be negative" CHECK (best_streak >= 0),
    PRIMARY KEY (game_id, user_id)
);
-- Stats of one player in one guild (games, best streak, latest display name).
CREATE INDEX trivia_players_by_guild_user ON trivia_players (guild_id, user_id);

CREATE TABLE trivia_answers (
    id          INTEGER PRIMARY KEY,
    game_id     INTEGER NOT NULL REFERENCES trivia_games (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    category    TEXT NOT NULL,
    correct     INTEGER NOT NULL
        CONSTRAINT "trivia answer correct must be 0 or 1" CHECK (correct IN (0, 1)),
    points      INTEGER NOT NULL DEFAULT 0
        CONSTRAINT "trivia answer points must not be negative" CHECK (points >= 0),
    answered_at REAL NOT NULL
);
-- Leaderboards: a guild's answers since a time.
CREATE INDEX trivia_answers_by_guild_time ON trivia_answers (guild_id, answered_at);
-- A player's stats and "forget me".
CREATE INDEX trivia_answers_by_user ON trivia_answers (user_id, guild_id);

CREATE TABLE trivia_packs (
    guild_id       INTEGER NOT NULL,
    name           TEXT NOT NULL
        CONSTRAINT "trivia pack name must be 1 to 32 characters"
        CHECK (length(name) BETWEEN 1 AND 32),
    author_id      INTEGER NOT NULL,
    -- The validated questions as a JSON array of objects.
    questions      TEXT NOT NULL
        CONSTRAINT "trivia pack questions must be a JSON array"
        CHECK (json_valid(questions) AND json_type(questions) = 'array'),
    question_count INTEGER NOT NULL
        CONSTRAINT "a trivia pack has 1 to 500 questions"
        CHECK (question_count BETWEEN 1 AND 500),
    created_at     REAL NOT NULL,
    updated_at     REAL NOT NULL,
    PRIMARY KEY (guild_id, name)
);
