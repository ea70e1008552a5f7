//! Signed logons: Ed25519 and HMAC-SHA256 keys, the receive window, replayed nonces.

use ed25519_dalek::{Signer, SigningKey};
use tradestream_model::AccountId;
use tradestream_ws::auth::{
    hmac_signature, logon_message, AuthError, Authenticator, Grant, Key, KeySecret, KeyStore,
    Scopes,
};
use tradestream_ws::protocol::request::{ErrorCode, Logon};

const NOW: i64 = 1_763_790_000_000;
const WINDOW: i64 = 5_000;
const HMAC_SECRET: &str = "demo-hmac-secret";

fn signing_key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn ed_key(api_key: &str, seed: u8, account: u64, scopes: Scopes) -> Key {
    let public = hex::encode(signing_key(seed).verifying_key().as_bytes());
    Key {
        api_key: api_key.into(),
        account: AccountId(account),
        scopes,
        secret: KeySecret::ed25519_hex(&public).unwrap(),
    }
}

fn auth() -> Authenticator {
    let keys = vec![
        ed_key("ed-1", 1, 1, Scopes::TRADE),
        ed_key("ed-2", 2, 2, Scopes::READ),
        Key {
            api_key: "hm-1".into(),
            account: AccountId(3),
            scopes: Scopes::READ,
            secret: KeySecret::hmac(HMAC_SECRET),
        },
        ed_key("admin", 3, 0, Scopes::ADMIN),
    ];
    Authenticator::new(KeyStore::new(keys).unwrap(), WINDOW)
}

fn ed_logon(api_key: &str, seed: u8, timestamp: i64, nonce: &str) -> Logon {
    let msg = logon_message(api_key, timestamp, nonce);
    let signature = hex::encode(signing_key(seed).sign(msg.as_bytes()).to_bytes());
    Logon {
        api_key: api_key.into(),
        timestamp,
        nonce: nonce.into(),
        signature,
        cancel_on_disconnect: false,
    }
}

fn hmac_logon(api_key: &str, secret: &str, timestamp: i64, nonce: &str) -> Logon {
    let signature = hmac_signature(secret.as_bytes(), &logon_message(api_key, timestamp, nonce));
    Logon {
        api_key: api_key.into(),
        timestamp,
        nonce: nonce.into(),
        signature,
        cancel_on_disconnect: false,
    }
}

fn code(r: Result<Grant, AuthError>) -> ErrorCode {
    r.expect_err("the logon should be refused").code()
}

#[test]
fn valid_ed25519_logon() {
    let mut a = auth();
    let g = a
        .logon(&ed_logon("ed-1", 1, NOW, "nonce-0001"), NOW)
        .unwrap();
    assert_eq!(
        g,
        Grant {
            account: AccountId(1),
            scopes: Scopes::TRADE,
            api_key: "ed-1".into()
        }
    );
    assert!(g.scopes.can_read() && g.scopes.can_trade() && !g.scopes.is_admin());
    let g = a
        .logon(&ed_logon("admin", 3, NOW, "nonce-0001"), NOW)
        .unwrap();
    assert!(g.scopes.is_admin() && !g.scopes.can_trade());
}

#[test]
fn valid_hmac_logon() {
    let mut a = auth();
    let g = a
        .logon(&hmac_logon("hm-1", HMAC_SECRET, NOW, "nonce-0001"), NOW)
        .unwrap();
    assert_eq!((g.account, g.scopes), (AccountId(3), Scopes::READ));
    // Upper-case hex is accepted too.
    let mut l = hmac_logon("hm-1", HMAC_SECRET, NOW, "nonce-0002");
    l.signature = l.signature.to_uppercase();
    assert!(a.logon(&l, NOW).is_ok());
    let mut l = ed_logon("ed-1", 1, NOW, "nonce-0002");
    l.signature = l.signature.to_uppercase();
    assert!(a.logon(&l, NOW).is_ok());
}

#[test]
fn unknown_key() {
    let mut a = auth();
    let r = a.logon(&ed_logon("nobody", 1, NOW, "nonce-0001"), NOW);
    assert_eq!(r, Err(AuthError::UnknownKey("nobody".into())));
    assert_eq!(code(r), ErrorCode::AuthFailed);
}

#[test]
fn wrong_key_signs() {
    let mut a = auth();
    // ed-1's logon signed with ed-2's secret key.
    assert_eq!(
        code(a.logon(&ed_logon("ed-1", 2, NOW, "nonce-0001"), NOW)),
        ErrorCode::AuthFailed
    );
    assert_eq!(
        code(a.logon(&hmac_logon("hm-1", "other-secret", NOW, "nonce-0001"), NOW)),
        ErrorCode::AuthFailed
    );
    // A signature over other fields: the nonce is part of the message.
    let mut l = ed_logon("ed-1", 1, NOW, "nonce-0001");
    l.nonce = "nonce-0002".into();
    assert_eq!(code(a.logon(&l, NOW)), ErrorCode::AuthFailed);
}

