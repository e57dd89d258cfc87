//! UK postcodes: the shape only (outward code, space, inward code), since we
//! cannot know which postcodes exist without the Royal Mail's file.

/// `Ok(())` for a postcode written as it should be (`BL1 4QZ`); otherwise
/// the canonical spelling when it is a valid postcode written differently
/// (`Err(Some("BL1 4QZ"))` for `bl14qz`), or `Err(None)` when it is not a
/// postcode at all.
pub fn check(postcode: &str) -> Result<(), Option<String>> {
    let compact: String = postcode
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if !is_valid_compact(&compact) {
        return Err(None);
    }
    let canonical = format!(
        "{} {}",
        &compact[..compact.len() - 3],
        &compact[compact.len() - 3..]
    );
    if canonical == postcode {
        Ok(())
    } else {
        Err(Some(canonical))
    }
}

/// Outward code A9, A99, AA9, AA99, A9A or AA9A, then inward code 9AA.
fn is_valid_compact(compact: &str) -> bool {
    let bytes = compact.as_bytes();
    if !(5..=7).contains(&bytes.len()) || !compact.is_ascii() {
        return false;
    }
    let (outward, inward) = bytes.split_at(bytes.len() - 3);
    if compact == "GIR0AA" {
        return true;
    }
    let inward_ok = inward[0].is_ascii_digit()
        && inward[1].is_ascii_uppercase()
        && inward[2].is_ascii_uppercase();
    let shape: String = outward
        .iter()
        .map(|b| match b {
            b'A'..=b'Z' => 'A',
            b'0'..=b'9' => '9',
            _ => '?',
        })
        .collect();
    inward_ok
        && matches!(
            shape.as_str(),
            "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_outward_shape() {
        for ok in [
            "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "L8 4UE",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn offers_the_canonical_spelling() {
        assert_eq!(check("bl14qz"), Err(Some("BL1 4QZ".into())));
        assert_eq!(check("BL1  4QZ"), Err(Some("BL1 4QZ".into())));
    }

    #[test]
    fn rejects_what_is_not_a_postcode() {
        for bad in [
            "",
            "BL1",
            "12345",
            "BL1 4Q",
            "BLA 4QZ",
            "BL1 QQZ",
            "ÉL1 4QZ",
            "BL123 4QZ",
        ] {
            assert_eq!(check(bad), Err(None), "{bad}");
        }
    }
}
