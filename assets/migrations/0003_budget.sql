-- tend store, schema 3: the engagement budget.

-- One row per session of the terminal UI (one process). Active time is
-- written by session, so two sessions open at once count each second once.
CREATE TABLE timer_sessions (
    id         INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    pid        INTEGER
);

-- Active time, written by a heartbeat (every few seconds, and on pause,
-- idle, suspend and quit). The segment was measured over the wall-clock span
-- `ended_at - measured_ms` .. `ended_at`; `active_ms` is what it adds after
-- removing what other sessions had already counted in that span. `day` is the
-- budget day, fixed when written: a later clock or zone change never moves it.
CREATE TABLE timer_segments (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES timer_sessions(id),
    day         TEXT NOT NULL,
    ended_at    INTEGER NOT NULL,
    measured_ms INTEGER NOT NULL CHECK (measured_ms >= 0),
    active_ms   INTEGER NOT NULL CHECK (active_ms >= 0 AND active_ms <= measured_ms)
);
CREATE INDEX timer_segments_by_day ON timer_segments(day, ended_at);

-- Each used day's budget as it was then (so editing the config later does not
-- rewrite history), and what the user chose when it was spent.
CREATE TABLE budget_days (
    day               TEXT PRIMARY KEY,
    budget_seconds    INTEGER NOT NULL,
    -- "+10 min" chosen: overtime the user agreed to
    extension_seconds INTEGER NOT NULL DEFAULT 0,
    -- "keep going" chosen: no more prompts that day
    keep_going        INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- `tend budget set`: the daily budget from this day on.
CREATE TABLE budget_settings (
    from_day       TEXT PRIMARY KEY,
    budget_seconds INTEGER NOT NULL,
    set_at         INTEGER NOT NULL
) WITHOUT ROWID;

-- Active time spent on a conversation before it was answered or marked done
-- in a session: the user's pace is the median of these.
ALTER TABLE actions ADD COLUMN active_ms INTEGER;