/// Flips one bit of the hex signature at every nibble position.
fn flip_each_bit(sig: &str) -> impl Iterator<Item = String> + '_ {
    (0..sig.len()).map(move |i| {
        let mut b = sig.as_bytes().to_vec();
        let v = u8::from_str_radix(std::str::from_utf8(&b[i..=i]).unwrap(), 16).unwrap() ^ 1;
        b[i] = format!("{v:x}").as_bytes()[0];
        String::from_utf8(b).unwrap()
    })
}

#[test]
fn one_bit_flipped() {
    let mut a = auth();
    let good = ed_logon("ed-1", 1, NOW, "nonce-0001");
    for sig in flip_each_bit(&good.signature) {
        let l = Logon {
            signature: sig,
            ..good.clone()
        };
        assert_eq!(code(a.logon(&l, NOW)), ErrorCode::AuthFailed);
    }
    let good = hmac_logon("hm-1", HMAC_SECRET, NOW, "nonce-0001");
    for sig in flip_each_bit(&good.signature) {
        let l = Logon {
            signature: sig,
            ..good.clone()
        };
        assert_eq!(code(a.logon(&l, NOW)), ErrorCode::AuthFailed);
    }
    // The refusals recorded nothing: the genuine logons still pass with the same nonce.
    assert!(a
        .logon(&ed_logon("ed-1", 1, NOW, "nonce-0001"), NOW)
        .is_ok());
    assert!(a.logon(&good, NOW).is_ok());
}

#[test]
fn bad_hex_or_length() {
    let mut a = auth();
    let ed = ed_logon("ed-1", 1, NOW, "nonce-0001");
    let hm = hmac_logon("hm-1", HMAC_SECRET, NOW, "nonce-0001");
    let cases = [
        (&ed, ed.signature[..126].to_string()),
        (&ed, format!("{}00", ed.signature)),
        (&ed, format!("{}zz", &ed.signature[..126])),
        (&ed, hm.signature.clone()),
        (&ed, String::new()),
        (&hm, hm.signature[..62].to_string()),
        (&hm, format!("{}0", hm.signature)),
        (&hm, format!("{}g", &hm.signature[..63])),
        (&hm, ed.signature.clone()),
    ];
    for (base, sig) in cases {
        let l = Logon {
            signature: sig.clone(),
            ..base.clone()
        };
        let r = a.logon(&l, NOW);
        assert!(matches!(r, Err(AuthError::BadSignature(_))), "{sig}: {r:?}");
        assert_eq!(code(r), ErrorCode::AuthFailed);
    }
}

#[test]
fn stale_both_ways_and_the_window_edge() {
    let mut a = auth();
    let at =
        |a: &mut Authenticator, ts: i64, nonce: &str| a.logon(&ed_logon("ed-1", 1, ts, nonce), NOW);
    assert!(at(&mut a, NOW - WINDOW, "edge-past").is_ok());
    assert!(at(&mut a, NOW + WINDOW, "edge-future").is_ok());
    let r = at(&mut a, NOW - WINDOW - 1, "too-old-1");
    assert_eq!(
        r,
        Err(AuthError::StaleTimestamp {
            timestamp: NOW - WINDOW - 1,
            now_ms: NOW,
            skew_ms: 5_001,
            window_ms: WINDOW
        })
    );
    assert_eq!(code(r), ErrorCode::StaleTimestamp);
    assert_eq!(
        code(at(&mut a, NOW + WINDOW + 1, "too-new-1")),
        ErrorCode::StaleTimestamp
    );
    assert_eq!(
        code(at(&mut a, i64::MIN, "extreme-1")),
        ErrorCode::StaleTimestamp
    );
    assert_eq!(
        code(at(&mut a, i64::MAX, "extreme-2")),
        ErrorCode::StaleTimestamp
    );
    // The window is checked before the signature: a stale garbage logon says stale.
    let mut l = ed_logon("ed-1", 1, NOW - 60_000, "garbage-1");
    l.signature = "00".repeat(64);
    assert_eq!(code(a.logon(&l, NOW)), ErrorCode::StaleTimestamp);
    let message = code(at(&mut a, NOW - 60_000, "too-old-2"));
    assert_eq!(message, ErrorCode::StaleTimestamp);
}

