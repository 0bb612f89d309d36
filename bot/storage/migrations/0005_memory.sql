-- Memory (issue 4): what Hearth remembers about each user, under that user's control.
--
-- One row per remembered fact. Single-valued facts (name, pronouns, birthday, home city...)
-- carry a `key` and are updated in place; the rest are stacked (and de-duplicated by the
-- memory service before they get here).
--
-- Scope: `guild_id` is where the fact was shared (NULL: in direct messages). A fact is used
-- in that place only, unless `is_global` is set (the user asked to remember it everywhere)
-- or the user's own `users.memory_scope` is 'global'.
CREATE TABLE memories (
    id                INTEGER PRIMARY KEY,
    -- Deleting a user (owner purge) removes their memories too; the FTS triggers below fire
    -- for cascaded deletes as well, so the index never keeps an orphan.
    user_id           INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    kind              TEXT NOT NULL
        CONSTRAINT "memory kind must be one of name, nickname, pronouns, like, dislike, hobby, pet, family, place, work, study, birthday, goal, situation, note"
        CHECK (kind IN ('name', 'nickname', 'pronouns', 'like', 'dislike', 'hobby', 'pet',
                        'family', 'place', 'work', 'study', 'birthday', 'goal', 'situation',
                        'note')),
    key               TEXT
        CONSTRAINT "memory key must be 1 to 64 characters"
        CHECK (key IS NULL OR length(key) BETWEEN 1 AND 64),
    content           TEXT NOT NULL
        CONSTRAINT "memory content must be 1 to 300 characters"
        CHECK (length(trim(content)) BETWEEN 1 AND 300),
    guild_id          INTEGER,
    is_global         INTEGER NOT NULL DEFAULT 0
        CONSTRAINT "memory is_global must be 0 or 1"
        CHECK (is_global IN (0, 1)),
    source            TEXT NOT NULL
        CONSTRAINT "memory source must be 'chat', 'llm' or 'command'"
        CHECK (source IN ('chat', 'llm', 'command')),
    source_channel_id INTEGER,
    source_message_id INTEGER,
    -- The words of the memory as the full-text index sees them: each prefixed with the
    -- owner's id ("<user_id>q<word>"), so that a search only ever reads that user's part of
    -- the index (constant cost however many users there are, and no way to match another
    -- user's rows). Written by the repository from `content`; never shown.
    search_terms      TEXT NOT NULL DEFAULT '',
    created_at        REAL NOT NULL,
    updated_at        REAL NOT NULL,
    last_recalled_at  REAL,
    recall_count      INTEGER NOT NULL DEFAULT 0
        CONSTRAINT "memory recall_count must not be negative"
        CHECK (recall_count >= 0)
);
-- Listing, counting, de-duplication candidates and eviction: all per user (and kind).
CREATE INDEX memories_by_user ON memories (user_id, kind);
-- Single-valued facts by key (core facts are fetched on every turn).
CREATE INDEX memories_by_user_key ON memories (user_id, key) WHERE key IS NOT NULL;

-- External-content FTS5 index over search_terms: the text itself lives only in `memories`.
CREATE VIRTUAL TABLE memories_fts USING fts5 (
    search_terms,
    content = 'memories',
    content_rowid = 'id',
    tokenize = 'porter unicode61'
);

-- Kept in sync by triggers, inside the same transaction as the change: a crash can never
-- leave a memory without its index rows or index rows without their memory.
CREATE TRIGGER memories_fts_after_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts (rowid, search_terms) VALUES (new.id, new.search_terms);
END;

CREATE TRIGGER memories_fts_after_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, search_terms)
        VALUES ('delete', old.id, old.search_terms);
END;

CREATE TRIGGER memories_fts_after_update AFTER UPDATE OF search_terms ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, search_terms)
        VALUES ('delete', old.id, old.search_terms);
    INSERT INTO memories_fts (rowid, search_terms) VALUES (new.id, new.search_terms);
END;
