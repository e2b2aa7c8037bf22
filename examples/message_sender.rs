//! The email side of the flow: a message-sender endpoint that receives OrderCloud's signed
//! calls, verifies and parses each in one step, and "sends" the email.
//!
//! `cargo run --example message_sender` starts the endpoint on 127.0.0.1, registers it with
//! the embedded simulator, asks for a password reset, prints the email the endpoint renders
//! (the code masked), completes the reset with the link from that email, and shows a
//! tampered body and a wrong key refused with 401.
//!
//! To receive a real marketplace's messages, set ORDERCLOUD_SENDER_KEY (the message
//! sender's shared key) and ORDERCLOUD_SENDER_PORT, and expose that port to OrderCloud:
//! the endpoint then serves until stopped.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ordercloud_examples::{masked, optional, run_example};
use ordercloud_models::message_sender::{OC_HASH_HEADER, SenderMessage, compute_oc_hash, receive_message};
use ordercloud_models::{PasswordReset, PasswordResetRequest};
use ordercloud_password_reset::{ApiClient, PasswordResetApi};
use ordercloud_simulator::{SimMessageSender, SimUser, Simulator};
use ordercloud_transport::{HttpTransport, HyperTransport};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const CLIENT_ID: &str = "storefront-client";
const RESET_URL: &str = "https://shop.example.com/reset";

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let key = optional("ORDERCLOUD_SENDER_KEY");
    let port: Option<u16> = optional("ORDERCLOUD_SENDER_PORT")
        .map(|port| port.parse().map_err(|_| format!("ORDERCLOUD_SENDER_PORT is not a port: {port:?}")))
        .transpose()?;
    let (emails, mut inbox) = mpsc::unbounded_channel();
    let shared_key = key.clone().unwrap_or_else(|| "example-shared-key".to_owned());
    let address = serve(port.unwrap_or(0), shared_key.clone(), emails).await?;
    let url = format!("http://{address}/ordercloud/messages");
    if let (Some(_), Some(_)) = (key, port) {
        println!("Receiving OrderCloud's message-sender calls at {url}");
        println!("(point your marketplace's message sender at this endpoint; Ctrl-C stops it)");
        return tokio::signal::ctrl_c().await.map_err(|error| error.to_string());
    }

    let simulator = Simulator::builder()
        .user(SimUser::new(CLIENT_ID, "jdoe", "jdoe@example.com", "Old-Passw0rd").with_first_name("Jane"))
        .message_sender(SimMessageSender::new(&url, &shared_key))
        .start()
        .await
        .map_err(|error| format!("could not start the simulator: {error}"))?;
    println!("A message-sender endpoint at {url}, registered with the embedded simulator.\n");
    let client = ApiClient::builder().base_url(simulator.base_url()).build().map_err(|error| error.to_string())?;
    let api = PasswordResetApi::new(client);

    println!("1. The storefront asks for a password reset for jdoe.");
    api.send_verification_code(&PasswordResetRequest::new(CLIENT_ID).with_username("jdoe").with_url(RESET_URL))
        .await
        .map_err(|error| error.to_string())?;
    println!("   POST /v1/password/reset -> 204; OrderCloud now calls the message sender.\n");

    println!("2. The endpoint receives the signed call, verifies and parses it, and sends the email:");
    let email = tokio::time::timeout(Duration::from_secs(10), inbox.recv())
        .await
        .map_err(|_| "no email within 10 s")?
        .ok_or("the endpoint stopped")?;
    println!("{}\n", email.shown);
    let code = email.link.split("code=").nth(1).ok_or("the email's link has no code")?.to_owned();

    println!("3. jdoe follows the link and sets a new password.");
    api.reset_password(&code, &PasswordReset::new(CLIENT_ID, "jdoe", "Correct-Horse-9"))
        .await
        .map_err(|error| error.to_string())?;
    println!("   PUT /v1/password/reset/{{code from the link}} -> 204: the password is changed\n");

    println!("4. Calls that do not come from OrderCloud are refused.");
    let payload = serde_json::to_vec(&simulator.outbox()[0].payload).map_err(|error| error.to_string())?;
    let signature = compute_oc_hash(&payload, shared_key.as_bytes());
    let mut tampered = payload.clone();
    if let Some(at) = tampered.iter().position(|&byte| byte == b'j') {
        tampered[at] = b'J';
    }
    let forged = compute_oc_hash(&payload, b"not-the-shared-key");
    for (what, body, signature) in [("a tampered body", tampered, signature.clone()), ("a wrong key", payload, forged)]
    {
        let status = post(&url, body, &signature).await?;
        println!("   {what} -> {status}");
    }
    println!("\nDone: one email sent, the reset completed from its link, two forgeries refused.");
    Ok(())
}

