//! People: linking several handles into one person, tags and notes.

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::model::{Platform, to_micros};

/// What is known about one person from outside the messages: their handles
/// on several platforms, tags and a note (the demo's `people.json`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonSeed {
    pub handles: Vec<(Platform, String)>,
    pub tags: Vec<String>,
    pub note: String,
}

impl Store {
    /// Makes the handles one person (merging the people they belonged to),
    /// adds the tags and sets the note. Returns the person's id.
    pub fn link_person(&mut self, seed: &PersonSeed, now: DateTime<Utc>) -> Result<i64> {
        if seed.handles.is_empty() {
            bail!("a person needs at least one handle");
        }
        let tx = self.write()?;
        let mut person: Option<i64> = None;
        for (platform, handle) in &seed.handles {
            let key = platform.handle_key(handle);
            let owner: Option<i64> = tx
                .query_row(
                    "SELECT person_id FROM handles WHERE platform = ?1 AND handle_key = ?2",
                    params![platform.as_str(), key],
                    |row| row.get(0),
                )
                .optional()?;
            let target = if let Some(target) = person {
                target
            } else if let Some(owner) = owner {
                person = Some(owner);
                owner
            } else {
                tx.execute(
                    "INSERT INTO people (created_at) VALUES (?1)",
                    [to_micros(now)],
                )?;
                let created = tx.last_insert_rowid();
                person = Some(created);
                created
            };
            match owner {
                None => {
                    tx.execute(
                        "INSERT INTO handles (person_id, platform, handle_key, handle) VALUES (?1, ?2, ?3, ?4)",
                        params![target, platform.as_str(), key, handle],
                    )?;
                }
                Some(owner) if owner != target => {
                    for sql in [
                        "UPDATE handles SET person_id = ?1 WHERE person_id = ?2",
                        "UPDATE messages SET person_id = ?1 WHERE person_id = ?2",
                        "UPDATE conversations SET person_id = ?1 WHERE person_id = ?2",
                        "UPDATE people SET followers = nullif(max(coalesce(followers, 0), coalesce((SELECT followers FROM people WHERE id = ?2), 0)), 0) WHERE id = ?1",
                        "UPDATE actions SET person_id = ?1 WHERE person_id = ?2",
                        "INSERT OR IGNORE INTO person_tags (person_id, tag) SELECT ?1, tag FROM person_tags WHERE person_id = ?2",
                        "UPDATE people SET display_name = coalesce(display_name, (SELECT display_name FROM people WHERE id = ?2)) WHERE id = ?1",
                        "DELETE FROM people WHERE id = ?2",
                    ] {
                        tx.execute(sql, [target, owner])?;
                    }
                }
                Some(_) => {}
            }
        }
        let person = person.unwrap_or_default();
        // Merged people's conversations now count together.
        super::ingest::count_exchanges(&tx, [person])?;
        for tag in &seed.tags {
            tx.execute(
                "INSERT OR IGNORE INTO person_tags (person_id, tag) VALUES (?1, ?2)",
                params![person, tag.trim().to_lowercase()],
            )?;
        }
        if !seed.note.is_empty() {
            tx.execute(
                "UPDATE people SET note = ?2 WHERE id = ?1",
                params![person, seed.note],
            )?;
        }
        tx.commit()?;
        Ok(person)
    }

    /// A person's tags, sorted.
    pub fn person_tags(&self, person: i64) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT tag FROM person_tags WHERE person_id = ?1 ORDER BY tag")?;
        let tags = statement
            .query_map([person], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(tags)
    }
}
