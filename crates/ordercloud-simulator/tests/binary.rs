//! The `ordercloud-simulator` binary as a storefront in any language would use it: a child
//! process driven over raw HTTP on 127.0.0.1, its control routes, flags and seed files.

mod program;

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use program::{BIN, Running, SAFETY_NET};

/// A child's stderr, read line by line on a thread of its own so the child never blocks
/// writing to it.
struct StderrLines(mpsc::Receiver<String>);

impl StderrLines {
    fn of(child: &mut Child) -> Self {
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let (lines, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        Self(receiver)
    }

    /// The next line, or `None` once the child has closed its stderr.
    fn next(&self) -> Option<String> {
        match self.0.recv_timeout(SAFETY_NET) {
            Ok(line) => Some(line),
            Err(mpsc::RecvTimeoutError::Disconnected) => None,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("stderr neither gave a line nor closed"),
        }
    }

    /// Every line until the first that contains `text`, that one included.
    fn until(&self, text: &str) -> Vec<String> {
        let mut seen = Vec::new();
        while let Some(line) = self.next() {
            let found = line.contains(text);
            seen.push(line);
            if found {
                return seen;
            }
        }
        panic!("stderr closed without a line containing {text:?}: {seen:?}");
    }

    /// The lines left, until the child closes its stderr.
    fn rest(&self) -> Vec<String> {
        std::iter::from_fn(|| self.next()).collect()
    }
}

const USER: &str = "storefront-client,jdoe,jdoe@example.com,Old-Passw0rd1";

#[test]
fn the_printed_base_url_is_the_one_served() {
    let running = Running::start(&[]);
    assert!(running.base_url.starts_with("http://127.0.0.1:"), "{}", running.base_url);
    let (status, outbox) = running.json("GET", "/_simulator/outbox", "");
    assert_eq!((status, outbox), (200, serde_json::json!([])));
}

#[test]
fn the_whole_flow_through_the_control_routes() {
    let mut running = Running::start(&["--user", USER, "--messages"]);
    let (status, _) =
        running.json("POST", "/v1/password/reset", r#"{"ClientID":"storefront-client","Username":"jdoe"}"#);
    assert_eq!(status, 204);
    let printed: serde_json::Value = serde_json::from_str(&running.next_line()).unwrap();
    let (_, outbox) = running.json("GET", "/_simulator/outbox", "");
    assert_eq!(outbox[0]["to"], "jdoe@example.com");
    assert_eq!(printed["payload"], outbox[0]["payload"], "--messages prints what the outbox holds");
    let code = outbox[0]["payload"]["EventBody"]["PasswordRenewalVerificationCode"].as_str().unwrap().to_owned();

    let reset = r#"{"ClientID":"storefront-client","Username":"jdoe","Password":"N3w-Passw0rd!"}"#;
    assert_eq!(running.json("PUT", &format!("/v1/password/reset/{code}"), reset).0, 204);
    let (status, token) = running.login("jdoe", "N3w-Passw0rd%21");
    assert_eq!(status, 200, "{token}");
    assert_eq!(running.login("jdoe", "Old-Passw0rd1").0, 400);

    // The clock: a token expires.
    let bearer = |token: &serde_json::Value| format!("Bearer {}", token["access_token"].as_str().unwrap());
    let me = |running: &Running, authorization: &str| {
        running.send("GET", "/v1/me", &[("Authorization", authorization)], "").status
    };
    assert_eq!(me(&running, &bearer(&token)), 200);
    assert_eq!(running.json("POST", "/_simulator/advance?seconds=36001", "").0, 200);
    assert_eq!(me(&running, &bearer(&token)), 401);
    assert_eq!(running.json("POST", "/_simulator/advance?seconds=soon", "").0, 400);

    // Back to the seed: the old password, an empty outbox.
    assert_eq!(running.json("POST", "/_simulator/reset", "").0, 200);
    assert_eq!(running.json("GET", "/_simulator/outbox", "").1, serde_json::json!([]));
    assert_eq!(running.login("jdoe", "Old-Passw0rd1").0, 200);

    // A user added at run time.
    let added =
        r#"{"ClientID":"storefront-client","Username":"asmith","Email":"a@example.com","Password":"Added-Passw0rd1"}"#;
    assert_eq!(running.json("POST", "/_simulator/users", added).0, 201);
    assert_eq!(running.login("asmith", "Added-Passw0rd1").0, 200);
    let (status, error) = running.json("POST", "/_simulator/users", r#"{"Username":"x"}"#);
    assert_eq!(status, 400);
    assert!(error["Errors"][0]["Message"].as_str().unwrap().contains("ClientID"), "{error}");
    assert_eq!(running.json("GET", "/_simulator/nothing", "").0, 404);
}

#[test]
fn a_seed_file_sets_clients_users_and_senders() {
    let seed = std::env::temp_dir().join(format!("ordercloud-seed-{}.json", std::process::id()));
    std::fs::write(
        &seed,
        r#"{"Users":[{"ClientID":"integration","Username":"ops","Email":"ops@example.com","Password":"Ops-Passw0rd1","FirstName":"Ops"}],
            "ApiClients":[{"ClientID":"integration","ClientSecret":"the-secret","Roles":["FullAccess"],"RefreshTokens":true}],
            "MessageSenders":[{"URL":"http://127.0.0.1:9/messages","SharedKey":"k","MessageTypes":["OneTimePassword"]}]}"#,
    )
    .unwrap();
    let running = Running::start(&["--seed", seed.to_str().unwrap()]);
    let form = "grant_type=client_credentials&client_id=integration&client_secret=the-secret&scope=FullAccess";
    let (status, token) = running.call("POST", "/oauth/token", "application/x-www-form-urlencoded", form);
    assert_eq!(status, 200, "{token}");
    let form = "grant_type=password&username=ops&password=Ops-Passw0rd1&client_id=integration&client_secret=the-secret";
    let (status, token) = running.call("POST", "/oauth/token", "application/x-www-form-urlencoded", form);
    assert_eq!(status, 200);
    assert!(token["refresh_token"].is_string(), "{token}");
    std::fs::remove_file(seed).unwrap();
}

#[test]
fn bad_flags_and_seeds_exit_2_with_a_clear_error() {
    let seed = std::env::temp_dir().join(format!("ordercloud-bad-seed-{}.json", std::process::id()));
    std::fs::write(&seed, r#"{"Users":[],"Clients":[]}"#).unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["--bogus"], "unknown argument"),
        (&["--port", "99999"], "--port"),
        (&["--port"], "needs a value"),
        (&["--user", "only,three,parts"], "CLIENT_ID,USERNAME,EMAIL,PASSWORD"),
        (&["--seed", "/nonexistent/seed.json"], "could not read the seed file"),
        (&["--seed", seed.to_str().unwrap()], "unknown field `Clients`"),
    ];
    for (args, message) in cases {
        let output = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "nothing on stdout: {args:?}");
    }
    std::fs::remove_file(seed).unwrap();
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_exits_2_naming_it_without_printing_it() {
    use std::os::unix::ffi::OsStringExt;
    let password = OsString::from_vec(b"storefront-client,jdoe,jdoe@example.com,Secret-\xff1".to_vec());
    let flag = OsString::from_vec(b"--quux\xff".to_vec());
    let cases = [
        (vec![OsString::from("--user"), password], "the value of --user (argument 2) is not valid UTF-8"),
        (vec![OsString::from("--port"), OsString::from("0"), flag], "argument 3 is not valid UTF-8"),
    ];
    for (args, message) in cases {
        let output = Command::new(BIN).args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!output.stderr.contains(&0xff), "the argument is not printed, not even in part: {stderr}");
        assert!(!stderr.contains("Secret-") && !stderr.contains("quux"), "the argument is not printed: {stderr}");
        assert!(output.stdout.is_empty(), "nothing on stdout: {args:?}");
    }
}

/// Like `--messages | head -1`: the reader takes the base URL and exits.
#[cfg(unix)]
#[test]
fn with_messages_a_closed_stdout_never_stops_the_api_answering() {
    let mut running = Running::start_with(&["--user", USER, "--messages"], Stdio::piped());
    let stderr = StderrLines::of(&mut running.child);
    running.stdout = None;
    let reset = r#"{"ClientID":"storefront-client","Username":"jdoe"}"#;
    for sent in 0..50 {
        assert_eq!(running.json("POST", "/v1/password/reset", reset).0, 204, "reset {sent}");
    }
    let mut said = stderr.until("cannot write to stdout");
    for sent in 50..100 {
        assert_eq!(running.json("POST", "/v1/password/reset", reset).0, 204, "reset {sent}");
        assert_eq!(running.json("GET", "/_simulator/outbox", "").0, 200);
        assert_eq!(running.json("POST", "/_simulator/advance?seconds=1", "").0, 200);
    }
    let (status, outbox) = running.json("GET", "/_simulator/outbox", "");
    assert_eq!((status, outbox.as_array().map(Vec::len)), (200, Some(100)));
    assert_eq!(running.json("POST", "/_simulator/reset", "").0, 200);

    running.terminate();
    let status = running.child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status}");
    said.extend(stderr.rest());
    let closed: Vec<&String> = said.iter().filter(|line| line.contains("stdout")).collect();
    assert_eq!(closed.len(), 1, "one line says stdout is gone: {said:?}");
    assert!(closed[0].contains("stopped printing"), "{said:?}");
}

