//! Turning a request body into named text fields, and the checks every field
//! shares (trimming, length limits, control characters, unknown names).
//!
//! Both content types end up as the same map of field name to text, so the
//! endpoint code validates one shape. JSON numbers become their decimal text
//! and booleans `yes`/`no`, so `{"places": 2, "consent": true}` means what a
//! form's `places=2&consent=yes` means.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};

use super::problem::{ApiError, FieldError, Format};

/// Bodies larger than this are refused with 413 before they are parsed.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The fields of one submission, names to untrimmed values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(BTreeMap<String, String>);

#[derive(Debug)]
pub struct Submission {
    pub format: Format,
    pub fields: Fields,
}

/// The format to answer in before the body is understood: JSON for clients
/// that send or accept JSON, otherwise an HTML page.
pub fn preferred_format(headers: &HeaderMap) -> Format {
    let wants_json = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("json"))
    };
    if wants_json(header::CONTENT_TYPE) || wants_json(header::ACCEPT) {
        Format::Json
    } else {
        Format::Html
    }
}

/// Which of the two accepted content types the request uses.
pub fn content_format(headers: &HeaderMap) -> Result<Format, ApiError> {
    let unsupported = |what: String| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "The request could not be read",
            format!(
                "{what}. Send application/x-www-form-urlencoded (a plain HTML form) or application/json."
            ),
        )
    };
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(unsupported("The request has no Content-Type".to_string()));
    };
    let Ok(value) = value.to_str() else {
        return Err(unsupported(
            "The Content-Type header is not readable text".to_string(),
        ));
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let format = match essence.as_str() {
        "application/x-www-form-urlencoded" => Format::Html,
        "application/json" => Format::Json,
        _ => {
            let shown: String = essence.chars().take(60).collect();
            return Err(unsupported(format!(
                "Content-Type {shown:?} is not accepted"
            )));
        }
    };
    for param in parts {
        let (name, val) = param.split_once('=').unwrap_or((param, ""));
        if name.trim().eq_ignore_ascii_case("charset") {
            let charset = val.trim().trim_matches('"');
            if !charset.eq_ignore_ascii_case("utf-8") {
                let shown: String = charset.chars().take(30).collect();
                return Err(unsupported(format!(
                    "The character set {shown:?} is not accepted; use UTF-8"
                )));
            }
        }
    }
    Ok(format)
}

/// Reads and parses a POST body. On failure the error comes with the format
/// to answer in.
pub async fn read_submission(
    headers: &HeaderMap,
    body: Body,
) -> Result<Submission, (Format, ApiError)> {
    let fallback = preferred_format(headers);
    let format = content_format(headers).map_err(|e| (fallback, e))?;
    let bytes = read_body(headers, body).await.map_err(|e| (format, e))?;
    let fields = match format {
        Format::Html => parse_urlencoded(&bytes),
        Format::Json => parse_json(&bytes),
    }
    .map_err(|e| (format, e))?;
    Ok(Submission { format, fields })
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "The request is too large",
        format!(
            "The form sent is larger than {} KB. Shorten the longer answers and try again.",
            MAX_BODY_BYTES / 1024
        ),
    )
}

async fn read_body(headers: &HeaderMap, body: Body) -> Result<Vec<u8>, ApiError> {
    // Refuse early on the declared length; the limit below catches bodies
    // that lie about it or are chunked.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(e) => {
            let over_limit = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
                || e.to_string().contains("length limit");
            if over_limit {
                Err(too_large())
            } else {
                Err(ApiError::bad_request(
                    "The request body could not be read to the end.",
                ))
            }
        }
    }
}

/// Parses `application/x-www-form-urlencoded`, refusing what a browser never
/// sends: invalid UTF-8 (raw or percent-encoded) and repeated field names.
pub fn parse_urlencoded(bytes: &[u8]) -> Result<Fields, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request("The form data is not valid UTF-8 text."))?;
    let mut map = BTreeMap::new();
    for pair in text.split('&') {
        if pair.is_empty() {
            continue;
        }
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode(raw_name).ok_or_else(|| {
            ApiError::bad_request(
                "The form data has a field name that is not valid percent-encoded UTF-8.",
            )
        })?;
        let value = percent_decode(raw_value).ok_or_else(|| {
            ApiError::bad_request(format!(
                "The form field {} is not valid percent-encoded UTF-8.",
                shown_name(&name)
            ))
        })?;
        if map.insert(name.clone(), value).is_some() {
            return Err(ApiError::bad_request(format!(
                "The form field {} was sent more than once.",
                shown_name(&name)
            )));
        }
    }
    Ok(Fields(map))
}

