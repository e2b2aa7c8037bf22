//! What receiving a signed message-sender call costs in memory, measured as the process's
//! resident set (Linux `/proc/self`). Its own test binary with a single test, so nothing
//! else runs while it measures.
#![cfg(feature = "verify")]

use ordercloud_models::message_sender::{SenderMessage, compute_oc_hash, receive_message};

/// The resident set now and at its peak since the last reset, in bytes.
fn resident() -> (usize, usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        let line = status.lines().find(|line| line.starts_with(name)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<usize>().unwrap() * 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

const MIB: usize = 1024 * 1024;

/// A ForgottenPassword payload of about 8 MiB whose free-form part `field` is one array
/// of small numbers.
fn numbers_in(field: &str) -> Vec<u8> {
    let free_form = format!("[{}]", vec!["1"; 4 * MIB].join(","));
    let body = match field {
        "ConfigData" | "CCList" => {
            format!(r#"{{"MessageType":"ForgottenPassword","EventBody":{{"Username":"jdoe"}},"{field}":{free_form}}}"#)
        }
        "xp" => format!(
            r#"{{"MessageType":"ForgottenPassword","EventBody":{{"Username":"jdoe"}},"Recipient":{{"xp":{free_form}}}}}"#
        ),
        _ => {
            format!(r#"{{"MessageType":"ForgottenPassword","EventBody":{{"Username":"jdoe","Unknown":{free_form}}}}}"#)
        }
    };
    body.into_bytes()
}

#[test]
fn receiving_costs_about_twice_the_body_whatever_it_holds() {
    if std::fs::write("/proc/self/clear_refs", "5").is_err() {
        eprintln!("no /proc/self/clear_refs here: nothing to measure");
        return;
    }
    for field in ["ConfigData", "CCList", "xp", "EventBody"] {
        let body = numbers_in(field);
        let signature = compute_oc_hash(&body, b"key");
        std::fs::write("/proc/self/clear_refs", "5").unwrap();
        let (base, _) = resident();
        let message = receive_message(&body, Some(&signature), b"key").unwrap();
        let (_, peak) = resident();
        assert!(matches!(message, SenderMessage::ForgottenPassword(_)));
        let extra = peak.saturating_sub(base);
        eprintln!("{field}: a {} MiB body peaked at {} MiB more", body.len() / MIB, extra / MIB);
        assert!(extra <= 2 * body.len() + MIB, "{field}: {} MiB for a {} MiB body", extra / MIB, body.len() / MIB);
        drop(message);
    }
}
