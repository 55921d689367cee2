-- tend store, schema 1. Migrations are append-only: never edit a landed file,
-- add the next number instead. Timestamps are INTEGER microseconds since the
-- Unix epoch, UTC.

-- Someone the user talks to. One person may have several handles.
CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    display_name TEXT,
    note         TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);

-- A person's identity on one platform. `handle_key` is the handle as compared
-- (lowercase, no leading @); `handle` as last seen. X DMs carry only a numeric
-- author id, so a handle row may be keyed by `author_id` alone.
CREATE TABLE handles (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    platform     TEXT NOT NULL,
    handle_key   TEXT,
    handle       TEXT,
    display_name TEXT,
    profile_url  TEXT,
    author_id    TEXT,
    CHECK (handle_key IS NOT NULL OR author_id IS NOT NULL)
);
-- No partial indexes (WHERE … IS NOT NULL): SQLite re-plans every statement
-- with a bound parameter on a table that has one, on every call. UNIQUE
-- already treats NULLs as distinct.
CREATE UNIQUE INDEX handles_by_key ON handles(platform, handle_key);
CREATE UNIQUE INDEX handles_by_author_id ON handles(platform, author_id);
CREATE INDEX handles_by_person ON handles(person_id);

CREATE TABLE person_tags (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (person_id, tag)
) WITHOUT ROWID;
CREATE INDEX person_tags_by_tag ON person_tags(tag, person_id);

-- One thread on one platform. The aggregate columns are kept up to date by the
-- store on every write, so the queue reads one indexed row per conversation.
CREATE TABLE conversations (
    id                  INTEGER PRIMARY KEY,
    platform            TEXT NOT NULL,
    thread_key          TEXT NOT NULL,
    state               TEXT NOT NULL DEFAULT 'open'
                        CHECK (state IN ('open', 'answered', 'done', 'snoozed')),
    snoozed_until       INTEGER,
    title               TEXT,
    message_count       INTEGER NOT NULL DEFAULT 0,
    first_at            INTEGER,
    last_at             INTEGER,
    last_inbound_at     INTEGER,
    last_outbound_at    INTEGER,
    -- inbound messages up to this time were dealt with without a reply (marked
    -- done); a reply settles everything before it through `last_outbound_at`
    settled_through     INTEGER,
    -- the oldest inbound message after the last reply or settling: the SLA runs from here
    waiting_since       INTEGER,
    -- the newest inbound message: the queue row shows its author and first line
    last_inbound_id     INTEGER REFERENCES messages(id),
    UNIQUE (platform, thread_key),
    CHECK ((state = 'snoozed') = (snoozed_until IS NOT NULL))
);
CREATE INDEX conversations_queue ON conversations(state, waiting_since);
CREATE INDEX conversations_recent ON conversations(last_at);

CREATE TABLE messages (
    id                  INTEGER PRIMARY KEY,
    platform            TEXT NOT NULL,
    external_id         TEXT NOT NULL,
    conversation_id     INTEGER NOT NULL REFERENCES conversations(id),
    parent_id           TEXT,
    direction           TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    kind                TEXT NOT NULL,
    person_id           INTEGER REFERENCES people(id),
    author_handle       TEXT,
    author_display_name TEXT,
    author_profile_url  TEXT,
    author_id           TEXT,
    created_at          INTEGER NOT NULL,
    title               TEXT,
    url                 TEXT,
    source_account      TEXT,
    text                TEXT NOT NULL,
    -- fields of the imported record tend does not know, kept as a JSON object
    extra_json          TEXT,
    imported_at         INTEGER NOT NULL,
    UNIQUE (platform, external_id)
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, direction, created_at);
CREATE INDEX messages_by_person ON messages(person_id, created_at);
CREATE INDEX messages_by_parent ON messages(platform, parent_id);
CREATE INDEX messages_by_time ON messages(created_at);

-- Full-text index over what a search looks at. External content: the text is
-- stored once, in `messages`; the store adds index rows in bulk after inserts.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, title, author_handle, author_display_name,
    content = 'messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- What the user did, and when: response times and undo are computed from it.
-- `prev_state`/`prev_snoozed_until` hold what an undo restores.
CREATE TABLE actions (
    id                 INTEGER PRIMARY KEY,
    at                 INTEGER NOT NULL,
    kind               TEXT NOT NULL
                       CHECK (kind IN ('replied', 'done', 'snoozed', 'reopened', 'tagged',
                                       'untagged', 'noted', 'undone')),
    conversation_id    INTEGER REFERENCES conversations(id),
    person_id          INTEGER REFERENCES people(id),
    message_id         INTEGER REFERENCES messages(id),
    prev_state         TEXT,
    prev_snoozed_until INTEGER,
    detail             TEXT,
    undoes             INTEGER REFERENCES actions(id)
);
CREATE INDEX actions_by_conversation ON actions(conversation_id, at);
CREATE INDEX actions_by_time ON actions(at);