/// `+` is a space; `%XX` a byte; the bytes must form UTF-8. A `%` not
/// followed by two hex digits is refused (browsers always encode it).
fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16))?;
                let lo = bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16))?;
                out.push((hi * 16 + lo) as u8);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Parses a JSON object of simple values.
pub fn parse_json(bytes: &[u8]) -> Result<Fields, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "The request body is empty; send a JSON object of fields.",
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request("The request body is not valid UTF-8 text."))?;
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}.")))?;
    let serde_json::Value::Object(object) = value else {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object of fields.",
        ));
    };
    let mut map = BTreeMap::new();
    for (name, value) in object {
        let text = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(true) => "yes".to_string(),
            serde_json::Value::Bool(false) => "no".to_string(),
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                return Err(ApiError::bad_request(format!(
                    "The field {} must be text, a number or true/false, not a list or object.",
                    shown_name(&name)
                )))
            }
        };
        map.insert(name, text);
    }
    Ok(Fields(map))
}

/// A field name from the request, made safe and short for a message.
pub fn shown_name(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
    format!("`{clean}`")
}

/// Whether a text field may span lines (text areas) or not (inputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

impl Fields {
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// The trimmed value, `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// Refuses names outside `allowed`, naming each one.
    pub fn refuse_unknown(&self, allowed: &[&str]) -> Result<(), ApiError> {
        let unknown: Vec<FieldError> = self
            .0
            .keys()
            .filter(|k| !allowed.contains(&k.as_str()))
            .take(20)
            .map(|k| {
                let shown = shown_name(k);
                FieldError::new(
                    shown.trim_matches('`'),
                    format!("The field {shown} is not part of this form"),
                )
            })
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = unknown.iter().map(|e| e.field.as_str()).collect();
        let mut error = ApiError::bad_request(format!(
            "The request has fields this form does not have: {}.",
            names.join(", ")
        ));
        error.errors = unknown;
        Err(error)
    }
}

/// Collects field errors while reading values, so one answer lists them all.
#[derive(Debug, Default)]
pub struct Checker {
    pub errors: Vec<FieldError>,
}

impl Checker {
    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    pub fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// A required text field: trimmed, at most `max` characters, no control
    /// characters (line breaks only in `Lines::Many` fields).
    pub fn required(
        &mut self,
        fields: &Fields,
        name: &str,
        label: &str,
        missing: &str,
        max: usize,
        lines: Lines,
    ) -> Option<String> {
        match fields.get(name) {
            None => {
                self.fail(name, missing);
                None
            }
            Some(v) => self.text(name, label, v, max, lines),
        }
    }

    /// An optional text field; blank means absent.
    pub fn optional(
        &mut self,
        fields: &Fields,
        name: &str,
        label: &str,
        max: usize,
        lines: Lines,
    ) -> Option<String> {
        let v = fields.get(name)?;
        self.text(name, label, v, max, lines)
    }

    fn text(
        &mut self,
        name: &str,
        label: &str,
        value: &str,
        max: usize,
        lines: Lines,
    ) -> Option<String> {
        if value.chars().count() > max {
            self.fail(name, format!("{label} must be {max} characters or fewer"));
            return None;
        }
        // Bidi overrides and isolates can make stored text read differently
        // from what was typed (in an export, say), so they count as control.
        let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        let bad_char = |c: char| match lines {
            Lines::One => c.is_control() || bidi(c),
            Lines::Many => (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || bidi(c),
        };
        if value.chars().any(bad_char) {
            let what = match lines {
                Lines::One => "line breaks or control characters",
                Lines::Many => "control characters",
            };
            self.fail(name, format!("{label} must not contain {what}"));
            return None;
        }
        if opens_a_tag(value) {
            self.fail(
                name,
                format!("{label} must not contain HTML tags, like <b> or <script>"),
            );
            return None;
        }
        // Normalise line endings so stored text is the same from any browser.
        Some(value.replace("\r\n", "\n"))
    }

    /// One of a fixed set of answers.
    pub fn choice<'a>(
        &mut self,
        fields: &Fields,
        name: &str,
        allowed: &[&'a str],
        message: &str,
    ) -> Option<&'a str> {
        let value = fields.get(name);
        match value.and_then(|v| allowed.iter().find(|a| a.eq_ignore_ascii_case(v))) {
            Some(a) => Some(a),
            None => {
                self.fail(name, message);
                None
            }
        }
    }
}

