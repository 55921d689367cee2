//! `tend import` on email: the shared mboxrd sample (MIME, RFC 2047,
//! Windows-1252 and ISO-8859-1, folded References, Gmail Takeout `From_`)
//! and single messages.

use crate::common::{Home, fixture};

fn home() -> Home {
    let home = Home::new();
    home.write("config.toml", "[me]\nemail = \"robin@tallybook.example\"\n");
    home
}

#[test]
fn the_sample_mbox_threads_and_decodes_as_a_mail_client_would() {
    let home = home();
    let report = home.import_report(&fixture("sample.mbox"), &[]);
    assert_eq!(report["new_messages"], 6);
    assert_eq!(report["new_conversations"], 3);
    // M4: RFC 2047 Q (UTF-8 and ISO-8859-1) and two adjacent B words.
    assert_eq!(
        home.text("SELECT author_display_name FROM messages WHERE external_id = '5e9d2c7a.0b1f4e3d@mueller.example.de'"
        ),
        "Zoë Müller"
    );
    assert_eq!(
        home.text(
            "SELECT title FROM messages WHERE external_id = '5e9d2c7a.0b1f4e3d@mueller.example.de'"
        ),
        "Café invoices — VAT rounding in Tallybook ☕"
    );
    // mboxrd: one `>` removed from `>From`, a reply's quote keeps its own.
    let first = home.text(
        "SELECT text FROM messages WHERE external_id = '20260612100009.GA4411@okafor.example.net'",
    );
    assert!(
        first.contains("\nFrom the header row onwards everything ends up in one column."),
        "{first}"
    );
    assert!(
        !first.contains("QnVjaHVu"),
        "the attachment is not the text"
    );
    let reply = home.text("SELECT text FROM messages WHERE external_id = 'c3b1f0e2-7d44-4a8e-9f61-2b9d0a5e6c11@tallybook.example'",
    );
    assert!(
        reply.starts_with("Thanks Kai! Reproduced — the file is Windows-1252"),
        "quoted-printable decoded: {reply}"
    );
    assert!(reply.contains("\n>From the header row"), "{reply}");
    // M2, M3 and M6 (References only) share M1's thread; Robin's is outbound.
    assert_eq!(
        home.count(
            "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                    WHERE c.thread_key = '20260612100009.GA4411@okafor.example.net'"
        ),
        4
    );
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE direction = 'out'"),
        1
    );
    // The Takeout message's body line "From now on…" did not split it.
    let priya =
        home.text("SELECT text FROM messages WHERE author_handle = 'priya@studio.example.net'");
    assert!(priya.contains("From now on our team plan"), "{priya}");
    let again = home.import_report(&fixture("sample.mbox"), &[]);
    assert_eq!(again["new_messages"], 0);
}

#[test]
fn a_single_message_and_broken_ones() {
    let home = home();
    let eml = home.write(
        "note.eml",
        "Message-ID: <one@example.org>\r\nDate: Thu, 11 Jun 2026 09:00:00 +0200\r\nFrom: \"Ana\" <ana@example.org>\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\r\nHello=\r\n",
    );
    let report = home.import_report(&eml, &[]);
    assert_eq!(report["new_messages"], 1);
    assert_eq!(
        home.text("SELECT title FROM messages WHERE external_id = 'one@example.org'"),
        "Grüße"
    );
    assert_eq!(
        home.text("SELECT datetime(created_at / 1000000, 'unixepoch') FROM messages WHERE external_id = 'one@example.org'"
        ),
        "2026-06-11 07:00:00"
    );
    // No Message-ID: keyed by the message's hash, so a re-import finds it.
    let anonymous = home.write(
        "anon.eml",
        "Date: Thu, 11 Jun 2026 09:00:00 +0000\nFrom: b@example.org\n\nhi\n",
    );
    home.tend().arg("import").arg(&anonymous).assert().success();
    assert!(
        home.text("SELECT external_id FROM messages WHERE author_handle = 'b@example.org'")
            .starts_with("sha256:")
    );
    let again = home.import_report(&anonymous, &[]);
    assert_eq!(again["already_known"], 1);
    // No date: which message, and nothing of the file is stored.
    let mbox = home.write(
        "broken.mbox",
        "From a@example.org Fri Jun 12 10:00:12 2026\nMessage-ID: <ok@x>\nDate: Fri, 12 Jun 2026 10:00:00 +0000\nFrom: a@example.org\n\nfine\n\nFrom a@example.org Fri Jun 12 11:00:12 2026\nMessage-ID: <nodate@x>\nFrom: a@example.org\n\nno date\n",
    );
    let stderr = home.import_refused(&mbox, &[]);
    assert!(
        stderr.contains("broken.mbox: message 2 (nodate@x): Date: missing or not a date"),
        "{stderr}"
    );
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE external_id = 'ok@x'"),
        0
    );
}
