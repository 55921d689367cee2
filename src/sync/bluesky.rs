//! Bluesky: sign in with an app password (`createSession`) at the account's
//! service, then page through `app.bsky.notification.listNotifications` at
//! the personal data server the session names, newest first, by `cursor`.
//! An access token expires after two hours: on `ExpiredToken` the session is
//! refreshed once (`refreshSession`) and the request sent again. The session
//! is kept for the next sync (`kept.rs`), which starts from it and signs in
//! again only when it cannot be refreshed.

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use serde_json::{Value, json};

use super::http::{Call, Http, Reply, push_param};
use super::kept::{self, Session};
use super::secret::Secret;
use super::{Fetch, Fetched, Source, refused, split_by_time, unexpected};
use crate::config::Account;
use crate::import::PageContent;

#[derive(Debug)]
pub struct Bluesky<'a> {
    account: &'a Account,
    password: Secret,
    session: Option<Session>,
    /// Where the session is kept between syncs, and for which account
    /// (`sync::origin_of`).
    kept_at: PathBuf,
    origin: String,
    /// Why the session could not be kept, once.
    notes: Vec<String>,
}

impl<'a> Bluesky<'a> {
    pub fn new(
        account: &'a Account,
        password: Secret,
        kept_at: PathBuf,
        origin: String,
    ) -> Bluesky<'a> {
        Bluesky {
            account,
            password,
            session: None,
            kept_at,
            origin,
            notes: Vec::new(),
        }
    }

    /// Keeps the current session for the next sync. Failing to is not the
    /// sync's failure: the next one signs in again, and the report says so.
    fn keep(&mut self) {
        let Some(session) = &self.session else {
            return;
        };
        if let Err(err) = kept::save(&self.kept_at, &self.origin, session)
            && self.notes.is_empty()
        {
            self.notes.push(format!(
                "the session could not be kept for the next sync ({err:#}), which will sign in \
                 again"
            ));
        }
    }

    fn sign_in(&mut self, http: &mut Http<'_>) -> Result<()> {
        let what = "sign-in (createSession)";
        let handle = self.account.handle.clone().unwrap_or_default();
        let body = json!({ "identifier": handle, "password": self.password.expose() });
        let reply = http.send(&Call::post_json(
            format!(
                "{}/xrpc/com.atproto.server.createSession",
                self.account.base_url
            ),
            &body,
            what,
        ))?;
        match reply.status {
            200 => {}
            400 | 401 => {
                return Err(refused(
                    self.account,
                    reply.status,
                    &reply.detail(),
                    &format!(
                        "check the handle ({}) and make a new app password in Bluesky under \
                         Settings → Privacy and security → App passwords",
                        crate::sanitize::quote(&handle)
                    ),
                ));
            }
            _ => return Err(unexpected(what, &reply)),
        }
        self.session = Some(self.session_from(&reply, what)?);
        self.keep();
        Ok(())
    }

    fn session_from(&self, reply: &Reply, what: &str) -> Result<Session> {
        let body = reply.json(what)?;
        let token = |key: &str| {
            body.get(key)
                .and_then(Value::as_str)
                .map(|token| Secret::new(token.to_owned()))
                .ok_or_else(|| anyhow!("{what} answered without {key}"))
        };
        // The data server is in the DID document; without one, the service
        // that signed us in serves the data too.
        let pds = body
            .pointer("/didDoc/service")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|service| {
                service
                    .get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| id.ends_with("#atproto_pds"))
            })
            .and_then(|service| service.get("serviceEndpoint"))
            .and_then(Value::as_str);
        let pds = match pds {
            Some(address) => crate::config::checked_base_url(address)
                .map_err(|why| anyhow!("the session's data server {why}"))?,
            None => self.account.base_url.clone(),
        };
        Ok(Session {
            access: token("accessJwt")?,
            refresh: token("refreshJwt")?,
            pds,
            handle: body
                .get("handle")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| self.account.handle.clone())
                .unwrap_or_default(),
        })
    }

    fn refresh(&mut self, http: &mut Http<'_>) -> Result<()> {
        let Some(session) = &self.session else {
            return self.sign_in(http);
        };
        let what = "session refresh (refreshSession)";
        let reply = http.send(&Call {
            method: "POST",
            url: format!("{}/xrpc/com.atproto.server.refreshSession", session.pds),
            headers: vec![(
                "Authorization",
                format!("Bearer {}", session.refresh.expose()),
            )],
            body: None,
            what,
        })?;
        if reply.status != 200 {
            // A refresh token can expire or be revoked: sign in afresh.
            return self.sign_in(http);
        }
        let fresh = self.session_from(&reply, what)?;
        self.session = Some(Session {
            pds: session.pds.clone(),
            ..fresh
        });
        self.keep();
        Ok(())
    }
}

/// An access token past its time: `400 ExpiredToken`, or any 401 (a
/// rotated or revoked token), which a fresh session may cure.
fn is_expired(reply: &Reply) -> bool {
    reply.status == 401
        || reply.status == 400
            && serde_json::from_slice::<Value>(&reply.body)
                .ok()
                .and_then(|body| body.get("error").and_then(Value::as_str).map(str::to_owned))
                .is_some_and(|error| error == "ExpiredToken")
}

impl Source for Bluesky<'_> {
    fn fetch(
        &mut self,
        http: &mut Http<'_>,
        since: Option<&str>,
        next: Option<&str>,
        _last_modified: Option<&str>,
    ) -> Result<Fetch> {
        if self.session.is_none() {
            self.session = kept::load(&self.kept_at, &self.origin);
        }
        if self.session.is_none() {
            self.sign_in(http)?;
        }
        let what = "GET app.bsky.notification.listNotifications";
        let mut refreshed = false;
        let reply = loop {
            let session = self
                .session
                .as_ref()
                .ok_or_else(|| anyhow!("signed in without a session"))?;
            let mut url = format!(
                "{}/xrpc/app.bsky.notification.listNotifications?limit={}",
                session.pds, self.account.page_size
            );
            if let Some(next) = next {
                push_param(&mut url, "cursor", next);
            }
            let reply = http.send(&Call::get(url, what).header(
                "Authorization",
                format!("Bearer {}", session.access.expose()),
            ))?;
            if is_expired(&reply) && !refreshed {
                refreshed = true;
                self.refresh(http)?;
                continue;
            }
            break reply;
        };
        match reply.status {
            200 => {}
            401 => {
                return Err(refused(
                    self.account,
                    reply.status,
                    &reply.detail(),
                    "make a new app password in Bluesky under Settings → Privacy and \
                     security → App passwords",
                ));
            }
            _ => return Err(unexpected(what, &reply)),
        }
        let mut page = reply.json(what)?;
        let Some(Value::Array(notifications)) = page.get_mut("notifications").map(Value::take)
        else {
            return Err(anyhow!("{what} answered without a list of notifications"));
        };
        let split = split_by_time(notifications, "uri", "indexedAt", since);
        let next = page
            .get("cursor")
            .and_then(Value::as_str)
            .map(str::to_owned);
        page["notifications"] = Value::Array(split.fresh);
        Ok(Fetch::Page(Fetched {
            content: PageContent::Bluesky(page),
            not_messages: Vec::new(),
            newest: split.newest,
            ids: split.ids,
            reached_known: split.reached_known,
            next,
            last_modified: None,
        }))
    }

    fn notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    fn my_handles(&self) -> Vec<String> {
        self.session
            .iter()
            .map(|session| session.handle.clone())
            .filter(|handle| !handle.is_empty())
            .collect()
    }
}
