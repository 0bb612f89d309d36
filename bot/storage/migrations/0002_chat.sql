-- Conversation engine: a per-channel cooldown for "always" mode, and per-guild daily token
-- use for remote brains (budgets).

-- NULL: the default cooldown; 0: none (the playground's #general).
ALTER TABLE channel_settings ADD COLUMN chat_cooldown REAL
    CONSTRAINT "chat cooldown must be 0 to 3600 seconds"
    CHECK (chat_cooldown IS NULL OR chat_cooldown BETWEEN 0 AND 3600);

CREATE TABLE token_usage (
    guild_id INTEGER NOT NULL,
    -- UTC calendar day, YYYY-MM-DD: budgets reset at midnight UTC.
    day      TEXT NOT NULL
        CONSTRAINT "usage day must be YYYY-MM-DD"
        CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    tokens   INTEGER NOT NULL DEFAULT 0
        CONSTRAINT "token count must not be negative"
        CHECK (tokens >= 0),
    PRIMARY KEY (guild_id, day)
);

-- reply_to(discord id): the stored reply to a message (Regenerate finds what it replaces).
CREATE INDEX messages_by_reply ON messages (reply_to_discord_id)
    WHERE reply_to_discord_id IS NOT NULL;
