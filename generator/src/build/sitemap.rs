//! `sitemap.xml` (every published HTML page, absolute URLs) and `robots.txt`.

use std::fmt::Write as _;

use super::feeds::xml_escape;
use super::output::Sink;
use super::view::Shared;
use super::BuildError;

pub fn render(base_url: &str, paths: &[String]) -> String {
    let base = base_url.trim_end_matches('/');
    let mut out = String::with_capacity(128 + paths.len() * 80);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in paths {
        let _ = writeln!(
            out,
            "  <url><loc>{}</loc></url>",
            xml_escape(&format!("{base}{p}"))
        );
    }
    out.push_str("</urlset>\n");
    out
}

pub fn robots(base_url: &str) -> String {
    format!(
        "User-agent: *\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n",
        base_url.trim_end_matches('/')
    )
}

/// `paths` must be sorted (the build passes them so) for a stable file.
pub fn write(shared: &Shared, paths: &[String], out: &dyn Sink) -> Result<(), BuildError> {
    let base = &shared.site.config.base_url;
    out.write("sitemap.xml", render(base, paths).as_bytes())?;
    out.write("robots.txt", robots(base).as_bytes())
}
