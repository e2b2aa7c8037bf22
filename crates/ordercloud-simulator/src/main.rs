//! `ordercloud-simulator`: a local OrderCloud for storefronts in any language.
//!
//! Prints the base URL it serves as the first line on stdout, logs to stderr, and stops
//! cleanly on Ctrl-C or SIGTERM. Run `ordercloud-simulator --help` for the flags.

use std::ffi::OsString;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TrySendError};
use std::time::Duration;

use ordercloud_simulator::{OutboxMessage, SimUser, Simulator, SimulatorBuilder};

/// The port served unless `--port` says otherwise.
const DEFAULT_PORT: u16 = 4300;

/// How many `--messages` lines may wait for stdout; more are dropped, and counted.
const MESSAGE_QUEUE: usize = 1024;

/// How long a stopping simulator gives the lines still queued to be printed.
const DRAIN: Duration = Duration::from_secs(1);

const USAGE: &str = "\
usage: ordercloud-simulator [--port N] [--host IP] [--cors-origin ORIGIN]...
                            [--user CLIENT_ID,USERNAME,EMAIL,PASSWORD]... [--seed FILE]... [--messages]

  --port N       serve on port N (default 4300; 0 for any free port)
  --host IP      serve on IP (default 127.0.0.1; 0.0.0.0 to be reached from other containers)
  --cors-origin ORIGIN
                 let only ORIGIN (https://shop.example.com) call it from a browser; repeatable.
                 Without it every origin may
  --user ...     add a user (and its API client); repeatable; the password is the rest of the line.
                 The API client gets the default settings: no secret, roles Shopper MeAdmin
                 MeAddressAdmin MeXpAdmin PasswordReset, anonymous shopping, 600-minute tokens
                 and NO refresh tokens; a seed file's \"ApiClients\" entry changes them
  --seed FILE    add the users, API clients, message senders and resources of a JSON seed file
  --messages     print each message the simulator sends as one JSON line on stdout; if
                 stdout is not read fast enough, lines are dropped and counted on stderr
  --help         print this help

The first line on stdout is the base URL served; logs go to stderr. Control routes:
GET /_simulator/outbox, GET /_simulator/callouts (the calls to webhooks and integration
events), GET /_simulator/requests, POST /_simulator/advance?seconds=N,
POST /_simulator/reset, POST /_simulator/users, POST /_simulator/seed (a seed file's
contents), GET /_simulator/resources.";

/// What the command line asks for.
#[derive(Debug, Default)]
struct Options {
    port: Option<u16>,
    host: Option<IpAddr>,
    cors_origins: Vec<String>,
    users: Vec<SimUser>,
    seeds: Vec<String>,
    messages: bool,
    help: bool,
}

impl Options {
    /// Reads the arguments after the program's name. An argument that is not valid UTF-8 is
    /// named by its position, never printed: it may be a password.
    fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Self, String> {
        let mut options = Self::default();
        let mut args = args.into_iter().zip(1..);
        while let Some((arg, position)) = args.next() {
            let arg = arg.into_string().map_err(|_| format!("argument {position} is not valid UTF-8"))?;
            let mut value = |flag: &str| match args.next() {
                Some((value, position)) => value
                    .into_string()
                    .map_err(|_| format!("the value of {flag} (argument {position}) is not valid UTF-8")),
                None => Err(format!("{flag} needs a value")),
            };
            match arg.as_str() {
                "--port" => {
                    let port = value("--port")?;
                    options.port = Some(
                        port.parse().map_err(|_| format!("--port takes a port number (0 to 65535), not {port:?}"))?,
                    );
                }
                "--host" => {
                    let host = value("--host")?;
                    options.host = Some(
                        host.parse().map_err(|_| format!("--host takes an IP address (0.0.0.0, ::1), not {host:?}"))?,
                    );
                }
                "--cors-origin" => options.cors_origins.push(origin(&value("--cors-origin")?)?),
                "--user" => options.users.push(user(&value("--user")?)?),
                "--seed" => options.seeds.push(value("--seed")?),
                "--messages" => options.messages = true,
                "--help" | "-h" => options.help = true,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(options)
    }

    /// The simulator these options describe; reads the seed files.
    fn builder(&self) -> Result<SimulatorBuilder, String> {
        let mut builder = Simulator::builder().port(self.port.unwrap_or(DEFAULT_PORT));
        if let Some(host) = self.host {
            builder = builder.host(host);
        }
        for origin in &self.cors_origins {
            builder = builder.cors_origin(origin);
        }
        for path in &self.seeds {
            let text = std::fs::read_to_string(path)
                .map_err(|error| format!("could not read the seed file {path}: {error}"))?;
            builder = builder.seed(&text).map_err(|error| format!("{path}: {error}"))?;
        }
        for user in &self.users {
            builder = builder.user(user.clone());
        }
        Ok(builder)
    }
}

/// `scheme://host[:port]`, as a browser sends it in `Origin`.
fn origin(text: &str) -> Result<String, String> {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    match rest.map(|rest| rest.trim_end_matches('/')) {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ']) => Ok(text.to_owned()),
        _ => Err(format!("--cors-origin takes an origin like https://shop.example.com, not {text:?}")),
    }
}

/// `CLIENT_ID,USERNAME,EMAIL,PASSWORD`; the password may hold commas.
fn user(spec: &str) -> Result<SimUser, String> {
    let parts: Vec<&str> = spec.splitn(4, ',').collect();
    match parts.as_slice() {
        [client_id, username, email, password]
            if [client_id, username, password].iter().all(|part| !part.trim().is_empty()) =>
        {
            Ok(SimUser::new(client_id.trim(), username.trim(), email.trim(), password))
        }
        // The value is not echoed: it may hold a password.
        _ => Err(format!(
            "--user takes CLIENT_ID,USERNAME,EMAIL,PASSWORD with none empty but the email; the value given has {} part(s)",
            parts.len()
        )),
    }
}

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args_os().skip(1)) {
        Ok(options) if options.help => {
            // A reader that has already gone (`| head -0`) is no reason to fail.
            let _ = writeln!(std::io::stdout().lock(), "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(options) => options,
        Err(message) => return usage_error(&message),
    };
    let builder = match options.builder() {
        Ok(builder) => builder,
        Err(message) => return usage_error(&message),
    };
    let (builder, messages) = if options.messages {
        let (messages, hook) = MessageLines::new();
        (builder.on_message(hook), Some(messages))
    } else {
        (builder, None)
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ordercloud-simulator: could not start the tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let address =
        SocketAddr::new(options.host.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)), options.port.unwrap_or(DEFAULT_PORT));
    serve(runtime, builder, address, messages)
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("ordercloud-simulator: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

/// Serves until a signal comes, printing `messages` if given.
fn serve(
    runtime: tokio::runtime::Runtime,
    builder: SimulatorBuilder,
    address: SocketAddr,
    messages: Option<MessageLines>,
) -> ExitCode {
    let simulator = match runtime.block_on(builder.start()) {
        Ok(simulator) => simulator,
        Err(error) => {
            eprintln!("ordercloud-simulator: could not listen on {address}: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Before the base URL is printed: whoever reads it may signal at once, and a signal with
    // no handler yet would kill the process instead of stopping it cleanly.
    let listening = {
        let _runtime = runtime.enter();
        Stop::listen()
    };
    let mut stop = match listening {
        Ok(stop) => stop,
        Err(error) => {
            eprintln!("ordercloud-simulator: could not listen for signals: {error}");
            return ExitCode::FAILURE;
        }
    };
    let printed = {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", simulator.base_url()).and_then(|()| stdout.flush())
    };
    if let Err(error) = printed {
        eprintln!("ordercloud-simulator: could not print the base URL on stdout: {error}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "ordercloud-simulator: a local OrderCloud at {} (control routes under /_simulator/); Ctrl-C stops it",
        simulator.base_url()
    );
    let printing = match messages.map(MessageLines::print).transpose() {
        Ok(printing) => printing,
        Err(error) => {
            eprintln!("ordercloud-simulator: could not start printing messages: {error}");
            return ExitCode::FAILURE;
        }
    };
    let signal = runtime.block_on(stop.signalled());
    eprintln!("ordercloud-simulator: {signal}, stopping");
    // The simulator's state, and with it the message hook and its end of the queue, goes
    // with the runtime's tasks; then the printing thread sees the queue's end.
    drop((stop, simulator));
    drop(runtime);
    if let Some(printing) = printing {
        printing.finish();
    }
    ExitCode::SUCCESS
}

/// The `--messages` lines on their way to stdout. The message hook runs on the request path
/// with the simulator's state locked, so it only queues each line, never waiting; a thread
/// of its own prints them. A reader that falls behind, or goes away, costs lines, never
/// answers.
struct MessageLines {
    lines: Receiver<String>,
    dropped: Arc<AtomicU64>,
}

impl MessageLines {
    /// The queue, and the message hook that fills it: each message's JSON line, or one more
    /// dropped when the queue is full.
    fn new() -> (Self, impl Fn(&OutboxMessage) + Send + Sync + 'static) {
        let (queue, lines) = mpsc::sync_channel::<String>(MESSAGE_QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let counter = dropped.clone();
        let hook = move |message: &OutboxMessage| {
            // Once the printing thread has given up on stdout, the queue is disconnected and
            // the line goes nowhere: that thread has said so.
            if let Err(TrySendError::Full(_)) = queue.try_send(format!("{}\n", message.to_json())) {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        };
        (Self { lines, dropped }, hook)
    }

    /// Starts the thread that prints the lines.
    fn print(self) -> std::io::Result<Printing> {
        let (finished, done) = mpsc::channel::<()>();
        let dropped = self.dropped.clone();
        std::thread::Builder::new().name("messages".to_owned()).spawn(move || {
            let _finished = finished;
            print_lines(self.lines, &self.dropped);
        })?;
        Ok(Printing { done, dropped })
    }
}

/// Prints each line until the queue ends (the simulator has stopped) or stdout fails (the
/// reader has gone), saying on stderr how many were dropped or left unprinted.
fn print_lines(lines: Receiver<String>, dropped: &AtomicU64) {
    let stdout = std::io::stdout();
    while let Ok(line) = lines.recv() {
        report_dropped(dropped);
        let mut out = stdout.lock();
        if let Err(error) = out.write_all(line.as_bytes()).and_then(|()| out.flush()) {
            // This line, those queued, and those dropped; later ones find the queue closed.
            let queued = lines.try_iter().count() as u64;
            drop(lines);
            let missed = 1 + queued + dropped.swap(0, Ordering::Relaxed);
            let missed = message_count(missed);
            eprintln!("ordercloud-simulator: cannot write to stdout ({error}): stopped printing, {missed} not printed");
            return;
        }
    }
    report_dropped(dropped);
}

/// Says on stderr how many lines were dropped since it last said so, if any.
fn report_dropped(dropped: &AtomicU64) {
    let count = dropped.swap(0, Ordering::Relaxed);
    if count > 0 {
        eprintln!("ordercloud-simulator: stdout was not read fast enough: dropped {}", message_count(count));
    }
}

/// "1 message", "2 messages".
fn message_count(count: u64) -> String {
    format!("{count} message{}", if count == 1 { "" } else { "s" })
}

/// The thread printing the `--messages` lines.
struct Printing {
    /// Disconnected when the thread ends.
    done: Receiver<()>,
    dropped: Arc<AtomicU64>,
}

impl Printing {
    /// Once the simulator is gone, so no more lines come, gives the thread [`DRAIN`] to
    /// print those still queued; a reader that has stopped reading gets no more.
    fn finish(self) {
        if let Err(RecvTimeoutError::Timeout) = self.done.recv_timeout(DRAIN) {
            report_dropped(&self.dropped);
            eprintln!("ordercloud-simulator: stdout is not being read: the messages still queued were not printed");
        }
    }
}

/// The signals that stop the simulator: Ctrl-C, and SIGTERM on Unix. The handlers are
/// installed when this is made, so a signal that comes before [`Stop::signalled`] is
/// awaited still counts.
struct Stop {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(not(unix))]
    ctrl_c: tokio::signal::windows::CtrlC,
}

impl Stop {
    /// Installs the handlers; call it within the runtime.
    fn listen() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
        }
        #[cfg(not(unix))]
        {
            Ok(Self { ctrl_c: tokio::signal::windows::ctrl_c()? })
        }
    }

    /// Waits for one of the signals; which one came.
    async fn signalled(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => "interrupted",
                _ = self.terminate.recv() => "terminated",
            }
        }
        #[cfg(not(unix))]
        {
            self.ctrl_c.recv().await;
            "interrupted"
        }
    }
}
