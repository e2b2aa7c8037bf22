//! Gets a client-credentials token on a real OrderCloud, for a back-office integration.
//!
//! ORDERCLOUD_CLIENT_ID=... ORDERCLOUD_CLIENT_SECRET=... [ORDERCLOUD_SCOPE=FullAccess]
//! [ORDERCLOUD_BASE_URL=...] cargo run --example client_credentials

use ordercloud_auth::{Session, TokenRequest};
use ordercloud_examples::{client_from_env, client_id_from_env, masked, optional, required, run_example, validity};

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let client_id = client_id_from_env()?;
    let secret = required("ORDERCLOUD_CLIENT_SECRET", "the API client's secret")?;
    let scope = optional("ORDERCLOUD_SCOPE").unwrap_or_else(|| "FullAccess".to_owned());
    let request = TokenRequest::client_credentials(client_id, secret).with_scope(scope.split_whitespace());
    // A Session signs in lazily: `new` sends nothing, and a wrong secret would only fail
    // the first call. `sign_in` asks for the token now, so the credentials are checked here.
    let session = Session::new(client_from_env()?, request);
    session.sign_in().await.map_err(|error| error.to_string())?;
    let claims = session.claims().unwrap_or_default();
    let snapshot = session.snapshot();
    let left = snapshot.expires_at().and_then(|at| at.duration_since(std::time::SystemTime::now()).ok());
    println!(
        "Access token {} for {} ({}), roles: {}, valid for {}",
        masked(snapshot.access_token()),
        claims.usr.as_deref().unwrap_or("?"),
        claims.usrtype.as_deref().unwrap_or("?"),
        claims.role.join(" "),
        validity(left)
    );
    // From here, session.client() is an ApiClient whose calls carry the token, renewed as
    // it runs out.
    Ok(())
}
