-- tend store, schema 5: what the queue's priority order reads, kept up to
-- date by the store whenever a conversation's messages change, so ranking
-- ten thousand waiting conversations reads no message.

-- Whether an inbound message asks a question (`priority::asks_question`).
ALTER TABLE messages ADD COLUMN asks INTEGER NOT NULL DEFAULT 0;

-- The person waiting in a conversation (the author of its newest inbound
-- message); whether a waiting message asks a question; how directly the
-- waiting messages address the user (0 a mention, 1 a reply, 2 a direct
-- message or email: `priority::Addressed`).
ALTER TABLE conversations ADD COLUMN person_id INTEGER REFERENCES people(id);
ALTER TABLE conversations ADD COLUMN waiting_asks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN waiting_addressed INTEGER NOT NULL DEFAULT 0;
-- Lists of one state (`is:answered`), newest first, read in index order.
CREATE INDEX conversations_by_state ON conversations(state, last_at);
-- (No index on person_id: only merging two people looks conversations up by
-- it, rarely, while every import would pay for keeping one.)
-- The queue reads every waiting conversation's signals from this index
-- alone (ten thousand table lookups cost more than the rest of the queue).
DROP INDEX conversations_queue;
CREATE INDEX conversations_queue ON conversations(state, waiting_since, platform,
    person_id, waiting_asks, waiting_addressed, snoozed_until);

-- The person's conversations the user has answered in, on any platform;
-- the largest follower count seen on any of their handles.
ALTER TABLE people ADD COLUMN exchanges INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN followers INTEGER;

-- A person's conversations, read from the index alone (the exchanges count
-- and the right pane's history); nothing read messages by person and time.
DROP INDEX messages_by_person;
CREATE INDEX messages_by_person ON messages(person_id, conversation_id);

-- Every word the full-text index holds and how often it was seen: what a
-- word still being typed in the search box can become (`store/terms.rs`).
CREATE TABLE terms (
    term TEXT PRIMARY KEY,
    seen INTEGER NOT NULL
) WITHOUT ROWID;

-- The same values for what is already stored. The functions are the ones
-- the store uses for new messages, registered on its connection.
UPDATE messages SET asks = tend_asks_question(text) WHERE direction = 'in';
-- The person who has waited longest; with nobody waiting, the last who wrote.
UPDATE conversations SET person_id = coalesce(
    (SELECT m.person_id FROM messages m
     WHERE m.conversation_id = conversations.id AND m.direction = 'in'
       AND conversations.waiting_since IS NOT NULL AND m.created_at >= conversations.waiting_since
     ORDER BY m.created_at, m.id LIMIT 1),
    (SELECT person_id FROM messages WHERE id = conversations.last_inbound_id));
UPDATE conversations SET
    waiting_asks = coalesce((SELECT max(m.asks) FROM messages m
        WHERE m.conversation_id = conversations.id AND m.direction = 'in'
          AND m.created_at >= conversations.waiting_since), 0),
    waiting_addressed = coalesce((SELECT max(tend_addressed(m.kind)) FROM messages m
        WHERE m.conversation_id = conversations.id AND m.direction = 'in'
          AND m.created_at >= conversations.waiting_since), 0)
    WHERE waiting_since IS NOT NULL;
UPDATE people SET exchanges = (SELECT count(*) FROM conversations c
    WHERE c.last_outbound_at IS NOT NULL
      AND c.id IN (SELECT conversation_id FROM messages WHERE person_id = people.id));
CREATE VIRTUAL TABLE temp.indexed_terms USING fts5vocab(main, messages_fts, 'row');
INSERT INTO terms (term, seen) SELECT term, cnt FROM temp.indexed_terms;
DROP TABLE temp.indexed_terms;
-- Follower counts written as whole numbers (or digits); anything else was
-- kept as an unknown field and stays one.
UPDATE people SET followers = seen.most
    FROM (SELECT person_id, max(CAST(trim(json_extract(extra_json, '$.author_followers')) AS INTEGER)) AS most
          FROM messages
          WHERE person_id IS NOT NULL AND extra_json LIKE '%author_followers%'
            AND (json_type(extra_json, '$.author_followers') = 'integer'
                 OR (json_type(extra_json, '$.author_followers') = 'text'
                     AND trim(json_extract(extra_json, '$.author_followers')) NOT GLOB '*[^0-9]*'
                     AND trim(json_extract(extra_json, '$.author_followers')) != ''))
          GROUP BY person_id) AS seen
    WHERE seen.person_id = people.id AND seen.most > 0;
