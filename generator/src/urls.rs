//! The site's URL scheme, in one place: templates, the sitemap, feeds, the
//! internal-link check and `slots.json` all ask here, so a path cannot be
//! spelt two ways.

/// Pages that exist whatever the content.
pub const FIXED_PATHS: &[&str] = &[
    "/",
    "/visits/",
    "/search/",
    "/regions/",
    "/focus/",
    "/phases/",
    "/feedback/thanks/",
    "/feed.xml",
    "/visits.ics",
    "/sitemap.xml",
    "/robots.txt",
    "/slots.json",
];

pub fn host(slug: &str) -> String {
    format!("/hosts/{slug}/")
}

pub fn region(slug: &str) -> String {
    format!("/regions/{slug}/")
}

pub fn focus(slug: &str) -> String {
    format!("/focus/{slug}/")
}

pub fn phase(slug: &str) -> String {
    format!("/phases/{slug}/")
}

/// A content page such as `/about/`.
pub fn page(slug: &str) -> String {
    format!("/{slug}/")
}

/// The file a path is written to below the output folder.
pub fn output_file(path: &str) -> String {
    let rel = path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_paths_become_index_files() {
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/hosts/a/"), "hosts/a/index.html");
        assert_eq!(output_file("/feed.xml"), "feed.xml");
    }
}
