//! Slugs: the URL-safe names of hosts, pages, regions, phases and focus
//! areas (`brook-lane-primary`).

/// Lowercase ASCII letters and digits in runs joined by single hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A slug from a name: "St Aidan's C of E Primary" → "st-aidans-c-of-e-primary".
/// Apostrophes vanish (so "Aidan's" is one word), accents are dropped from
/// common Latin letters, everything else separates words.
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars() {
        if matches!(c, '\'' | '\u{2019}' | '\u{2018}') {
            continue;
        }
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        other => other,
    }
}

/// The message for a name that is not a slug, with the slug it could be.
pub fn not_a_slug(what: &str, s: &str) -> String {
    let fixed = slugify(s);
    if fixed.is_empty() {
        format!("{what} \"{s}\" is not a slug: use lowercase letters, digits and hyphens")
    } else {
        format!("{what} \"{s}\" is not a slug: use lowercase letters, digits and hyphens, e.g. \"{fixed}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_hyphenated_words() {
        assert!(is_slug("brook-lane-primary"));
        assert!(is_slug("post-16"));
        for bad in ["", "Brook", "a--b", "-a", "a-", "a b", "a_b", "é"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn slugify_makes_readable_slugs() {
        assert_eq!(
            slugify("Brook Lane Primary School"),
            "brook-lane-primary-school"
        );
        assert_eq!(
            slugify("St Aidan's C of E Primary"),
            "st-aidans-c-of-e-primary"
        );
        assert_eq!(slugify("  Ecole  Élan -- (Année 2) "), "ecole-elan-annee-2");
        assert_eq!(slugify("!!!"), "");
    }
}
