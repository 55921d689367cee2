//! The words the full-text index holds and how often each was seen: what a
//! word still being typed in the search box can become. FTS5 matches a
//! prefix (`"inv"*`) by first merging the lists of every word that starts
//! with it — all of `"the"*` costs 100 ms on a million messages — while an
//! OR of the likely words is walked lazily, newest first, and stops at the
//! limit. Words are split and lowercased here close to the index's own
//! `unicode61` tokenizer; a word this misses is only a completion not
//! offered, never a wrong result.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{OptionalExtension, Transaction, params};

use super::Store;

/// Words seen in one write (an import, a reply), counted before they are added.
#[derive(Debug, Default)]
pub(super) struct TermCounter {
    counts: HashMap<String, i64>,
    word: String,
}

impl TermCounter {
    /// Counts the words of `text` (runs of letters and digits, lowercased).
    /// Run for every imported message, so ASCII takes a byte-wise path.
    pub(super) fn add(&mut self, text: &str) {
        for piece in text.split(|c: char| !c.is_alphanumeric()) {
            if piece.is_empty() {
                continue;
            }
            self.word.clear();
            if piece.is_ascii() {
                self.word.push_str(piece);
                self.word.make_ascii_lowercase();
            } else {
                self.word.extend(piece.chars().flat_map(char::to_lowercase));
            }
            if let Some(count) = self.counts.get_mut(self.word.as_str()) {
                *count += 1;
            } else {
                self.counts.insert(self.word.clone(), 1);
            }
        }
    }

    pub(super) fn write(self, tx: &Transaction<'_>) -> Result<()> {
        let mut statement = tx.prepare_cached(
            "INSERT INTO terms (term, seen) VALUES (?1, ?2)
             ON CONFLICT (term) DO UPDATE SET seen = seen + excluded.seen",
        )?;
        for (term, seen) in self.counts {
            statement.execute(params![term, seen])?;
        }
        Ok(())
    }

    /// Takes the counted words back out (an undone reply): a word no
    /// message holds any more is no longer offered.
    pub(super) fn remove(self, tx: &Transaction<'_>) -> Result<()> {
        let mut lower =
            tx.prepare_cached("UPDATE terms SET seen = seen - ?2 WHERE term = ?1 RETURNING seen")?;
        let mut forget = tx.prepare_cached("DELETE FROM terms WHERE term = ?1")?;
        for (term, seen) in self.counts {
            let left: Option<i64> = lower
                .query_row(params![term, seen], |row| row.get(0))
                .optional()?;
            if left.is_some_and(|left| left <= 0) {
                forget.execute([term])?;
            }
        }
        Ok(())
    }
}

impl Store {
    /// Up to `limit` words that start with `prefix` (lowercase), the most
    /// often seen first.
    pub fn terms_starting(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        // Every string that starts with the prefix sorts below prefix + the
        // highest code point.
        let end = format!("{prefix}\u{10FFFF}");
        let mut statement = self.conn.prepare_cached(
            "SELECT term FROM terms WHERE term >= ?1 AND term < ?2 ORDER BY seen DESC, term LIMIT ?3",
        )?;
        let terms = statement
            .query_map(params![prefix, end, limit as i64], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(terms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_split_like_the_index_and_counted() {
        let mut counter = TermCounter::default();
        counter.add("Invoice #42: the INVOICE is late, café? naïve-ish 日本語");
        counter.add("invoices");
        let mut counts: Vec<(String, i64)> = counter.counts.into_iter().collect();
        counts.sort();
        assert_eq!(
            counts,
            [
                ("42", 1),
                ("café", 1),
                ("invoice", 2),
                ("invoices", 1),
                ("is", 1),
                ("ish", 1),
                ("late", 1),
                ("naïve", 1),
                ("the", 1),
                ("日本語", 1),
            ]
            .map(|(term, count)| (term.to_owned(), count))
        );
    }
}
