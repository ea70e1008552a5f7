//! Golden logon signatures: fixed keys and fields give these exact bytes. The Python client
//! (examples/ws_client.py, tests/e2e) must produce the same; they were cross-checked with the
//! `cryptography` package and Python's `hmac`.

use ed25519_dalek::{Signer, SigningKey};
use tradestream_model::AccountId;
use tradestream_ws::auth::{
    hmac_signature, logon_message, Authenticator, Key, KeySecret, KeyStore, Scopes,
};
use tradestream_ws::protocol::request::Logon;

/// Seed of the demo key `demo-1` (32 bytes of 0x01).
const SEED_HEX: &str = "0101010101010101010101010101010101010101010101010101010101010101";
/// Its public key, as in the embedded default config.
const PUBLIC_HEX: &str = "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c";
const TIMESTAMP: i64 = 1_763_790_000_000;
const NONCE: &str = "k2b9x0c1a7";
/// Ed25519 over `logon\ndemo-1\n1763790000000\nk2b9x0c1a7`.
const ED25519_SIGNATURE: &str = "1d5e9e345a09cf56d0b062e32a9a29c08e9d72dba962b5bf9327e9e0cb92b01e\
                                 d96eb70e73ad41b7ad2121fbc89ea24fb816e1667cca0661d1f57e72498f7805";
/// HMAC-SHA256 with secret `demo-hmac-secret` over `logon\ndemo-hmac\n1763790000000\nk2b9x0c1a7`.
const HMAC_SIGNATURE: &str = "c16ffec7630788d6b53b2553df5024d38fccdcd0666585fce75e037f82055fc9";

#[test]
fn message_bytes() {
    assert_eq!(
        logon_message("demo-1", TIMESTAMP, NONCE).as_bytes(),
        b"logon\ndemo-1\n1763790000000\nk2b9x0c1a7"
    );
}

#[test]
fn ed25519_vector() {
    let mut seed = [0u8; 32];
    hex::decode_to_slice(SEED_HEX, &mut seed).unwrap();
    let key = SigningKey::from_bytes(&seed);
    assert_eq!(hex::encode(key.verifying_key().as_bytes()), PUBLIC_HEX);
    let sig = key.sign(logon_message("demo-1", TIMESTAMP, NONCE).as_bytes());
    assert_eq!(hex::encode(sig.to_bytes()), ED25519_SIGNATURE);
}

#[test]
fn hmac_vector() {
    let msg = logon_message("demo-hmac", TIMESTAMP, NONCE);
    assert_eq!(hmac_signature(b"demo-hmac-secret", &msg), HMAC_SIGNATURE);
    // RFC 4231 test case 2, for the primitive itself.
    assert_eq!(
        hmac_signature(b"Jefe", "what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn the_vectors_log_on() {
    let keys = vec![
        Key {
            api_key: "demo-1".into(),
            account: AccountId(1),
            scopes: Scopes::TRADE,
            secret: KeySecret::ed25519_hex(PUBLIC_HEX).unwrap(),
        },
        Key {
            api_key: "demo-hmac".into(),
            account: AccountId(2),
            scopes: Scopes::READ,
            secret: KeySecret::hmac("demo-hmac-secret"),
        },
    ];
    let mut auth = Authenticator::new(KeyStore::new(keys).unwrap(), 5_000);
    for (api_key, signature) in [("demo-1", ED25519_SIGNATURE), ("demo-hmac", HMAC_SIGNATURE)] {
        let l = Logon {
            api_key: api_key.into(),
            timestamp: TIMESTAMP,
            nonce: NONCE.into(),
            signature: signature.into(),
            cancel_on_disconnect: false,
        };
        assert!(auth.logon(&l, TIMESTAMP + 1_234).is_ok(), "{api_key}");
    }
}
