//! `ordercloud-bench sessions [N]`: the memory a backend spends per shopper's session: N
//! sessions restored from stored snapshots (tokens the size of OrderCloud's), the process's
//! resident memory before and after, divided.

use ordercloud_auth::{Session, SessionSnapshot};
use ordercloud_transport::ApiClient;

use base64::Engine as _;

/// Restores `N` (default 10,000) sessions from snapshots and prints the memory per session.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let count: usize = match args.first() {
        Some(count) => count.parse().map_err(|_| format!("sessions: {count:?} is not a count"))?,
        None => 10_000,
    };
    // Nothing is sent: the sessions are only held, as a backend holds them between requests.
    let client = ApiClient::builder().base_url("http://127.0.0.1:9").build().map_err(|e| e.to_string())?;
    let mut sessions = Vec::with_capacity(count);
    let example = snapshot_json(0);
    let before = resident_kib()?;
    for shopper in 0..count {
        let snapshot: SessionSnapshot = serde_json::from_str(&snapshot_json(shopper)).map_err(|e| e.to_string())?;
        sessions.push(Session::restore(client.clone(), snapshot));
    }
    let after = resident_kib()?;
    if sessions.iter().any(|session| session.ended().is_some()) {
        return Err("a restored session has ended".to_owned());
    }
    let per_session = after.saturating_sub(before) as f64 * 1024.0 / count as f64;
    println!(
        "{count} sessions restored from snapshots ({} bytes of JSON each, an access token of {} characters): \
         resident memory {before} KiB -> {after} KiB, {per_session:.0} bytes per session",
        example.len(),
        access_token(0).len(),
    );
    Ok(())
}

/// A snapshot as a backend stores it: a JWT with OrderCloud's claims and an RS256-sized
/// signature, a refresh token, an expiry an hour ahead, the claims.
fn snapshot_json(shopper: usize) -> String {
    let token = access_token(shopper);
    let claims = claims(shopper);
    let expires_at =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_secs() + 3600);
    serde_json::json!({
        "access_token": token,
        "refresh_token": format!("rt.{shopper:016x}{:016x}", shopper.wrapping_mul(0x9e37_79b9)),
        "expires_at": expires_at,
        "client_id": "storefront-client",
        "claims": claims,
    })
    .to_string()
}

fn claims(shopper: usize) -> serde_json::Value {
    serde_json::json!({
        "usr": format!("shopper-{shopper}"), "cid": "storefront-client", "usrtype": "buyer",
        "role": ["Shopper", "MeAdmin", "MeAddressAdmin", "MeXpAdmin", "PasswordReset"],
        "iss": "https://auth.ordercloud.io", "aud": "https://api.ordercloud.io",
        "exp": 2_000_000_000u64, "nbf": 1_700_000_000u64, "jti": format!("{shopper:016x}"),
    })
}

fn access_token(shopper: usize) -> String {
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let signature: Vec<u8> = (0..256).map(|byte| (byte as usize ^ shopper) as u8).collect();
    format!(
        "{}.{}.{}",
        encode(br#"{"typ":"JWT","alg":"RS256","kid":"0000000000000000"}"#),
        encode(claims(shopper).to_string().as_bytes()),
        encode(&signature)
    )
}

/// The process's resident memory (VmRSS), in KiB.
fn resident_kib() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS in /proc/self/status".to_owned())
}
