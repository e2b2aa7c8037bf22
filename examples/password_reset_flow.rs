//! The whole forgotten-password flow, step by step.
//!
//! `cargo run --example password_reset_flow` runs it against the embedded OrderCloud
//! simulator: no network, no account. With `ORDERCLOUD_BASE_URL`, `ORDERCLOUD_CLIENT_ID`
//! and `ORDERCLOUD_USERNAME` or `ORDERCLOUD_EMAIL` set, it talks to that marketplace instead
//! (see the README).
//!
//! Verification codes, tokens and one-time passwords are shown masked, as they should be in
//! any log.

use ordercloud_auth::{AuthApi, Session, TokenRequest};
use ordercloud_examples::{
    client_from_env, client_id_from_env, explain, masked, optional, run_example, user_from_env, validity,
};
use ordercloud_models::{OneTimePasswordRequest, PasswordReset, PasswordResetRequest, TokenPasswordReset};
use ordercloud_password_reset::{ApiClient, ErrorExt, PasswordResetApi};
use ordercloud_simulator::{SimUser, Simulator};
use ordercloud_transport::http::Method;

const CLIENT_ID: &str = "storefront-client";
const USERNAME: &str = "jdoe";
const EMAIL: &str = "jdoe@example.com";
const RESET_URL: &str = "https://shop.example.com/reset";

fn main() -> std::process::ExitCode {
    run_example(async {
        if optional("ORDERCLOUD_BASE_URL").is_some() { against_ordercloud().await } else { on_the_simulator().await }
    })
}

