-- Hearth's first schema: settings, users, conversation history, audit log, custom personas.
-- Conventions: Discord ids are INTEGER, timestamps are REAL unix seconds (UTC).
-- CHECK constraints are named with a readable sentence: SQLite puts the name in its
-- "CHECK constraint failed: ..." message, which the storage layer shows as the explanation.

CREATE TABLE guild_settings (
    guild_id       INTEGER PRIMARY KEY,
    persona_id     TEXT
        CONSTRAINT "guild persona_id must be 1 to 64 characters"
        CHECK (persona_id IS NULL OR length(persona_id) BETWEEN 1 AND 64),
    strictness     TEXT NOT NULL DEFAULT 'standard'
        CONSTRAINT "strictness must be 'relaxed', 'standard' or 'strict'"
        CHECK (strictness IN ('relaxed', 'standard', 'strict')),
    log_channel_id INTEGER,
    mod_role_id    INTEGER,
    created_at     REAL NOT NULL,
    updated_at     REAL NOT NULL
);

CREATE TABLE channel_settings (
    channel_id INTEGER PRIMARY KEY,
    -- Deleting a guild's settings removes its channels' overrides too.
    guild_id   INTEGER NOT NULL REFERENCES guild_settings (guild_id) ON DELETE CASCADE,
    -- NULL: not configured here; the chat service applies its default.
    chat_mode  TEXT
        CONSTRAINT "chat_mode must be 'off', 'mention' or 'always'"
        CHECK (chat_mode IS NULL OR chat_mode IN ('off', 'mention', 'always')),
    -- NULL: use the guild's persona.
    persona_id TEXT
        CONSTRAINT "channel persona_id must be 1 to 64 characters"
        CHECK (persona_id IS NULL OR length(persona_id) BETWEEN 1 AND 64),
    updated_at REAL NOT NULL
);
CREATE INDEX channel_settings_by_guild ON channel_settings (guild_id);

CREATE TABLE users (
    user_id        INTEGER PRIMARY KEY,
    display_name   TEXT NOT NULL DEFAULT '',
    memory_enabled INTEGER NOT NULL DEFAULT 1
        CONSTRAINT "memory_enabled must be 0 or 1"
        CHECK (memory_enabled IN (0, 1)),
    memory_scope   TEXT NOT NULL DEFAULT 'local'
        CONSTRAINT "memory_scope must be 'local' or 'global'"
        CHECK (memory_scope IN ('local', 'global')),
    first_seen_at  REAL NOT NULL,
    last_seen_at   REAL NOT NULL
);

CREATE TABLE messages (
    id                  INTEGER PRIMARY KEY,
    -- NULL until the reply has been sent (assistant turns) or for turns not from Discord.
    discord_message_id  INTEGER UNIQUE,
    guild_id            INTEGER,  -- NULL in direct messages
    channel_id          INTEGER NOT NULL,
    -- The human the conversation is with (also on the assistant's replies), so that
    -- "forget me" finds every turn of their conversations.
    user_id             INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    author_name         TEXT NOT NULL,
    role                TEXT NOT NULL
        CONSTRAINT "role must be 'user' or 'assistant'"
        CHECK (role IN ('user', 'assistant')),
    content             TEXT NOT NULL,
    reply_to_discord_id INTEGER,
    created_at          REAL NOT NULL
);
-- recent(channel): newest first within a channel. The rowid (id) is the implicit last
-- column of every index, so ORDER BY created_at DESC, id DESC needs no sort step.
CREATE INDEX messages_by_channel ON messages (channel_id, created_at);
-- recent(channel, user) and delete_for_user(user).
CREATE INDEX messages_by_user_channel ON messages (user_id, channel_id, created_at);
-- prune_older_than(cutoff).
CREATE INDEX messages_by_time ON messages (created_at);

-- The audit trail deliberately has no foreign key: it outlives settings that are reset.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL,
    action     TEXT NOT NULL
        CONSTRAINT "audit action must be 1 to 64 characters"
        CHECK (length(action) BETWEEN 1 AND 64),
    detail     TEXT NOT NULL DEFAULT '{}'
        CONSTRAINT "audit detail must be a JSON object"
        CHECK (json_valid(detail) AND json_type(detail) = 'object'),
    created_at REAL NOT NULL
);
CREATE INDEX audit_log_by_guild ON audit_log (guild_id, id);

CREATE TABLE custom_personas (
    guild_id   INTEGER NOT NULL REFERENCES guild_settings (guild_id) ON DELETE CASCADE,
    persona_id TEXT NOT NULL
        CONSTRAINT "custom persona_id must be 1 to 64 characters"
        CHECK (length(persona_id) BETWEEN 1 AND 64),
    toml_text  TEXT NOT NULL
        CONSTRAINT "persona TOML must be 1 to 100000 characters"
        CHECK (length(toml_text) BETWEEN 1 AND 100000),
    author_id  INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (guild_id, persona_id)
);
