-- Safety and moderator controls (issue 7): each server's own blocked/allowed terms, reports
-- to moderators, thumbs up/down on the bot's replies, and the log of what the filter caught.
-- None of these tables refers to guild_settings: like the audit log they are records of what
-- happened, and must not vanish when a server's settings are reset.

-- A server's own terms, stored in the normalised form the moderation policy matches
-- (lower case, folded, wildcards kept), so "remove" finds exactly what "add" stored.
CREATE TABLE mod_terms (
    guild_id   INTEGER NOT NULL,
    kind       TEXT NOT NULL
        CONSTRAINT "term kind must be 'blocked' or 'allowed'"
        CHECK (kind IN ('blocked', 'allowed')),
    pattern    TEXT NOT NULL
        CONSTRAINT "term pattern must be 1 to 64 characters"
        CHECK (length(pattern) BETWEEN 1 AND 64),
    author_id  INTEGER NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (guild_id, kind, pattern)
) WITHOUT ROWID;

-- A member's report of a message: a snapshot of it and of the messages just before it
-- (the message may be edited or deleted later; moderators judge what was reported).
CREATE TABLE mod_reports (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    channel_id        INTEGER NOT NULL,
    message_id        INTEGER NOT NULL,
    message_author_id INTEGER NOT NULL,
    message_author    TEXT NOT NULL DEFAULT '',
    message_content   TEXT NOT NULL DEFAULT ''
        CONSTRAINT "reported message snapshot must be at most 4000 characters"
        CHECK (length(message_content) <= 4000),
    message_at        REAL,
    -- JSON array of {"message_id", "author_id", "author", "content", "at"}, oldest first.
    context           TEXT NOT NULL DEFAULT '[]'
        CONSTRAINT "report context must be a JSON array"
        CHECK (json_valid(context) AND json_type(context) = 'array'),
    reporter_id       INTEGER NOT NULL,
    reason            TEXT NOT NULL DEFAULT ''
        CONSTRAINT "report reason must be at most 500 characters"
        CHECK (length(reason) <= 500),
    status            TEXT NOT NULL DEFAULT 'open'
        CONSTRAINT "report status must be 'open' or 'resolved'"
        CHECK (status IN ('open', 'resolved')),
    resolver_id       INTEGER,
    created_at        REAL NOT NULL,
    resolved_at       REAL,
    -- The mod-log post of the report, so a button press elsewhere can update it.
    log_message_id    INTEGER,
    CONSTRAINT "a resolved report needs who resolved it and when"
        CHECK (status = 'open' OR (resolver_id IS NOT NULL AND resolved_at IS NOT NULL))
);
-- Open reports of a guild, oldest first (the moderators' queue), and all of them by id.
CREATE INDEX mod_reports_by_status ON mod_reports (guild_id, status, id);
-- One open report per member per message: reporting again while it is open changes nothing.
CREATE UNIQUE INDEX mod_reports_open_once
    ON mod_reports (message_id, reporter_id) WHERE status = 'open';
CREATE INDEX mod_reports_by_reporter ON mod_reports (reporter_id);

-- Thumbs up/down on a reply of the bot: one vote per user per reply, changeable.
-- guild_id 0 stands for direct messages.
CREATE TABLE reply_feedback (
    message_id INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER,
    value      INTEGER NOT NULL
        CONSTRAINT "feedback must be 1 (thumbs up) or -1 (thumbs down)"
        CHECK (value IN (-1, 1)),
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (message_id, user_id)
) WITHOUT ROWID;
CREATE INDEX reply_feedback_by_guild ON reply_feedback (guild_id, updated_at);
CREATE INDEX reply_feedback_by_user ON reply_feedback (user_id);

-- What the filter caught: flagged inputs, withheld outputs, distress met with care, and
-- manipulation attempts. Only a masked excerpt is kept, never the full text.
CREATE TABLE mod_events (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    message_id INTEGER,
    kind       TEXT NOT NULL
        CONSTRAINT "event kind must be 'input_blocked', 'input_care', 'output_blocked' or 'manipulation'"
        CHECK (kind IN ('input_blocked', 'input_care', 'output_blocked', 'manipulation')),
    category   TEXT
        CONSTRAINT "event category must be at most 40 characters"
        CHECK (category IS NULL OR length(category) <= 40),
    excerpt    TEXT NOT NULL DEFAULT ''
        CONSTRAINT "event excerpt must be at most 300 characters"
        CHECK (length(excerpt) <= 300),
    created_at REAL NOT NULL
);
CREATE INDEX mod_events_by_guild ON mod_events (guild_id, id);
CREATE INDEX mod_events_by_user ON mod_events (user_id);
