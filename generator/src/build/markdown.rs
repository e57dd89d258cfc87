//! Markdown bodies of hosts and content pages, rendered with pulldown-cmark.

use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Render `text` to HTML. A level-1 heading in a body becomes level 2: the
/// page's own title is its only `<h1>`.
pub fn to_html(text: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let parser = Parser::new_ext(text, options).map(|event| match event {
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: HeadingLevel::H2,
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
            Event::End(TagEnd::Heading(HeadingLevel::H2))
        }
        other => other,
    });
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    html::push_html(&mut out, parser);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demotes_level_one_headings() {
        assert_eq!(to_html("# Hi\n\ntext"), "<h2>Hi</h2>\n<p>text</p>\n");
    }

    #[test]
    fn keeps_links_and_lists() {
        let html = to_html("- [a](/b/)\n");
        assert!(html.contains("<a href=\"/b/\">a</a>"), "{html}");
    }
}
