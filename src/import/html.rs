//! The HTML platforms send (Mastodon statuses, Hacker News comments) as the
//! plain text tend stores: paragraphs as blank lines, `<br>` as line breaks,
//! entities decoded, links as their text plus the address, mentions and
//! hashtags as written. Tolerant: unknown tags are dropped and their text
//! kept, unclosed ones end with the input. The result is raw text, made safe
//! only where it is shown (an entity can decode to ESC).

/// Plain text of an HTML fragment.
#[must_use]
pub fn to_text(html: &str) -> String {
    let mut out = Text::default();
    let mut rest = html;
    // The link being read: its address, whether it is a mention or hashtag,
    // and the text seen inside it.
    let mut link: Option<(String, bool, String)> = None;
    let mut skipping = 0usize; // inside <script>/<style>
    let mut preformatted = 0usize;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<')
            && let Some(end) = tag_end(after)
        {
            let tag = Tag::parse(&after[..end]);
            rest = &after[end + 1..];
            match (tag.name.as_str(), tag.closing) {
                ("script" | "style", false) => skipping += 1,
                ("script" | "style", true) => skipping = skipping.saturating_sub(1),
                ("p" | "div" | "blockquote" | "li" | "ul" | "ol", _) => out.paragraph(),
                ("br", _) => out.line_break(),
                ("pre", closing) => {
                    out.paragraph();
                    preformatted = if closing {
                        preformatted.saturating_sub(1)
                    } else {
                        preformatted + 1
                    };
                }
                ("a", false) => {
                    let quiet = tag.class_has("mention") || tag.class_has("hashtag");
                    link = Some((tag.href.unwrap_or_default(), quiet, String::new()));
                }
                ("a", true) => {
                    if let Some((href, quiet, text)) = link.take() {
                        out.push(&link_text(&href, quiet, &text));
                    }
                }
                _ => {}
            }
            continue;
        }
        // The first character is text even when it is a `<` that opens no
        // tag; it may be several bytes long.
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let (piece, next) = match rest[first..].find('<') {
            Some(at) => rest.split_at(first + at),
            None => (rest, ""),
        };
        rest = next;
        if skipping > 0 {
            continue;
        }
        let decoded = decode_entities(piece);
        match &mut link {
            Some((_, _, text)) => text.push_str(&decoded),
            None if preformatted > 0 => out.push_verbatim(&decoded),
            None => out.push(&collapse_spaces(&decoded)),
        }
    }
    if let Some((href, quiet, text)) = link {
        out.push(&link_text(&href, quiet, &text));
    }
    out.finish()
}

/// A link as text: a mention or hashtag as written (`@robin`, `#csv`); a
/// link whose text is its address (Mastodon shortens long ones with `…`)
/// as the address; otherwise `text (address)`.
fn link_text(href: &str, quiet: bool, text: &str) -> String {
    let text = collapse_spaces(text.trim_ascii());
    if quiet || href.is_empty() {
        return text;
    }
    let bare = |url: &str| bare_address(url).trim_end_matches('/').to_owned();
    let shown = bare(text.trim_end_matches('…'));
    if text.is_empty() || bare(href).starts_with(&shown) {
        href.to_owned()
    } else {
        format!("{text} ({href})")
    }
}

/// An address as platforms show it in text: without `https://` and `www.`.
pub(super) fn bare_address(url: &str) -> &str {
    url.trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
}

/// Text being built: paragraph and line breaks are added lazily so that
/// empty paragraphs and breaks at the edges leave nothing behind.
#[derive(Debug, Default)]
struct Text {
    out: String,
    /// Newlines owed before the next text: 1 for a line break, 2 for a paragraph.
    pending: usize,
}

impl Text {
    fn paragraph(&mut self) {
        self.pending = 2;
    }

    /// Two `<br>`s in a row are a blank line the writer meant.
    fn line_break(&mut self) {
        self.pending = (self.pending + 1).min(2);
    }

    fn push(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let text = if self.pending > 0 || self.out.is_empty() || self.out.ends_with('\n') {
            text.trim_ascii_start()
        } else {
            text
        };
        if text.is_empty() {
            return;
        }
        self.flush();
        self.out.push_str(text);
    }

    fn push_verbatim(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.flush();
        self.out.push_str(text);
    }

    fn flush(&mut self) {
        if !self.out.is_empty() {
            let owed = if self.out.ends_with('\n') {
                self.pending.saturating_sub(1)
            } else {
                self.pending
            };
            for _ in 0..owed {
                self.out.push('\n');
            }
        }
        self.pending = 0;
    }

    fn finish(self) -> String {
        self.out.trim_ascii_end().to_owned()
    }
}

/// An HTML tag's name and the attributes tend reads.
#[derive(Debug, Default)]
struct Tag {
    name: String,
    closing: bool,
    href: Option<String>,
    class: String,
}

impl Tag {
    fn parse(inside: &str) -> Tag {
        let inside = inside.trim().trim_end_matches('/');
        let (closing, inside) = match inside.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, inside),
        };
        let name_end = inside
            .find(|c: char| c.is_whitespace())
            .unwrap_or(inside.len());
        let mut tag = Tag {
            name: inside[..name_end].to_ascii_lowercase(),
            closing,
            ..Tag::default()
        };
        let mut attributes = &inside[name_end..];
        while let Some(eq) = attributes.find('=') {
            let key = attributes[..eq].trim().to_ascii_lowercase();
            let after = attributes[eq + 1..].trim_start();
            let (value, rest) = if let Some(quote @ ('"' | '\'')) = after.chars().next() {
                let body = &after[1..];
                let close = body.find(quote).unwrap_or(body.len());
                (&body[..close], body.get(close + 1..).unwrap_or(""))
            } else {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            match key.rsplit(char::is_whitespace).next().unwrap_or("") {
                "href" => tag.href = Some(decode_entities(value)),
                "class" => value.clone_into(&mut tag.class),
                _ => {}
            }
            attributes = rest;
        }
        tag
    }

    fn class_has(&self, class: &str) -> bool {
        self.class.split_whitespace().any(|c| c == class)
    }
}

