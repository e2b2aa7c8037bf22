//! The token verifier over real HTTP, against a key server on 127.0.0.1 that serves the
//! committed test keys as OrderCloud serves its own: what it accepts, and every hostile
//! token it must refuse without a panic, without echoing the token, and without a storm of
//! key requests.

mod support;

use std::time::Duration;

use ordercloud_middleware::{LOOKUPS_PER_SECOND, MAX_TOKEN_BYTES, VerifyError};
use ring::hmac;
use serde_json::{Value, json};
use support::{CLIENT_ID, KID, KeyServer, TestKey, claims, encode, now};

/// The error's text and debug form hold nothing of `token` but what anyone could guess.
fn assert_not_echoed(error: &VerifyError, token: &str) {
    let shown = format!("{error} {error:?}");
    for part in token.split('.').filter(|part| part.len() > 8) {
        assert!(!shown.contains(part), "{shown}");
    }
}

async fn refused(server: &KeyServer, token: &str) -> VerifyError {
    refused_by(&server.verifier(), token).await
}

async fn refused_by(verifier: &ordercloud_middleware::TokenVerifier, token: &str) -> VerifyError {
    let error = verifier.verify(token).await.expect_err("must be refused");
    assert_not_echoed(&error, token);
    error
}

#[tokio::test]
async fn a_genuine_token_is_verified_with_one_key_fetch() {
    let server = KeyServer::start().await;
    let verifier = server.verifier();
    let token = TestKey::main().token(KID, &claims(&server.base_url));
    let verified = verifier.verify(&token).await.unwrap();
    assert_eq!((verified.username(), verified.client_id(), verified.user_type()), ("jdoe", CLIENT_ID, "buyer"));
    assert_eq!(verified.roles(), ["Shopper", "MeAdmin", "CustomRole"]);
    assert!(verified.has_any_role(&["OrderAdmin", "CustomRole"]) && !verified.has_any_role(&["OrderAdmin"]));
    assert!(verified.has_any_role(&[]));
    assert_eq!(verified.key_id(), Some(KID));
    assert_eq!(verified.access_token(), token);
    assert!(!format!("{verified:?}").contains(&token), "Debug hides the token");
    for _ in 0..5 {
        verifier.clone().verify(&token).await.unwrap();
    }
    assert_eq!(server.fetches(), 1, "the key is kept");

    // The marketplace owner's users: `admin` in the token, a seller here; any client allowed.
    let mut admin = claims(&server.base_url);
    admin["usrtype"] = json!("admin");
    admin["cid"] = json!("back-office");
    admin["role"] = json!("FullAccess");
    let token = TestKey::main().token(KID, &admin);
    assert!(matches!(verifier.verify(&token).await, Err(VerifyError::ClientNotAllowed(id)) if id == "back-office"));
    let verified = server.verifier().allow_any_client_id().verify(&token).await.unwrap();
    assert_eq!((verified.user_type(), verified.roles()), ("seller", &["FullAccess".to_owned()][..]));
    // Client IDs compare without regard to case; a bearer's white space is ignored.
    let upper = server.verifier().allow_client_ids([CLIENT_ID.to_uppercase()]);
    assert!(upper.verify(&format!("  {}  ", TestKey::main().token(KID, &claims(&server.base_url)))).await.is_ok());
}

#[tokio::test]
async fn time_claims_have_a_small_leeway() {
    let server = KeyServer::start().await;
    let at = |exp: i64, nbf: i64| {
        let mut claims = claims(&server.base_url);
        claims["exp"] = json!(exp);
        claims["nbf"] = json!(nbf);
        TestKey::main().token(KID, &claims)
    };
    let verifier = server.verifier();
    assert!(verifier.verify(&at(now() - 10, now() - 600)).await.is_ok(), "expired 10 s ago: within the leeway");
    assert!(verifier.verify(&at(now() + 600, now() + 10)).await.is_ok(), "valid in 10 s: within the leeway");
    assert!(matches!(verifier.verify(&at(now() - 120, now() - 600)).await, Err(VerifyError::Expired)));
    assert!(matches!(verifier.verify(&at(now() + 600, now() + 120)).await, Err(VerifyError::NotYetValid)));
    let strict = server.verifier().leeway(Duration::ZERO);
    assert!(matches!(strict.verify(&at(now() - 10, now() - 600)).await, Err(VerifyError::Expired)));
    assert!(verifier.verify(&at(i64::MAX, i64::MIN)).await.is_ok(), "no overflow at the extremes");
    assert!(matches!(verifier.verify(&at(i64::MIN, i64::MIN)).await, Err(VerifyError::Expired)));
    assert_eq!(server.fetches(), 1, "one fetch, for the tokens accepted: a stale one costs none");
}

