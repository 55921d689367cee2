-- tend store, schema 4: `messages_by_parent` is never read (a parent is found
-- through UNIQUE (platform, external_id)); it only cost a write per imported
-- message.
DROP INDEX IF EXISTS messages_by_parent;
