//! "Did you mean ...?": the closest valid name to a misspelt one.

/// The candidate closest to `wrong`, if any is close enough to be a likely
/// typo. Ties go to the earlier candidate, so suggestions are stable.
pub fn closest<'a, I>(wrong: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wrong_lower = wrong.to_lowercase();
    let mut best: Option<(&'a str, f64)> = None;
    for candidate in candidates {
        let score = similarity(&wrong_lower, candidate);
        if score > 0.0 && best.is_none_or(|(_, b)| score > b) {
            best = Some((candidate, score));
        }
    }
    best.map(|(c, _)| c)
}

/// 0.0 (nothing alike) to 1.0 (equal, ignoring case). Close means a
/// typo's worth of edits (one in a short word, two in a longer one; a swap
/// of neighbours counts as one), or a shortened slug: "writing" for
/// "writing-ks2". Looser measures (Jaro-Winkler) rate "nowhere" close to
/// "north-west" because of the shared start, which misleads more than it
/// helps.
fn similarity(wrong_lower: &str, candidate: &str) -> f64 {
    let candidate = candidate.to_lowercase();
    if wrong_lower.len() >= 4 && candidate.starts_with(wrong_lower) {
        return 0.9;
    }
    let (a, b) = (wrong_lower.chars().count(), candidate.chars().count());
    let longest = a.max(b);
    let allowed = match longest {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    };
    // Cheap rejection first: broken links are compared with every path.
    if a.abs_diff(b) > allowed {
        return 0.0;
    }
    let edits = strsim::damerau_levenshtein(wrong_lower, &candidate);
    if edits > allowed {
        return 0.0;
    }
    1.0 - edits as f64 / longest as f64
}

/// ` (did you mean "x"?)`, or nothing.
pub fn did_you_mean<'a, I>(wrong: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    closest(wrong, candidates)
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGIONS: &[&str] = &["north-east", "north-west", "london", "south-west"];

    #[test]
    fn suggests_the_closest_slug() {
        assert_eq!(
            closest("north-wst", REGIONS.iter().copied()),
            Some("north-west")
        );
        assert_eq!(closest("Londn", REGIONS.iter().copied()), Some("london"));
        assert_eq!(closest("postcod", ["postcode", "phase"]), Some("postcode"));
        assert_eq!(
            closest("writing", ["writing-ks2", "sustainability"]),
            Some("writing-ks2")
        );
    }

    #[test]
    fn suggests_nothing_when_nothing_is_close() {
        assert_eq!(closest("midlands-and-wales", REGIONS.iter().copied()), None);
        assert_eq!(closest("x", REGIONS.iter().copied()), None);
        assert_eq!(closest("nowhere", REGIONS.iter().copied()), None);
        assert_eq!(did_you_mean("zzz", ["phase"]), "");
    }
}