/// A reader that stops reading: the pipe fills after a few hundred lines (a 64 KiB pipe holds
/// about 200 of these), then the simulator's queue of 1,024, and the rest are dropped.
#[cfg(unix)]
#[test]
fn with_messages_an_unread_stdout_never_stops_the_api_answering() {
    const MESSAGES: usize = 2_100;
    let mut running = Running::start_with(&["--user", USER, "--messages"], Stdio::piped());
    let stderr = StderrLines::of(&mut running.child);
    let request = r#"{"ClientID":"storefront-client","Username":"jdoe"}"#;
    for sent in 0..MESSAGES {
        assert_eq!(running.json("POST", "/v1/password/onetimepassword", request).0, 204, "request {sent}");
    }
    let (status, outbox) = running.json("GET", "/_simulator/outbox", "");
    let kept = ordercloud_simulator::OUTBOX_LIMIT;
    assert_eq!((status, outbox.as_array().map(Vec::len)), (200, Some(kept)), "the outbox keeps the newest");
    assert_eq!(running.json("POST", "/_simulator/users", "{}").0, 400, "control routes answer too");

    running.terminate();
    let status = running.child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status}");
    let said = stderr.rest();
    assert!(said.iter().any(|line| line.contains("not read fast enough: dropped")), "drops are counted: {said:?}");
}

/// The handlers are in place before the base URL is printed, so a signal sent as soon as
/// it is read stops the simulator cleanly rather than killing it. Several children, since
/// a process that installed them a moment too late would only sometimes be caught.
#[cfg(unix)]
#[test]
fn sigterm_right_after_the_base_url_stops_it_cleanly() {
    for _ in 0..20 {
        let mut running = Running::start(&[]);
        #[cfg(target_os = "linux")]
        {
            // The signals the process catches, as a hexadecimal mask (bit N-1 for signal N).
            let status = std::fs::read_to_string(format!("/proc/{}/status", running.child.id())).unwrap();
            let caught = status.lines().find_map(|line| line.strip_prefix("SigCgt:")).unwrap();
            let caught = u64::from_str_radix(caught.trim(), 16).unwrap();
            let (interrupt, terminate) = (1 << (2 - 1), 1 << (15 - 1));
            assert_eq!(caught & (interrupt | terminate), interrupt | terminate, "SIGINT and SIGTERM are caught");
        }
        running.terminate();
        let status = running.child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{status}");
    }
}
