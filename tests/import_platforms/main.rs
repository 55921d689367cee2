//! `tend import` on each platform's own files: the shared fixtures (copied
//! to `tests/fixtures/`) and broken variants of them. One test binary, one
//! module per platform.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod bluesky;
mod email;
mod forums;
mod github;
mod mastodon;
mod x;