async fn on_the_simulator() -> Result<(), String> {
    let simulator = Simulator::builder()
        .user(SimUser::new(CLIENT_ID, USERNAME, EMAIL, "Old-Passw0rd").with_first_name("Jane"))
        .start()
        .await
        .map_err(|error| format!("could not start the simulator: {error}"))?;
    let client = ApiClient::builder().base_url(simulator.base_url()).build().map_err(|error| error.to_string())?;
    println!("OrderCloud forgotten-password flow, against the embedded simulator at {}", client.base_url());
    println!("(set ORDERCLOUD_BASE_URL and friends to use a real marketplace; see the README)\n");
    let api = PasswordResetApi::new(client.clone());
    let auth = AuthApi::new(client.clone());

    println!("1. {USERNAME} forgot the password and asks for a reset by email.");
    println!(
        "   POST /v1/password/reset  {{\"ClientID\":\"{CLIENT_ID}\",\"Email\":\"{EMAIL}\",\"URL\":\"{RESET_URL}\"}}"
    );
    let request = PasswordResetRequest::new(CLIENT_ID).with_email(EMAIL).with_url(RESET_URL);
    api.send_verification_code(&request).await.map_err(|error| error.to_string())?;
    println!("   -> 204 No Content (the same answer whether or not the account exists)\n");

    let message = simulator.last_message_to(EMAIL).ok_or("the simulator sent no email")?;
    let email = message.forgotten_password().ok_or("the email is not a ForgottenPassword message")?;
    let code = email.password_renewal_verification_code.clone().ok_or("the email has no verification code")?;
    println!("2. The email arrives: a ForgottenPassword message for {}.", message.to);
    println!("   link: {RESET_URL}?user={USERNAME}&code=<verification code>");
    println!("   verification code: {} (valid for 120 minutes, once)\n", masked(&code));

    println!("3. {USERNAME} follows the link and picks a weak password.");
    println!("   PUT /v1/password/reset/{{verificationCode}}  (the code travels as one encoded path segment)");
    let weak = PasswordReset::new(CLIENT_ID, USERNAME, "password1");
    let error = api.reset_password(&code, &weak).await.err().ok_or("the weak password was accepted")?;
    println!("   -> refused: {error}");
    let requirements = error.password_requirements().ok_or("the refusal carried no requirements")?;
    println!("   the marketplace requires: {}\n", requirements.describe().join(", "));

    println!("4. {USERNAME} picks a strong password.");
    api.reset_password(&code, &PasswordReset::new(CLIENT_ID, USERNAME, "Correct-Horse-9"))
        .await
        .map_err(|error| error.to_string())?;
    println!("   -> 204 No Content: the password is changed\n");

    println!("5. The same link, used again.");
    let reused = PasswordReset::new(CLIENT_ID, USERNAME, "Another-Horse-7");
    let error = api.reset_password(&code, &reused).await.err().ok_or("the code worked twice")?;
    println!("   -> refused: {error}");
    println!("   (a verification code works once)\n");

    println!("6. {USERNAME} logs in with the new password; the old one is refused.");
    println!(
        "   POST /oauth/token  grant_type=password&username={USERNAME}&password=<new password>&client_id={CLIENT_ID}"
    );
    let login = TokenRequest::password(CLIENT_ID, USERNAME, "Correct-Horse-9").with_scope(["Shopper", "MeAdmin"]);
    let token = auth.token(&login).await.map_err(|error| error.to_string())?;
    let claims = token.claims().ok_or("the access token is not a JWT")?;
    println!(
        "   -> 200: an access token for {} with roles {} (valid for {})",
        claims.usr.unwrap_or_default(),
        claims.role.join(" "),
        validity(token.expires_in())
    );
    let me = Session::from_login(client.clone(), login.client_id(), token).map_err(|error| error.to_string())?.client();
    let user: serde_json::Value =
        me.request(Method::GET, "/me").send_json().await.map_err(|error| error.to_string())?;
    println!(
        "   GET /v1/me with it -> {} <{}>",
        user["Username"].as_str().unwrap_or("?"),
        user["Email"].as_str().unwrap_or("?")
    );
    let old = TokenRequest::password(CLIENT_ID, USERNAME, "Old-Passw0rd");
    let error = auth.token(&old).await.err().ok_or("the old password still works")?;
    println!("   the old password -> refused: {error}\n");

    println!("7. Next time, {USERNAME} asks for a one-time password instead.");
    api.send_one_time_password(&OneTimePasswordRequest::new(CLIENT_ID).with_username(USERNAME))
        .await
        .map_err(|error| error.to_string())?;
    let otp = simulator
        .last_message_to(EMAIL)
        .and_then(|message| message.one_time_password())
        .ok_or("no OneTimePassword message")?;
    let otp = otp.one_time_password.ok_or("the message has no one-time password")?;
    println!(
        "   POST /v1/password/onetimepassword -> 204; the message holds {} (valid for 10 minutes, once)\n",
        masked(&otp)
    );

    println!("8. {USERNAME} logs in with the one-time password and sets a new password with that login.");
    let otp_login = TokenRequest::password(CLIENT_ID, USERNAME, otp.as_str());
    let token = auth.token(&otp_login).await.map_err(|error| error.to_string())?;
    println!(
        "   POST /oauth/token  (the one-time password as the password) -> 200: access token {}",
        masked(token.access_token())
    );
    api.reset_password_by_token(token.access_token(), &TokenPasswordReset::new("Fresh-Start-42"))
        .await
        .map_err(|error| error.to_string())?;
    println!("   POST /v1/me/password  with that token -> 204: the password is changed");
    let error = auth.token(&otp_login).await.err().ok_or("the one-time password worked twice")?;
    println!("   the same one-time password again -> refused: {error}\n");

    println!(
        "Done: {} messages sent, password changed twice, two logins, every refusal typed.",
        simulator.outbox().len()
    );
    Ok(())
}

async fn against_ordercloud() -> Result<(), String> {
    let client = client_from_env()?;
    let client_id = client_id_from_env()?;
    let (username, email) = user_from_env()?;
    println!("OrderCloud forgotten-password flow, against {}\n", client.base_url());
    let api = PasswordResetApi::new(client);

    let (Some(code), Some(password)) = (optional("ORDERCLOUD_VERIFICATION_CODE"), optional("ORDERCLOUD_NEW_PASSWORD"))
    else {
        let mut request = PasswordResetRequest::new(&client_id);
        request.username = username;
        request.email = email;
        request.url = optional("ORDERCLOUD_RESET_URL");
        api.send_verification_code(&request).await.map_err(|error| error.to_string())?;
        println!("1. Reset requested: if the account exists, its email now holds a verification code.");
        println!(
            "   Run again with ORDERCLOUD_VERIFICATION_CODE and ORDERCLOUD_NEW_PASSWORD (and ORDERCLOUD_USERNAME) set."
        );
        return Ok(());
    };
    let username = username.ok_or("ORDERCLOUD_USERNAME is not set: the reset needs the username")?;
    let reset = PasswordReset::new(&client_id, &username, password);
    match api.reset_password(&code, &reset).await {
        Ok(()) => println!("2. The password of {username} is changed."),
        Err(error) => return Err(explain(&error)),
    }
    let error = api.reset_password(&code, &reset).await.err().ok_or("the code worked twice")?;
    println!("3. The same code again -> refused: {error}");
    Ok(())
}
