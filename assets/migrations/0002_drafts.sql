-- tend store, schema 2: reply drafts, saved as the user types so that a
-- crash loses at most the last few seconds. One draft per conversation.
CREATE TABLE drafts (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- Undo finds the newest action nothing has undone yet.
CREATE INDEX actions_by_undoes ON actions(undoes);
