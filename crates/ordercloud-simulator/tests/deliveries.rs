//! The simulator as a message sender, over real HTTP on 127.0.0.1: signed deliveries of the
//! exact payload bytes, in the background, with each outcome recorded.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ordercloud_models::MessageType;
use ordercloud_models::message_sender::{SenderMessage, compute_oc_hash, receive_message};
use ordercloud_simulator::{DeliveryOutcome, SimMessageSender, SimUser, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: &str = "sender-shared-key";

/// What a receiver got: the `x-oc-hash` and content type headers, and the raw body.
#[derive(Clone, Debug)]
struct Received {
    oc_hash: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// A receiver on 127.0.0.1 that records every call and answers 204; or, when `silent`,
/// never answers.
async fn receiver(silent: bool) -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/ordercloud/messages", listener.local_addr().unwrap());
    let calls = Arc::new(Mutex::new(Vec::new()));
    let recorded = calls.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let recorded = recorded.clone();
            tokio::spawn(async move {
                let (mut stream, received) = read_call(stream).await;
                recorded.lock().unwrap().push(received);
                if silent {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                } else {
                    let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n").await;
                }
            });
        }
    });
    (url, calls)
}

async fn read_call(mut stream: TcpStream) -> (TcpStream, Received) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let header = |name: &str| {
                head.lines().find_map(|line| {
                    let (key, value) = line.split_once(':')?;
                    key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
                })
            };
            let length: usize = header("content-length").and_then(|value| value.parse().ok()).unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                let body = buffer[end + 4..end + 4 + length].to_vec();
                return (stream, Received { oc_hash: header("x-oc-hash"), content_type: header("content-type"), body });
            }
        }
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the connection closed before the whole call arrived");
        buffer.extend_from_slice(&chunk[..read]);
    }
}

async fn start(sender: SimMessageSender) -> Simulator {
    Simulator::builder()
        .user(SimUser::new("client", "jdoe", "jdoe@example.com", "Old-Passw0rd1"))
        .message_sender(sender)
        .start()
        .await
        .unwrap()
}

async fn post(simulator: &Simulator, path: &str, body: &str) -> u16 {
    let mut stream = TcpStream::connect(simulator.address()).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer[9..12].parse().unwrap()
}

#[tokio::test]
async fn all_three_messages_arrive_signed_over_their_exact_bytes() {
    let (url, calls) = receiver(false).await;
    let simulator = start(SimMessageSender::new(&url, KEY)).await;
    assert_eq!(post(&simulator, "/v1/password/reset", r#"{"ClientID":"client","Username":"jdoe"}"#).await, 204);
    assert_eq!(post(&simulator, "/v1/username/retrieve?clientID=client&email=jdoe%40example.com", "").await, 200);
    assert_eq!(
        post(&simulator, "/v1/password/onetimepassword", r#"{"ClientID":"client","Username":"jdoe"}"#).await,
        204
    );
    let outbox = simulator.wait_for_deliveries(Duration::from_secs(10)).await.expect("the deliveries settle");
    assert!(
        outbox
            .iter()
            .all(|message| message.delivery.as_ref().unwrap().outcome == DeliveryOutcome::Delivered { status: 204 })
    );

    let calls = calls.lock().unwrap().clone();
    let mut kinds = Vec::new();
    for (call, message) in calls.iter().zip(&outbox) {
        assert_eq!(call.content_type.as_deref(), Some("application/json"));
        let signature = call.oc_hash.as_deref().unwrap();
        // The signature is HMAC-SHA256 over exactly the bytes sent: the outbox's payload.
        assert_eq!(signature, compute_oc_hash(&call.body, KEY.as_bytes()));
        assert_eq!(call.body, serde_json::to_vec(&message.payload).unwrap());
        let received = receive_message(&call.body, Some(signature), KEY.as_bytes()).unwrap();
        kinds.push(received.message_type());
        if let SenderMessage::ForgottenPassword(payload) = received {
            let body = payload.event_body.unwrap();
            let expected = message.forgotten_password().unwrap();
            assert_eq!(body.password_renewal_verification_code, expected.password_renewal_verification_code);
        }
    }
    assert_eq!(kinds, [MessageType::ForgottenPassword, MessageType::ForgottenUsername, MessageType::OneTimePassword]);
}

#[tokio::test]
async fn a_receiver_that_is_down_or_slow_does_not_stall_the_api() {
    let down = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    let simulator = start(SimMessageSender::new(&down, KEY)).await;
    assert_eq!(post(&simulator, "/v1/password/reset", r#"{"ClientID":"client","Username":"jdoe"}"#).await, 204);
    let outbox = simulator.wait_for_deliveries(Duration::from_secs(10)).await.unwrap();
    assert!(
        matches!(&outbox[0].delivery.as_ref().unwrap().outcome, DeliveryOutcome::Failed(error) if error.contains("connect"))
    );

    let (slow, calls) = receiver(true).await;
    let simulator = start(SimMessageSender::new(&slow, KEY).with_timeout(Duration::from_millis(300))).await;
    assert_eq!(post(&simulator, "/v1/password/reset", r#"{"ClientID":"client","Username":"jdoe"}"#).await, 204);
    // The API answered while the delivery is still on its way.
    assert_eq!(simulator.outbox()[0].delivery.as_ref().unwrap().outcome, DeliveryOutcome::Pending);
    let outbox = simulator.wait_for_deliveries(Duration::from_secs(10)).await.unwrap();
    assert!(
        matches!(&outbox[0].delivery.as_ref().unwrap().outcome, DeliveryOutcome::Failed(error) if error.contains("no answer"))
    );
    assert_eq!(calls.lock().unwrap().len(), 1, "sent once, never retried");
}

#[tokio::test]
async fn only_the_types_a_sender_handles_go_to_it_and_the_outbox_keeps_every_message() {
    let (url, calls) = receiver(false).await;
    let simulator = start(SimMessageSender::new(&url, KEY).handling([MessageType::OneTimePassword])).await;
    assert_eq!(post(&simulator, "/v1/password/reset", r#"{"ClientID":"client","Username":"jdoe"}"#).await, 204);
    assert_eq!(
        post(&simulator, "/v1/password/onetimepassword", r#"{"ClientID":"client","Username":"jdoe"}"#).await,
        204
    );
    let outbox = simulator.wait_for_deliveries(Duration::from_secs(10)).await.unwrap();
    assert_eq!(outbox.len(), 2);
    assert!(outbox[0].delivery.is_none());
    assert_eq!(outbox[1].delivery.as_ref().unwrap().outcome, DeliveryOutcome::Delivered { status: 204 });
    assert_eq!(calls.lock().unwrap().len(), 1);
}
