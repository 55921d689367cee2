-- tend store, schema 6: where `tend sync` stopped, per configured account.
-- `cursor` is the account's own JSON (a last id, a timestamp, a page in
-- progress); it is written in the same transaction as the messages of the page
-- it follows, so an interrupted sync resumes without gaps or duplicates.
-- No secret is ever stored here.
CREATE TABLE sync_cursors (
    account TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    cursor TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