/// Where a tag that starts after `<` ends (its `>`), respecting quoted
/// attribute values; `None` when `<` does not start a tag (`a < b`).
fn tag_end(after: &str) -> Option<usize> {
    let first = after.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '/' || first == '!') {
        return None;
    }
    let mut quote = None;
    for (at, c) in after.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(open), c) if c == open => quote = None,
            (None, '>') => return Some(at),
            _ => {}
        }
    }
    None
}

/// Runs of HTML's whitespace (ASCII space, tab, newlines, form feed) as one
/// space, as a browser shows them. Other spaces are text: an ideographic
/// space in CJK, a no-break space, U+0085 are kept as received.
fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_ascii_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// `&amp;`, `&#x27;`, `&#39;` and the other entities platforms use; an
/// unknown one is left as written.
#[must_use]
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest[1..]
            .find(';')
            .map(|end| end + 1)
            .filter(|&end| end <= 12)
        else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            "hellip" => Some('…'),
            "mdash" => Some('—'),
            "ndash" => Some('–'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        if let Some(c) = decoded {
            out.push(c);
            rest = &rest[end + 1..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mastodon_status_reads_as_written() {
        let html = "<p><span class=\"h-card\" translate=\"no\"><a href=\"https://mastodon.example/@robin\" class=\"u-url mention\">@<span>robin</span></a></span> congrats on 0.9! Does it cope with &quot;Buchungstag;Betrag&quot;?</p><p>Second <a href=\"https://mastodon.example/tags/csv\" class=\"mention hashtag\" rel=\"tag\">#<span>csv</span></a><br>line two</p>";
        assert_eq!(
            to_text(html),
            "@robin congrats on 0.9! Does it cope with \"Buchungstag;Betrag\"?\n\nSecond #csv\nline two"
        );
    }

    #[test]
    fn links_show_their_address() {
        let shortened = "<p>see <a href=\"https://docs.example.com/import/csv-formats\" rel=\"nofollow noopener\" target=\"_blank\"><span class=\"invisible\">https://</span><span class=\"ellipsis\">docs.example.com/import/csv-</span><span class=\"invisible\">formats</span></a></p>";
        assert_eq!(
            to_text(shortened),
            "see https://docs.example.com/import/csv-formats"
        );
        assert_eq!(
            to_text("<a href=\"https://example.com/x\" rel=\"nofollow\">the docs</a>"),
            "the docs (https://example.com/x)"
        );
        assert_eq!(
            to_text(
                "<a href=\"https:&#x2F;&#x2F;example.com&#x2F;a?b=1&amp;c=2\">https:&#x2F;&#x2F;example.com&#x2F;a?b=1&amp;c=2</a>"
            ),
            "https://example.com/a?b=1&c=2"
        );
    }

    #[test]
    fn hacker_news_html_paragraphs_code_and_entities() {
        let html = "I moved my invoices to Tallybook. It&#x27;s fast.<p>Two things:<p><i>one</i> &amp; two<pre><code>  let x = 1;\n  let y = 2;\n</code></pre>done";
        assert_eq!(
            to_text(html),
            "I moved my invoices to Tallybook. It's fast.\n\nTwo things:\n\none & two\n\n  let x = 1;\n  let y = 2;\n\ndone"
        );
    }

    #[test]
    fn odd_input_is_text_not_a_crash() {
        assert_eq!(to_text("a < b and c > d"), "a < b and c > d");
        assert_eq!(to_text("<p>unclosed <a href=\"x"), "unclosed <a href=\"x");
        assert_eq!(
            to_text("&unknown; &#xZZ; & &#1114112;"),
            "&unknown; &#xZZ; & &#1114112;"
        );
        assert_eq!(to_text("<script>alert(1)</script>kept"), "kept");
        assert_eq!(to_text(""), "");
        assert_eq!(to_text("<p></p><p>  </p>"), "");
        // An entity may decode to a control character: kept raw, shown safely later.
        assert_eq!(to_text("a&#27;[31mb"), "a\u{1b}[31mb");
        assert_eq!(to_text("x<br><br>y"), "x\n\ny");
    }

    #[test]
    fn text_runs_may_start_with_any_character() {
        assert_eq!(to_text("<p>été</p>"), "été");
        assert_eq!(to_text("Ça <b>marche</b> ☕<br>森"), "Ça marche ☕\n森");
        assert_eq!(
            to_text("<p>«<a href=\"https://x.example\">la doc</a>»</p>"),
            "«la doc (https://x.example)»"
        );
    }

    #[test]
    fn only_html_whitespace_is_collapsed_or_trimmed() {
        assert_eq!(to_text("<p>\u{3000}x\u{85}</p>"), "\u{3000}x\u{85}");
        assert_eq!(to_text("<p>a</p><p>\u{3000}b</p>"), "a\n\n\u{3000}b");
        assert_eq!(
            to_text("<a href=\"https://e.example/\">\u{3000}label\u{3000}</a>"),
            "\u{3000}label\u{3000} (https://e.example/)"
        );
    }
}
