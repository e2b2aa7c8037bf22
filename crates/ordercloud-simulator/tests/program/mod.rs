//! The `ordercloud-simulator` program as a test starts it: a child process on a free port of
//! 127.0.0.1, driven over raw HTTP/1.1 so nothing on the client side tidies the answers up.

// Each test file uses a part of this module, and it is `pub` for them only.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_ordercloud-simulator");

/// How long a read waits before the test gives up: a safety net so that a simulator that
/// stopped answering fails the test instead of hanging it, never a measure of speed.
pub const SAFETY_NET: Duration = Duration::from_secs(60);

/// A running simulator process; killed when dropped.
pub struct Running {
    pub child: Child,
    /// `None` once the test has closed its end of the pipe.
    pub stdout: Option<BufReader<ChildStdout>>,
    pub base_url: String,
}

impl Running {
    pub fn start(args: &[&str]) -> Self {
        Self::start_with(args, Stdio::null())
    }

    /// Starts the simulator with `stderr` and reads the base URL, its first line on stdout.
    pub fn start_with(args: &[&str], stderr: Stdio) -> Self {
        let mut child =
            Command::new(BIN).args(["--port", "0"]).args(args).stdout(Stdio::piped()).stderr(stderr).spawn().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut base_url = String::new();
        stdout.read_line(&mut base_url).unwrap();
        Self { child, stdout: Some(stdout), base_url: base_url.trim().to_owned() }
    }

    /// `method target` with a JSON or form body; the status and the body as JSON.
    pub fn call(&self, method: &str, target: &str, content_type: &str, body: &str) -> (u16, serde_json::Value) {
        let answer = self.send(method, target, &[("Content-Type", content_type)], body);
        (answer.status, answer.json())
    }

    /// `method target` with `headers` and `body`, as sent; the whole answer.
    pub fn send(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        let address = self.address();
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.set_read_timeout(Some(SAFETY_NET)).unwrap();
        let mut request = format!("{method} {target} HTTP/1.1\r\nHost: {address}\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()));
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap_or_else(|error| panic!("no answer to {method} {target}: {error}"));
        assert!(answer.starts_with("HTTP/1.1 "), "no HTTP answer to {method} {target}: {answer:?}");
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let headers = head
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        Answer { status: answer[9..12].parse().unwrap(), headers, body: body.to_owned() }
    }

    /// `host:port` of the base URL, with 0.0.0.0 reached as 127.0.0.1.
    pub fn address(&self) -> String {
        self.base_url.strip_prefix("http://").unwrap().replace("0.0.0.0", "127.0.0.1")
    }

    pub fn json(&self, method: &str, target: &str, body: &str) -> (u16, serde_json::Value) {
        self.call(method, target, "application/json", body)
    }

    pub fn login(&self, username: &str, password: &str) -> (u16, serde_json::Value) {
        let form = format!("grant_type=password&username={username}&password={password}&client_id=storefront-client");
        self.call("POST", "/oauth/token", "application/x-www-form-urlencoded", &form)
    }

    pub fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.as_mut().unwrap().read_line(&mut line).unwrap();
        line
    }

    /// Sends SIGTERM, as a service manager or `docker stop` would.
    #[cfg(unix)]
    pub fn terminate(&self) {
        let sent = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(sent.success());
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer as received.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The first value of the header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(found, _)| found == name).map(|(_, value)| value.as_str())
    }

    /// The body as JSON; `null` when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}
