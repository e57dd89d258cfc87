//! The theme's tera templates, parsed once and reused for every page (and,
//! in `prospectus serve`, for every rebuild until a template changes).

use std::error::Error as _;
use std::fs;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

use tera::{Context, Tera};

use super::output::{hash_value, key_of};
use super::BuildError;

pub struct Renderer {
    tera: Tera,
    theme: String,
    /// Of every template's name and source: part of each page's
    /// [`Renderer::key`], so a template edit renders every page again.
    fingerprint: u64,
    /// `(name, source)`, to point a render error at its line.
    sources: Vec<(String, String)>,
}

impl Renderer {
    /// Parse every template below `root/themes/<theme>/templates`.
    pub fn load(root: &Path, theme: &str) -> Result<Self, BuildError> {
        let dir = theme_dir(root, theme).join("templates");
        if !dir.is_dir() {
            return Err(BuildError::ThemeMissing {
                theme: theme.to_string(),
                path: dir,
            });
        }
        let mut files = Vec::new();
        collect_templates(&dir, &dir, &mut files)?;
        // Sorted so that, with several errors, the same one is reported each run.
        files.sort();
        let mut sources = Vec::with_capacity(files.len());
        for (name, path) in files {
            let bytes = fs::read(&path).map_err(|e| BuildError::io("cannot read", &path, e))?;
            let text = String::from_utf8(bytes).map_err(|e| BuildError::Template {
                template: name.clone(),
                detail: format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
            })?;
            sources.push((name, text));
        }
        Self::from_sources(theme, sources)
    }

    /// A renderer from templates given as `(name, source)` pairs (tests and
    /// the preview server use this too).
    pub fn from_sources(theme: &str, sources: Vec<(String, String)>) -> Result<Self, BuildError> {
        let mut tera = Tera::default();
        // Autoescape every template we render: they are all HTML.
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape_html);
        let fingerprint = key_of(&[&sources]);
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| BuildError::Template {
                template: failing_template(&e).unwrap_or_else(|| "(theme)".to_string()),
                detail: chain(&e),
            })?;
        Ok(Renderer {
            tera,
            theme: theme.to_string(),
            fingerprint,
            sources,
        })
    }

    pub fn theme(&self) -> &str {
        &self.theme
    }

    /// The theme's `static/` folder, copied to the site root as is.
    pub fn static_dir(&self, root: &Path) -> PathBuf {
        theme_dir(root, &self.theme).join("static")
    }

    /// What rendering `template` with `ctx` depends on, as one number: the
    /// same key means the same HTML.
    pub fn key(&self, template: &str, ctx: &Context) -> u64 {
        self.key_of_values(template, &[&ctx.clone().into_json()])
    }

    /// [`Renderer::key`] from a context's values, for callers that know
    /// every key in it (and so need not clone it).
    pub fn key_of_values(&self, template: &str, values: &[&serde_json::Value]) -> u64 {
        let mut h = DefaultHasher::new();
        h.write_u64(self.fingerprint);
        h.write(template.as_bytes());
        values.iter().for_each(|v| hash_value(v, &mut h));
        h.finish()
    }

    /// Render `template` for the page at `page` (used in error messages).
    pub fn render(&self, template: &str, page: &str, ctx: &Context) -> Result<String, BuildError> {
        self.tera.render(template, ctx).map_err(|e| {
            let detail = chain(&e);
            BuildError::Render {
                page: page.to_string(),
                template: self.locate(template, &detail),
                detail,
            }
        })
    }

    /// `template`, or where the error happened, as `name line N`. Tera's
    /// render errors name the template being rendered (an include's, when
    /// that is where it failed) and the expression (`Variable `host.x` not
    /// found`) but not the line: the line is the first one holding that
    /// expression.
    fn locate(&self, template: &str, detail: &str) -> String {
        let name = detail
            .rsplit("while rendering '")
            .next()
            .and_then(|rest| rest.split('\'').next())
            .filter(|n| detail.contains("while rendering '") && !n.is_empty())
            .unwrap_or(template);
        let expression = detail.split('`').nth(1).filter(|x| !x.is_empty());
        let line = self
            .sources
            .iter()
            .find(|(n, _)| n == name)
            .zip(expression)
            .and_then(|((_, text), x)| text.lines().position(|l| l.contains(x)));
        match line {
            Some(i) => format!("{name} line {}", i + 1),
            None => name.to_string(),
        }
    }
}

pub fn theme_dir(root: &Path, theme: &str) -> PathBuf {
    root.join("themes").join(theme)
}

fn collect_templates(
    base: &Path,
    dir: &Path,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), BuildError> {
    let entries = fs::read_dir(dir).map_err(|e| BuildError::io("cannot read", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| BuildError::io("cannot read", dir, e))?;
        let path = entry.path();
        if path.is_dir() {
            collect_templates(base, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            // Template names use `/` whatever the platform.
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((name, path));
        }
    }
    Ok(())
}

/// The template a parse error is in: tera says "Failed to parse 'name'".
fn failing_template(e: &tera::Error) -> Option<String> {
    match &e.kind {
        tera::ErrorKind::MissingParent { current, .. } => Some(current.clone()),
        tera::ErrorKind::CircularExtend { tpl, .. } => Some(tpl.clone()),
        _ => {
            let text = e.to_string();
            let rest = text.strip_prefix("Failed to parse '")?;
            Some(rest[..rest.find('\'')?].to_string())
        }
    }
}

/// Tera's error and every cause, which is where the template name, the line
/// (for syntax errors) and the missing variable are.
fn chain(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(s.to_string().trim_end());
        source = s.source();
    }
    text
}

/// Like tera's, but leaves `/` alone so paths stay readable in the HTML.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
