//! Booking references, secret tokens and their hashes.
//!
//! A reference is what people read out on the phone, so it uses Crockford's
//! base32 alphabet (no I, L, O or U) and a fixed shape: `IK-7KQ2-M9XD`. The
//! token is the secret in the private links; only its SHA-256 is stored, so a
//! leaked table cannot cancel anyone's booking.

use sha2::{Digest, Sha256};

/// Crockford base32: digits and capitals without I, L, O and U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The operating system's random source failed: the only failure here, and a
/// fault of the machine, not of the request.
#[derive(Debug, thiserror::Error)]
#[error("the system random number generator failed: {0}")]
pub struct RandomError(String);

fn random_bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| RandomError(e.to_string()))?;
    Ok(buf)
}

/// A new reference like `IK-7KQ2-M9XD` (40 random bits). References are not
/// secrets; the caller checks the store for a clash before using one.
pub fn new_reference() -> Result<String, RandomError> {
    let bytes = random_bytes::<8>()?;
    let mut out = String::with_capacity(12);
    out.push_str("IK-");
    for (i, b) in bytes.iter().enumerate() {
        if i == 4 {
            out.push('-');
        }
        // 8 bytes, 5 bits each: the modulo is exact because 256 % 32 == 0.
        out.push(ALPHABET[usize::from(*b) % 32] as char);
    }
    Ok(out)
}

/// Reads a reference as people type it: any case, spaces or dashes anywhere,
/// and the look-alike letters Crockford folds (O→0, I/L→1). Answers the
/// canonical `IK-XXXX-XXXX` form, or `None` when it cannot be one.
pub fn normalise_reference(input: &str) -> Option<String> {
    let mut chars: Vec<char> = Vec::with_capacity(10);
    for c in input.trim().chars() {
        match c {
            '-' | ' ' => continue,
            _ => {}
        }
        let c = c.to_ascii_uppercase();
        let c = match c {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        chars.push(c);
        if chars.len() > 10 {
            return None;
        }
    }
    // Ten characters: the "IK" prefix (folded to "1K" above) and eight more.
    if chars.len() != 10 || chars[0] != '1' || chars[1] != 'K' {
        return None;
    }
    let body: String = chars[2..].iter().collect();
    Some(format!("IK-{}-{}", &body[..4], &body[4..]))
}

/// A new secret token: 128 random bits as 32 hex characters.
pub fn new_token() -> Result<String, RandomError> {
    Ok(hex(&random_bytes::<16>()?))
}

/// The token for a booking made with an idempotency key. Derived, not random,
/// so that a repeat of the same request can be answered with the same token
/// without storing the token itself.
pub fn idempotent_token(key: &str, reference: &str) -> String {
    let digest = Sha256::digest(format!("ik-token:{key}:{reference}").as_bytes());
    let mut full = hex(&digest);
    full.truncate(32);
    full
}

/// Hex SHA-256, as stored in `token_hash` and `idempotency_key_hash`.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Does `token` hash to `stored_hash`? Compares the hashes in constant time so
/// the answer's timing says nothing about how much of a guess was right.
pub fn token_matches(token: &str, stored_hash: &str) -> bool {
    let given = sha256_hex(token);
    let (a, b) = (given.as_bytes(), stored_hash.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_have_the_agreed_shape() {
        for _ in 0..200 {
            let r = new_reference().unwrap();
            assert_eq!(r.len(), 12, "{r}");
            assert!(r.starts_with("IK-") && &r[7..8] == "-", "{r}");
            assert!(!r[3..].contains(['I', 'L', 'O', 'U']), "{r}");
            assert_eq!(normalise_reference(&r).as_deref(), Some(r.as_str()));
        }
    }

    #[test]
    fn references_are_read_as_people_type_them() {
        assert_eq!(
            normalise_reference(" ik-7kq2-m9xd ").as_deref(),
            Some("IK-7KQ2-M9XD")
        );
        assert_eq!(
            normalise_reference("IK 7KQ2 M9XD").as_deref(),
            Some("IK-7KQ2-M9XD")
        );
        assert_eq!(
            normalise_reference("ik-oooo-llll").as_deref(),
            Some("IK-0000-1111")
        );
        assert_eq!(normalise_reference("IK-7KQ2-M9X"), None);
        assert_eq!(normalise_reference("XK-7KQ2-M9XD"), None);
        assert_eq!(normalise_reference("IK-7KQ2-M9XDD"), None);
        assert_eq!(normalise_reference("IK-7KQ2-M9XÜ"), None);
        assert_eq!(normalise_reference(""), None);
    }

    #[test]
    fn tokens_are_random_and_checked_by_hash() {
        let t = new_token().unwrap();
        assert_eq!(t.len(), 32);
        assert_ne!(t, new_token().unwrap());
        let h = sha256_hex(&t);
        assert!(token_matches(&t, &h));
        assert!(!token_matches("nope", &h));
        assert!(!token_matches(&t, "short"));
    }

    #[test]
    fn idempotent_tokens_depend_on_key_and_reference() {
        let a = idempotent_token("key-aaaaaaaaaaaaaaaa", "IK-0000-0000");
        assert_eq!(a.len(), 32);
        assert_eq!(a, idempotent_token("key-aaaaaaaaaaaaaaaa", "IK-0000-0000"));
        assert_ne!(a, idempotent_token("key-aaaaaaaaaaaaaaab", "IK-0000-0000"));
        assert_ne!(a, idempotent_token("key-aaaaaaaaaaaaaaaa", "IK-0000-0001"));
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
