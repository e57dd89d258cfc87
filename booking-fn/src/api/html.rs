//! The little HTML the API writes itself: escaping, URL encoding and the page
//! frame every answer shares. Hand-written rather than a template engine
//! because there are five small pages and the Lambda binary should stay lean;
//! every value from a request or the store goes through [`esc`].

use std::fmt::Write;

use chrono::NaiveDate;

/// HTML-escapes text for element content and double- or single-quoted
/// attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Percent-encodes a query-string value: everything but the unreserved
/// characters of RFC 3986.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// "Thursday 14 October 2027", as the site writes dates.
pub fn long_date(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// "north-west" → "North West", "east-of-england" → "East of England",
/// "yorkshire-and-the-humber" → "Yorkshire and the Humber".
pub fn region_name(slug: &str) -> String {
    let words: Vec<String> = slug
        .split('-')
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            if i > 0 && matches!(w, "and" | "of" | "the") {
                w.to_string()
            } else {
                let mut cs = w.chars();
                match cs.next() {
                    Some(first) => first.to_uppercase().chain(cs).collect(),
                    None => String::new(),
                }
            }
        })
        .collect();
    words.join(" ")
}

/// A whole page: the shared frame (skip link, header, one `main` landmark,
/// footer) around `main_html`, which must already be escaped. Loads only the
/// site's stylesheet; no inline script or style, so the CSP can forbid both.
pub fn page(title: &str, site_title: &str, main_html: &str) -> String {
    let mut out = String::with_capacity(main_html.len() + 1200);
    let _ = write!(
        out,
        concat!(
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n",
            "<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<meta name=\"robots\" content=\"noindex, nofollow\">\n",
            "<title>{title} – {site}</title>\n",
            "<link rel=\"stylesheet\" href=\"/assets/site.css\">\n",
            "</head>\n<body>\n",
            "<a href=\"#main-content\" class=\"ik-skip-link\">Skip to main content</a>\n",
            "<header class=\"ik-header\"><div class=\"ik-width-container\">",
            "<a href=\"/\" class=\"ik-header__link\">{site}</a>",
            "</div></header>\n",
            "<div class=\"ik-width-container\">\n",
            "<main class=\"ik-main\" id=\"main-content\">\n{main}</main>\n</div>\n",
            "<footer class=\"ik-footer\"><div class=\"ik-width-container\">",
            "<p class=\"ik-body\"><a href=\"/\">{site} home</a></p>",
            "</div></footer>\n</body>\n</html>\n"
        ),
        title = esc(title),
        site = esc(site_title),
        main = main_html,
    );
    out
}

/// One row of an `ik-summary-list`; `value_html` is already escaped.
pub fn summary_row(out: &mut String, key: &str, value_html: &str, change: Option<(&str, &str)>) {
    let _ = write!(
        out,
        "<div class=\"ik-summary-list__row\"><dt class=\"ik-summary-list__key\">{}</dt>\
         <dd class=\"ik-summary-list__value\">{}</dd>",
        esc(key),
        value_html
    );
    if let Some((href, what)) = change {
        let _ = write!(
            out,
            "<dd class=\"ik-summary-list__actions\"><a href=\"{}\">Change<span class=\"ik-visually-hidden\"> {}</span></a></dd>",
            esc(href),
            esc(what)
        );
    }
    out.push_str("</div>\n");
}

/// A hidden form field.
pub fn hidden(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(
        out,
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        esc(name),
        esc(value)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn encodes_query_values() {
        assert_eq!(
            url_encode("IK-7KQ2 M9/X&y=ü"),
            "IK-7KQ2%20M9%2FX%26y%3D%C3%BC"
        );
    }

    #[test]
    fn names_regions_and_dates() {
        assert_eq!(region_name("north-west"), "North West");
        assert_eq!(region_name("east-of-england"), "East of England");
        assert_eq!(
            region_name("yorkshire-and-the-humber"),
            "Yorkshire and the Humber"
        );
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2027, 10, 14).unwrap()),
            "Thursday 14 October 2027"
        );
    }

    #[test]
    fn page_frame_has_the_landmarks() {
        let p = page("Title <x>", "Site & co", "<h1>Hi</h1>");
        assert!(p.contains("<html lang=\"en-GB\">"));
        assert!(p.contains("<title>Title &lt;x&gt; – Site &amp; co</title>"));
        assert!(p.contains("<main class=\"ik-main\" id=\"main-content\">"));
        assert!(p.contains("class=\"ik-skip-link\""));
        assert!(!p.contains("<script") && !p.contains("style="));
    }
}
