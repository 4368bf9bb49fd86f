//! Secrets handed to people once and stored only as keyed hashes: a
//! reservation's confirmation code, a restaurant's owner key, and the
//! idempotency keys that can show a code again. The hash is an HMAC with the
//! server's own key (`COVERS_SECRET`, or a key kept beside the SQLite file),
//! so a copy of the database alone cannot be used to test guesses; the same
//! key signs what must travel through a browser and come back unchanged.
//! Comparisons take constant time.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Letters and digits that cannot be mistaken for one another (no I, L, O, U).
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// What every keyed hash starts with, so that a stored hash of the older,
/// unkeyed form (plain SHA-256 in hex) is told apart and upgraded.
const KEYED: &str = "hmac:";

/// The shortest server secret accepted: 32 characters.
pub const MIN_SECRET_LEN: usize = 32;

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

/// A new server secret: 52 characters (260 random bits).
pub fn new_server_secret() -> String {
    random_string(52)
}

/// How a code is compared: upper case, without the spaces or dashes a person
/// may add when copying it.
pub fn normalize_code(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// The server's key: hashes secrets for storage and signs what travels.
#[derive(Clone)]
pub struct Secrets {
    key: Arc<[u8]>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

impl Secrets {
    /// Secrets keyed by `key` (the server secret's bytes).
    pub fn from_key(key: &[u8]) -> Self {
        Self { key: key.into() }
    }

    fn mac(&self, purpose: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac
    }

    /// The keyed hash of a SHA-256 digest (see [`Secrets::hash`]).
    fn keyed(&self, digest: &[u8]) -> String {
        let mut mac = self.mac("stored secret");
        mac.update(digest);
        format!("{KEYED}{}", hex(&mac.finalize().into_bytes()))
    }

    /// The stored form of a secret: an HMAC of its SHA-256 digest.
    pub fn hash(&self, secret: &str) -> String {
        self.keyed(&Sha256::digest(secret.as_bytes()))
    }

    /// Whether `secret` hashes to `stored`, in constant time.
    pub fn matches(&self, secret: &str, stored: &str) -> bool {
        self.hash(secret).as_bytes().ct_eq(stored.as_bytes()).into()
    }

    /// The keyed form of a hash stored in the older form (the secret's plain
    /// SHA-256 in hex), or `None` when `stored` is not of that form. The
    /// secret itself is not needed, so every stored hash can be upgraded.
    pub fn upgrade(&self, stored: &str) -> Option<String> {
        if stored.len() != 64 || stored.starts_with(KEYED) {
            return None;
        }
        let digest: Option<Vec<u8>> =
            (0..64).step_by(2).map(|i| u8::from_str_radix(&stored[i..i + 2], 16).ok()).collect();
        digest.map(|d| self.keyed(&d))
    }

    /// `data` with a signature for `purpose`: it can travel through a browser
    /// and be trusted when [`Secrets::verify`] accepts it back.
    pub fn sign(&self, purpose: &str, data: &[u8]) -> String {
        let mut mac = self.mac(purpose);
        mac.update(data);
        let tag = mac.finalize().into_bytes();
        format!("{}.{}", URL_SAFE_NO_PAD.encode(data), URL_SAFE_NO_PAD.encode(tag))
    }

    /// The data of a token made by [`Secrets::sign`] for the same purpose, or
    /// `None` when it was made otherwise or changed.
    pub fn verify(&self, purpose: &str, token: &str) -> Option<Vec<u8>> {
        let (data, tag) = token.split_once('.')?;
        let data = URL_SAFE_NO_PAD.decode(data).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        let mut mac = self.mac(purpose);
        mac.update(&data);
        mac.verify_slice(&tag).is_ok().then_some(data)
    }
}

/// What a manage link's token signs: the reservation and when it expires.
const MANAGE_LINK: &str = "manage link";

impl Secrets {
    /// The token of a manage link: a capability for reservation `id` alone,
    /// good until `expires` (Unix seconds). It holds no personal data and
    /// never the confirmation code.
    pub fn manage_token(&self, id: &str, expires: i64) -> String {
        self.sign(MANAGE_LINK, format!("{id} {expires}").as_bytes())
    }

    /// The reservation and expiry a manage token was made for, if this
    /// server made it and nobody changed it.
    pub fn open_manage_token(&self, token: &str) -> Option<(String, i64)> {
        let data = String::from_utf8(self.verify(MANAGE_LINK, token)?).ok()?;
        let (id, expires) = data.split_once(' ')?;
        Some((id.to_string(), expires.parse().ok()?))
    }

    /// `text` (a one-time code) sealed for outbox message `message_id`: only
    /// this server's key opens it, and only for that message.
    pub fn seal_for(&self, message_id: &str, text: &str) -> String {
        xor_hex(text, self.message_pad(message_id))
    }

    /// The text [`Secrets::seal_for`] sealed for `message_id`.
    pub fn open_for(&self, message_id: &str, sealed: &str) -> Option<String> {
        if !sealed.len().is_multiple_of(2) || sealed.len() > 64 {
            return None;
        }
        unxor_hex(sealed, self.message_pad(message_id))
    }

    fn message_pad(&self, message_id: &str) -> impl Iterator<Item = u8> {
        let mut mac = self.mac("outbox seal");
        mac.update(message_id.as_bytes());
        mac.finalize().into_bytes().to_vec().into_iter()
    }
}

/// A new one-time code: 6 digits.
pub fn new_one_time_code() -> String {
    let mut rng = rand::rng();
    format!("{:06}", rng.random_range(0..1_000_000u32))
}

/// A confirmation code sealed with an idempotency key: what a retry with
/// that key needs to show the code again. Without the key (only its keyed
/// hash is stored) the sealed form says nothing of the code.
pub fn seal(code: &str, key: &str) -> String {
    xor_hex(code, pad(key))
}

/// The code [`seal`] sealed with `key`, if `sealed` is such a thing.
pub fn unseal(sealed: &str, key: &str) -> Option<String> {
    unxor_hex(sealed, pad(key))
}

/// `text` with each byte mixed with the key stream `pad`, in hex.
fn xor_hex(text: &str, pad: impl Iterator<Item = u8>) -> String {
    text.bytes().zip(pad).map(|(c, p)| format!("{:02x}", c ^ p)).collect()
}

/// The text [`xor_hex`] made with the same key stream, if `sealed` is such a thing.
fn unxor_hex(sealed: &str, pad: impl Iterator<Item = u8>) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..sealed.len())
        .step_by(2)
        .map(|i| sealed.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    String::from_utf8(bytes?.into_iter().zip(pad).map(|(b, p)| b ^ p).collect()).ok()
}

/// A key stream from an idempotency key, apart from its stored hash.
fn pad(key: &str) -> impl Iterator<Item = u8> {
    let mut hasher = Sha256::new();
    hasher.update(b"covers idempotency seal\0");
    hasher.update(key.as_bytes());
    hasher.finalize().to_vec().into_iter()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> Secrets {
        Secrets::from_key(b"a test key that is long enough to use")
    }

    #[test]
    fn codes_are_random_and_readable() {
        let a = new_confirmation_code();
        let b = new_confirmation_code();
        assert_eq!(a.len(), 10);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
        assert!(new_owner_key().starts_with("ck_"));
        assert!(new_server_secret().len() >= MIN_SECRET_LEN);
    }

    #[test]
    fn a_secret_matches_only_its_own_hash() {
        let code = new_confirmation_code();
        let stored = secrets().hash(&code);
        assert!(secrets().matches(&code, &stored));
        assert!(!secrets().matches("WRONGCODE0", &stored));
        assert!(!stored.contains(&code), "the stored form is not the secret");
        assert_eq!(normalize_code(" 7kq3-m9px ta"), "7KQ3M9PXTA");
    }

    #[test]
    fn the_stored_hash_depends_on_the_server_key() {
        let other = Secrets::from_key(b"another key, as on another server!!");
        let stored = secrets().hash("7KQ3M9PXTA");
        assert!(!other.matches("7KQ3M9PXTA", &stored));
        // Nor is it the plain SHA-256 of the code, which a copy of the
        // database alone would let anyone test guesses against.
        assert!(!stored.contains(&hex(&Sha256::digest(b"7KQ3M9PXTA"))));
    }

    #[test]
    fn an_unkeyed_hash_upgrades_to_the_keyed_one() {
        let legacy = hex(&Sha256::digest(b"7KQ3M9PXTA"));
        let upgraded = secrets().upgrade(&legacy).unwrap();
        assert!(secrets().matches("7KQ3M9PXTA", &upgraded));
        assert_eq!(secrets().upgrade(&upgraded), None, "a keyed hash stays as it is");
        assert_eq!(secrets().upgrade("not a hash"), None);
    }

    #[test]
    fn a_signed_token_comes_back_only_unchanged_and_for_its_purpose() {
        let token = secrets().sign("flash", b"{\"a\":1}");
        assert_eq!(secrets().verify("flash", &token).as_deref(), Some(&b"{\"a\":1}"[..]));
        assert_eq!(secrets().verify("other", &token), None);
        let (data, tag) = token.split_once('.').unwrap();
        let forged = format!("{}.{tag}", URL_SAFE_NO_PAD.encode(b"{\"a\":2}"));
        assert_ne!(data, URL_SAFE_NO_PAD.encode(b"{\"a\":2}"));
        assert_eq!(secrets().verify("flash", &forged), None);
        assert_eq!(secrets().verify("flash", "garbage"), None);
    }

    #[test]
    fn a_manage_token_opens_only_unchanged() {
        let token = secrets().manage_token("r-1", 1_900_000_000);
        assert_eq!(secrets().open_manage_token(&token), Some(("r-1".into(), 1_900_000_000)));
        let other = Secrets::from_key(b"another key, as on another server!!");
        assert_eq!(other.open_manage_token(&token), None);
        let forged = secrets().sign("flash", b"r-1 1900000000");
        assert_eq!(secrets().open_manage_token(&forged), None, "a token of another purpose");
    }

    #[test]
    fn a_code_sealed_for_a_message_opens_only_for_it() {
        let code = new_one_time_code();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let sealed = secrets().seal_for("m-1", &code);
        assert!(!sealed.contains(&code));
        assert_eq!(secrets().open_for("m-1", &sealed).as_deref(), Some(code.as_str()));
        assert_ne!(secrets().open_for("m-2", &sealed).as_deref(), Some(code.as_str()));
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