#[tokio::test]
async fn claims_must_be_ordercloud_s_and_for_this_api() {
    let server = KeyServer::start().await;
    let with = |change: &dyn Fn(&mut Value)| {
        let mut claims = claims(&server.base_url);
        change(&mut claims);
        TestKey::main().token(KID, &claims)
    };
    for claim in ["usr", "cid", "usrtype", "exp", "nbf", "iss", "aud"] {
        let token = with(&|claims| {
            claims.as_object_mut().unwrap().remove(claim);
        });
        assert!(matches!(refused(&server, &token).await, VerifyError::MissingClaim(name) if name == claim), "{claim}");
    }
    let other_api = with(&|claims| claims["aud"] = json!("https://api.ordercloud.io"));
    assert!(matches!(refused(&server, &other_api).await, VerifyError::WrongAudience));
    let several = with(&|claims| claims["aud"] = json!(["https://elsewhere.example", server.base_url.clone()]));
    assert!(server.verifier().verify(&several).await.is_ok(), "an audience among several");
    let other_issuer = with(&|claims| claims["iss"] = json!("https://evil.example"));
    assert!(matches!(refused(&server, &other_issuer).await, VerifyError::WrongIssuer));
    let accepted = server.verifier().accept_issuer("https://evil.example/");
    assert!(accepted.verify(&other_issuer).await.is_ok(), "an issuer accepted on purpose");
    let stranger = with(&|claims| claims["cid"] = json!("someone-else"));
    assert!(matches!(refused(&server, &stranger).await, VerifyError::ClientNotAllowed(_)));
    let nobody = server.verifier().allow_client_ids(Vec::<String>::new());
    assert!(matches!(nobody.verify(&with(&|_| ())).await, Err(VerifyError::ClientNotAllowed(_))), "none allowed");
    let wrong_type = with(&|claims| claims["exp"] = json!("tomorrow"));
    assert!(matches!(refused(&server, &wrong_type).await, VerifyError::Malformed));
    assert_eq!(server.fetches(), 2, "only the two accepted, each by a verifier of its own, fetched the key");
}

#[tokio::test]
async fn forged_changed_and_truncated_tokens_are_refused() {
    let server = KeyServer::start().await;
    let genuine = TestKey::main().token(KID, &claims(&server.base_url));
    let verifier = server.verifier();

    // Signed with another key under the genuine key's ID.
    let forged = TestKey::other().token(KID, &claims(&server.base_url));
    assert!(matches!(refused_by(&verifier, &forged).await, VerifyError::BadSignature));

    // The genuine signature over changed claims: another user, more roles.
    let (header, rest) = genuine.split_once('.').unwrap();
    let signature = rest.rsplit_once('.').unwrap().1;
    let mut escalated = claims(&server.base_url);
    escalated["role"] = json!(["FullAccess"]);
    let changed = format!("{header}.{}.{signature}", encode(&escalated));
    assert!(matches!(refused_by(&verifier, &changed).await, VerifyError::BadSignature));

    // One byte of the signature flipped.
    let mut bytes = genuine.clone().into_bytes();
    let last = bytes.len() - 10;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    assert!(matches!(refused_by(&verifier, &String::from_utf8(bytes).unwrap()).await, VerifyError::BadSignature));

    // Every prefix of the token: refused, never a panic, and never accepted.
    for end in 0..genuine.len() {
        let error = verifier.verify(&genuine[..end]).await.expect_err("a truncated token");
        assert_not_echoed(&error, &genuine[..end]);
    }
    assert_eq!(server.fetches(), 1, "one fetch of the genuine key for them all");
}