/// Validates an email address the way people write them: one `@`, a local
/// part of at most 64 characters and a dotted domain of letters, digits and
/// hyphens. Deliberately stricter than RFC 5322 (no quoted parts or IP
/// literals): it guards against typos, not exotic addresses.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    local_ok && domain_ok
}

/// Parses a query string with the same rules as a form body; a bad query is
/// treated as empty (GET pages then say what is missing).
pub fn parse_query(query: Option<&str>) -> Fields {
    query
        .map(|q| parse_urlencoded(q.as_bytes()).unwrap_or_default())
        .unwrap_or_default()
}

/// Whether text holds what a browser would read as markup: `<` followed by
/// a letter, `/`, `!` or `?`. A lone `<` ("fewer than < 30") is fine. Output
/// is escaped anyway; this keeps markup out of stored data and exports.
fn opens_a_tag(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencoded_decodes_and_refuses_bad_input() {
        let f = parse_urlencoded(b"a=x+y%21&b=&c").unwrap();
        assert_eq!(f.get("a"), Some("x y!"));
        assert_eq!(f.get("b"), None);
        assert_eq!(f.get("c"), None);
        assert!(parse_urlencoded(b"a=%FF")
            .unwrap_err()
            .detail
            .contains("`a`"));
        assert!(parse_urlencoded(b"a=%4").is_err());
        assert!(parse_urlencoded(&[b'a', b'=', 0xff])
            .unwrap_err()
            .detail
            .contains("UTF-8"));
        assert!(parse_urlencoded(b"a=1&a=2")
            .unwrap_err()
            .detail
            .contains("more than once"));
    }

    #[test]
    fn json_becomes_text_fields() {
        let f =
            parse_json(br#"{"places": 2, "consent": true, "needs": null, "x": false}"#).unwrap();
        assert_eq!(f.get("places"), Some("2"));
        assert_eq!(f.get("consent"), Some("yes"));
        assert_eq!(f.get("needs"), None);
        assert_eq!(f.get("x"), Some("no"));
        assert!(parse_json(b"[1]")
            .unwrap_err()
            .detail
            .contains("JSON object"));
        assert!(parse_json(b"{")
            .unwrap_err()
            .detail
            .starts_with("The request body is not valid JSON"));
        assert!(parse_json(br#"{"a": [1]}"#)
            .unwrap_err()
            .detail
            .contains("`a`"));
        assert!(parse_json(b"  ").unwrap_err().detail.contains("empty"));
    }

    #[test]
    fn emails() {
        for ok in [
            "a@b.org",
            "first.last+tag@school.sch.uk",
            "x_y@sub-domain.example.com",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.org",
            "a@.org",
            "a@b..org",
            "a b@c.org",
            "a@b.c",
            "a@-b.org",
            ".a@b.org",
            "a@b.org1",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn checker_trims_limits_and_refuses_control_characters() {
        let f = Fields::from_pairs([
            ("n", "  Ann  "),
            ("long", "xxxxxx"),
            ("nl", "a\nb"),
            ("ml", "a\r\nb"),
        ]);
        let mut c = Checker::default();
        assert_eq!(
            c.required(&f, "n", "Name", "Enter a name", 10, Lines::One)
                .as_deref(),
            Some("Ann")
        );
        assert_eq!(
            c.required(&f, "missing", "Name", "Enter a name", 10, Lines::One),
            None
        );
        assert_eq!(c.required(&f, "long", "Long", "x", 5, Lines::One), None);
        assert_eq!(c.required(&f, "nl", "Line", "x", 5, Lines::One), None);
        assert_eq!(
            c.optional(&f, "ml", "Many", 5, Lines::Many).as_deref(),
            Some("a\nb")
        );
        let msgs: Vec<&str> = c.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "Enter a name",
                "Long must be 5 characters or fewer",
                "Line must not contain line breaks or control characters"
            ]
        );
    }
}
