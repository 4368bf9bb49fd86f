//! Secrets handed to people once and stored only as hashes: a reservation's
//! confirmation code and a restaurant's owner key. Both are long random
//! strings, so a plain SHA-256 is enough to make a stolen database useless
//! for acting on reservations; comparisons take constant time.

use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Letters and digits that cannot be mistaken for one another (no I, L, O, U).
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn random_string(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// A new confirmation code: 10 characters (50 random bits), e.g. `7KQ3M9PXTA`.
pub fn new_confirmation_code() -> String {
    random_string(10)
}

/// A new owner key: `ck_` and 32 characters (160 random bits).
pub fn new_owner_key() -> String {
    format!("ck_{}", random_string(32))
}

/// How a code is compared: upper case, without the spaces or dashes a person
/// may add when copying it.
pub fn normalize_code(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// The stored form of a secret.
pub fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `secret` hashes to `stored`, in constant time.
pub fn matches(secret: &str, stored: &str) -> bool {
    hash(secret).as_bytes().ct_eq(stored.as_bytes()).into()
}

/// A confirmation code sealed with an idempotency key: what a retry with
/// that key needs to show the code again. Without the key (only its hash is
/// stored) the sealed form says nothing of the code.
pub fn seal(code: &str, key: &str) -> String {
    code.bytes().zip(pad(key)).map(|(c, p)| format!("{:02x}", c ^ p)).collect()
}

/// The code [`seal`] sealed with `key`, if `sealed` is such a thing.
pub fn unseal(sealed: &str, key: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..sealed.len())
        .step_by(2)
        .map(|i| sealed.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    let plain: Vec<u8> = bytes?.into_iter().zip(pad(key)).map(|(b, p)| b ^ p).collect();
    String::from_utf8(plain).ok()
}

/// A key stream from an idempotency key, apart from its stored hash.
fn pad(key: &str) -> impl Iterator<Item = u8> {
    let mut hasher = Sha256::new();
    hasher.update(b"covers idempotency seal\0");
    hasher.update(key.as_bytes());
    hasher.finalize().to_vec().into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_random_and_readable() {
        let a = new_confirmation_code();
        let b = new_confirmation_code();
        assert_eq!(a.len(), 10);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
        assert!(new_owner_key().starts_with("ck_"));
    }

    #[test]
    fn a_secret_matches_only_its_own_hash() {
        let code = new_confirmation_code();
        let stored = hash(&code);
        assert!(matches(&code, &stored));
        assert!(!matches("WRONGCODE0", &stored));
        assert_ne!(stored, code, "the stored form is not the secret");
        assert_eq!(normalize_code(" 7kq3-m9px ta"), "7KQ3M9PXTA");
    }

    #[test]
    fn a_sealed_code_opens_only_with_its_key() {
        let code = new_confirmation_code();
        let sealed = seal(&code, "retry-1");
        assert!(!sealed.contains(&code));
        assert_eq!(unseal(&sealed, "retry-1").as_deref(), Some(code.as_str()));
        assert_ne!(unseal(&sealed, "retry-2").as_deref(), Some(code.as_str()));
        assert_eq!(unseal("zz", "retry-1"), None);
    }
}