#[tokio::test]
async fn other_algorithms_are_refused_even_keyed_with_the_public_key() {
    let server = KeyServer::start().await;
    let claims = claims(&server.base_url);
    let unsigned = format!("{}.{}.", encode(&json!({"alg": "none", "kid": KID})), encode(&claims));
    assert!(matches!(refused(&server, &unsigned).await, VerifyError::UnsupportedAlgorithm(alg) if alg == "none"));

    // HS256 with the public key as the HMAC key: the classic confusion of algorithms.
    for public_key in [TestKey::main().modulus(), TestKey::main().jwk(KID).to_string().into_bytes()] {
        let input = format!("{}.{}", encode(&json!({"alg": "HS256", "kid": KID})), encode(&claims));
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &public_key), input.as_bytes());
        let token = format!("{input}.{}", base64_url(tag.as_ref()));
        assert!(matches!(refused(&server, &token).await, VerifyError::UnsupportedAlgorithm(alg) if alg == "HS256"));
    }
    for alg in ["RS512", "PS256", "ES256", "rs256", ""] {
        let token = TestKey::main().sign(&json!({"alg": alg, "kid": KID}), &claims);
        assert!(refused(&server, &token).await.to_string().contains("RS256"), "{alg}");
    }
    let critical = TestKey::main().sign(&json!({"alg": "RS256", "kid": KID, "crit": ["x"]}), &claims);
    assert!(matches!(refused(&server, &critical).await, VerifyError::Malformed));
    assert_eq!(server.fetches(), 0, "no key is fetched for another algorithm");
}

#[tokio::test]
async fn huge_and_garbage_tokens_cost_nothing() {
    let server = KeyServer::start().await;
    let claims = claims(&server.base_url);
    let mut big = claims.clone();
    big["padding"] = json!("x".repeat(MAX_TOKEN_BYTES));
    let huge = TestKey::main().token(KID, &big);
    assert!(matches!(refused(&server, &huge).await, VerifyError::Malformed));
    for garbage in [
        "",
        "   ",
        "Bearer",
        "...",
        "a.b.c",
        "e30.e30.e30",
        "\u{0}\u{1}.\u{2}.x",
        "ключ.ключ.ключ",
        &"a.".repeat(10_000),
    ] {
        let error = server.verifier().verify(garbage).await.expect_err(garbage);
        assert!(
            matches!(error, VerifyError::Missing | VerifyError::Malformed | VerifyError::UnsupportedAlgorithm(_)),
            "{garbage:.20}: {error:?}"
        );
    }
    assert_eq!(server.fetches(), 0);
}

#[tokio::test]
async fn an_unknown_kid_storm_costs_one_fetch_per_kid() {
    let server = KeyServer::start().await;
    let verifier = server.verifier();
    let token = TestKey::main().token("made-up-kid", &claims(&server.base_url));
    let mut storm = Vec::new();
    for _ in 0..200 {
        let (verifier, token) = (verifier.clone(), token.clone());
        storm.push(tokio::spawn(async move { verifier.verify(&token).await }));
    }
    for caller in storm {
        assert!(matches!(caller.await.unwrap(), Err(VerifyError::UnknownKey)));
    }
    assert_eq!(server.fetches(), 1, "one fetch for the whole burst");
    assert!(matches!(verifier.verify(&token).await, Err(VerifyError::UnknownKey)));
    assert_eq!(server.fetches(), 1, "and not again while it is remembered as unknown");

    // Many made-up kids: one fetch each, however often each comes back (within the
    // lookups a second allows: one was made already).
    for round in 0..3 {
        for kid in 0..(LOOKUPS_PER_SECOND - 1) {
            let token = TestKey::main().token(&format!("kid-{kid}"), &claims(&server.base_url));
            assert!(matches!(verifier.verify(&token).await, Err(VerifyError::UnknownKey)), "{round} {kid}");
        }
    }
    let made = LOOKUPS_PER_SECOND as usize;
    assert!(server.fetches() <= made, "{} fetches", server.fetches());
    let long = TestKey::main().token(&"k".repeat(300), &claims(&server.base_url));
    assert!(matches!(verifier.verify(&long).await, Err(VerifyError::UnknownKey)));
    assert!(server.fetches() <= made, "an over-long kid is unknown without asking");

    // A key that is not an RSA signing key is no key.
    server.serve_key(
        "encryption-key",
        json!({"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB", "kid": "encryption-key"}),
    );
    let token = TestKey::main().token("encryption-key", &claims(&server.base_url));
    let fresh = server.verifier(); // this second's lookups are spent on the verifier above
    assert!(matches!(fresh.verify(&token).await, Err(VerifyError::UnknownKey)));
}