#[test]
fn reused_nonce_refused() {
    let mut a = auth();
    let l = ed_logon("ed-1", 1, NOW, "nonce-0001");
    assert!(a.logon(&l, NOW).is_ok());
    let r = a.logon(&l, NOW + 1);
    assert_eq!(r, Err(AuthError::NonceReused("nonce-0001".into())));
    assert_eq!(code(r), ErrorCode::NonceReused);
    // A fresh signature with the same nonce and another timestamp is a reuse too.
    assert_eq!(
        code(a.logon(&ed_logon("ed-1", 1, NOW + 10, "nonce-0001"), NOW + 10)),
        ErrorCode::NonceReused
    );
    let l = hmac_logon("hm-1", HMAC_SECRET, NOW, "nonce-0001");
    assert!(a.logon(&l, NOW).is_ok());
    assert_eq!(code(a.logon(&l, NOW)), ErrorCode::NonceReused);
}

#[test]
fn same_nonce_for_another_key() {
    let mut a = auth();
    assert!(a
        .logon(&ed_logon("ed-1", 1, NOW, "shared-nonce"), NOW)
        .is_ok());
    assert!(a
        .logon(&ed_logon("ed-2", 2, NOW, "shared-nonce"), NOW)
        .is_ok());
    assert!(a
        .logon(&hmac_logon("hm-1", HMAC_SECRET, NOW, "shared-nonce"), NOW)
        .is_ok());
}

#[test]
fn nonce_accepted_again_after_it_expired() {
    let mut a = auth();
    assert!(a
        .logon(&ed_logon("ed-1", 1, NOW, "nonce-0001"), NOW)
        .is_ok());
    // Remembered while the clock is within two windows of the logon's timestamp.
    let later = NOW + 2 * WINDOW;
    assert_eq!(
        code(a.logon(&ed_logon("ed-1", 1, later, "nonce-0001"), later)),
        ErrorCode::NonceReused
    );
    // The original logon replayed then is stale anyway.
    assert_eq!(
        code(a.logon(&ed_logon("ed-1", 1, NOW, "nonce-0001"), later + 1)),
        ErrorCode::StaleTimestamp
    );
    let later = later + 1;
    assert!(a
        .logon(&ed_logon("ed-1", 1, later, "nonce-0001"), later)
        .is_ok());
}

#[test]
fn nonce_memory_is_bounded() {
    let mut a = auth().with_max_nonces(3);
    for i in 0..3 {
        assert!(a
            .logon(&ed_logon("ed-1", 1, NOW, &format!("nonce-000{i}")), NOW)
            .is_ok());
    }
    let r = a.logon(&ed_logon("ed-1", 1, NOW, "nonce-0003"), NOW);
    assert!(
        matches!(
            r,
            Err(AuthError::TooManyLogons {
                count: 3,
                lifetime_ms: 10_000
            })
        ),
        "{r:?}"
    );
    assert_eq!(code(r), ErrorCode::RateLimited);
    // Other keys are unaffected; the key recovers once its nonces expire.
    assert!(a
        .logon(&ed_logon("ed-2", 2, NOW, "nonce-0003"), NOW)
        .is_ok());
    let later = NOW + 2 * WINDOW + 1;
    assert!(a
        .logon(&ed_logon("ed-1", 1, later, "nonce-0003"), later)
        .is_ok());
}

#[test]
fn malformed_nonce_is_refused_before_anything() {
    let mut a = auth();
    let l = ed_logon("nobody", 1, NOW, "short");
    assert_eq!(a.logon(&l, NOW), Err(AuthError::MalformedNonce));
    assert_eq!(code(a.logon(&l, NOW)), ErrorCode::InvalidParams);
}

#[test]
fn error_messages_say_what_to_do() {
    let mut a = auth();
    let e = a
        .logon(&ed_logon("ed-1", 1, NOW - 9_000, "nonce-0001"), NOW)
        .unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("9000 ms") && m.contains("within 5000 ms") && m.contains("clock"),
        "{m}"
    );
    let l = ed_logon("ed-1", 1, NOW, "nonce-0001");
    a.logon(&l, NOW).unwrap();
    let m = a.logon(&l, NOW).unwrap_err().to_string();
    assert!(m.contains("fresh nonce"), "{m}");
}

#[test]
fn accessors() {
    let a = auth();
    assert_eq!(a.recv_window_ms(), WINDOW);
    assert_eq!(a.store().len(), 4);
    assert_eq!(a.store().get("hm-1").map(|k| k.account), Some(AccountId(3)));
    assert!(a.store().get("HM-1").is_none());
    assert_eq!(
        Authenticator::new(KeyStore::new(vec![]).unwrap(), -5).recv_window_ms(),
        0
    );
}