/// An email the endpoint "sent": as shown (the code masked), and its link.
struct Email {
    shown: String,
    link: String,
}

/// Serves the endpoint on 127.0.0.1:`port` (0 for any); each email goes to `emails`.
async fn serve(port: u16, shared_key: String, emails: mpsc::UnboundedSender<Email>) -> Result<SocketAddr, String> {
    let listener =
        TcpListener::bind(("127.0.0.1", port)).await.map_err(|error| format!("could not listen: {error}"))?;
    let address = listener.local_addr().map_err(|error| error.to_string())?;
    let shared_key = Arc::new(shared_key);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (shared_key, emails) = (shared_key.clone(), emails.clone());
            let service = service_fn(move |request| receive(request, shared_key.clone(), emails.clone()));
            tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    Ok(address)
}

/// One message-sender call: 204 once the email is "sent", 401 for a missing or wrong
/// signature, 400 for a body that is not a payload this endpoint handles.
async fn receive(
    request: Request<Incoming>,
    shared_key: Arc<String>,
    emails: mpsc::UnboundedSender<Email>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let signature = request.headers().get(OC_HASH_HEADER).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let Ok(body) = Limited::new(request.into_body(), 64 * 1024).collect().await.map(|body| body.to_bytes()) else {
        return Ok(answer(StatusCode::BAD_REQUEST));
    };
    match receive_message(&body, signature.as_deref(), shared_key.as_bytes()) {
        Ok(SenderMessage::ForgottenPassword(payload)) => {
            let event = payload.event_body.unwrap_or_default();
            let recipient = payload.recipient.unwrap_or_default();
            let code = event.password_renewal_verification_code.unwrap_or_default();
            let base = event.password_renewal_url.unwrap_or_else(|| RESET_URL.to_owned());
            let username = event.username.unwrap_or_default();
            let shown = format!(
                "   To: {}\n   Subject: Reset your password\n   Hi {}, someone asked to reset the password of {username}.\n   Follow this link within 120 minutes: {base}?user={username}&code={}",
                recipient.email.as_deref().unwrap_or("?"),
                recipient.first_name.as_deref().unwrap_or("there"),
                masked(&code)
            );
            if optional("ORDERCLOUD_SENDER_PORT").is_some() {
                println!("{shown}\n");
            }
            let _ = emails.send(Email { shown, link: format!("{base}?user={username}&code={code}") });
            Ok(answer(StatusCode::NO_CONTENT))
        }
        Ok(other) => {
            println!("   (a {} message; this endpoint renders password resets only)", other.message_type());
            Ok(answer(StatusCode::NO_CONTENT))
        }
        Err(error) if error.is_signature() => Ok(answer(StatusCode::UNAUTHORIZED)),
        Err(_) => Ok(answer(StatusCode::BAD_REQUEST)),
    }
}

fn answer(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}

/// POSTs `body` with `signature` to the endpoint, as a forger would; the status.
async fn post(url: &str, body: Vec<u8>, signature: &str) -> Result<StatusCode, String> {
    let transport = HyperTransport::builder().build().map_err(|error| error.to_string())?;
    let request = ordercloud_transport::http::Request::post(url)
        .header(ordercloud_transport::http::header::CONTENT_TYPE, "application/json")
        .header(OC_HASH_HEADER, signature)
        .body(ordercloud_transport::bytes::Bytes::from(body))
        .map_err(|error| error.to_string())?;
    let response = transport.send(request).await.map_err(|error| error.to_string())?;
    Ok(response.status())
}