#[tokio::test]
async fn a_storm_of_new_kids_costs_a_bounded_number_of_fetches() {
    let server = KeyServer::start().await;
    let verifier = server.verifier();
    let storm: Vec<_> = (0..500)
        .map(|kid| {
            let (verifier, token) =
                (verifier.clone(), TestKey::main().token(&format!("storm-{kid}"), &claims(&server.base_url)));
            tokio::spawn(async move { verifier.verify(&token).await })
        })
        .collect();
    let mut too_many = 0;
    for caller in storm {
        match caller.await.unwrap() {
            Err(VerifyError::TooManyLookups) => too_many += 1,
            Err(VerifyError::UnknownKey) => {}
            other => panic!("{other:?}"),
        }
    }
    // Each second allows LOOKUPS_PER_SECOND; the rest are refused (503), not fetched.
    assert!(too_many > 0 && server.fetches() + too_many == 500, "{} fetches, {too_many} refused", server.fetches());
    assert_eq!(VerifyError::TooManyLookups.status().as_u16(), 503);
}

#[tokio::test]
async fn ordercloud_down_is_503_and_not_retried_in_a_loop() {
    let server = KeyServer::start().await;
    server.down.store(true, std::sync::atomic::Ordering::SeqCst);
    let verifier = server.verifier();
    let token = TestKey::main().token(KID, &claims(&server.base_url));
    let error = verifier.verify(&token).await.unwrap_err();
    assert!(matches!(error, VerifyError::Unavailable(_)), "{error:?}");
    assert_eq!((error.status().as_u16(), error.error_code()), (503, "ServiceUnavailable"));
    assert_not_echoed(&error, &token);
    for _ in 0..10 {
        assert!(matches!(verifier.verify(&token).await, Err(VerifyError::Unavailable(_))));
    }
    assert_eq!(server.fetches(), 1, "the failure is remembered for a few seconds");
}

#[tokio::test]
async fn a_token_without_kid_is_asked_about_and_the_answer_kept() {
    let server = KeyServer::start().await;
    let portal = TestKey::main().sign(&json!({"alg": "RS256", "typ": "JWT"}), &claims(&server.base_url));
    let verifier = server.verifier();
    assert!(matches!(verifier.verify(&portal).await, Err(VerifyError::Rejected)));
    server.accept(&portal);
    assert!(matches!(verifier.verify(&portal).await, Err(VerifyError::Rejected)), "the refusal is kept a while");
    let fresh = server.verifier();
    let verified = fresh.verify(&portal).await.unwrap();
    assert_eq!((verified.username(), verified.key_id()), ("jdoe", None));
    fresh.verify(&portal).await.unwrap();
    assert_eq!(server.me_calls.load(std::sync::atomic::Ordering::SeqCst), 2, "one GET /v1/me per verifier");
    assert_eq!(server.fetches(), 0);
    let mut expired = claims(&server.base_url);
    expired["exp"] = json!(now() - 3600);
    let stale = TestKey::main().sign(&json!({"alg": "RS256"}), &expired);
    server.accept(&stale);
    assert!(matches!(fresh.verify(&stale).await, Err(VerifyError::Expired)), "the claims are checked first");
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
