//! `ordercloud-simulator`: a local OrderCloud for storefronts in any language.
//!
//! Prints the base URL it serves as the first line on stdout, logs to stderr, and stops
//! cleanly on Ctrl-C or SIGTERM. Run `ordercloud-simulator --help` for the flags.

use std::ffi::OsString;
use std::process::ExitCode;

use ordercloud_simulator::{SimUser, Simulator, SimulatorBuilder};

/// The port served unless `--port` says otherwise.
const DEFAULT_PORT: u16 = 4300;

const USAGE: &str = "\
usage: ordercloud-simulator [--port N] [--user CLIENT_ID,USERNAME,EMAIL,PASSWORD]... [--seed FILE] [--messages]

  --port N       serve on 127.0.0.1:N (default 4300; 0 for any free port)
  --user ...     add a user (and its API client); repeatable; the password is the rest of the line
  --seed FILE    add the users, API clients and message senders of a JSON seed file
  --messages     print each message the simulator sends as one JSON line on stdout
  --help         print this help

The first line on stdout is the base URL served; logs go to stderr. Control routes:
GET /_simulator/outbox, POST /_simulator/advance?seconds=N, POST /_simulator/reset,
POST /_simulator/users.";

/// What the command line asks for.
#[derive(Debug, Default)]
struct Options {
    port: Option<u16>,
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
        for path in &self.seeds {
            let text = std::fs::read_to_string(path)
                .map_err(|error| format!("could not read the seed file {path}: {error}"))?;
            builder = builder.seed(&text).map_err(|error| format!("{path}: {error}"))?;
        }
        for user in &self.users {
            builder = builder.user(user.clone());
        }
        if self.messages {
            builder = builder.on_message(|message| {
                println!("{}", message.to_json());
            });
        }
        Ok(builder)
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
        _ => Err(format!("--user takes CLIENT_ID,USERNAME,EMAIL,PASSWORD with none empty but the email, not {spec:?}")),
    }
}

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args_os().skip(1)) {
        Ok(options) if options.help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(options) => options,
        Err(message) => return usage_error(&message),
    };
    let builder = match options.builder() {
        Ok(builder) => builder,
        Err(message) => return usage_error(&message),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ordercloud-simulator: could not start the tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(builder, options.port.unwrap_or(DEFAULT_PORT)))
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("ordercloud-simulator: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

async fn serve(builder: SimulatorBuilder, port: u16) -> ExitCode {
    let simulator = match builder.start().await {
        Ok(simulator) => simulator,
        Err(error) => {
            eprintln!("ordercloud-simulator: could not listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Before the base URL is printed: whoever reads it may signal at once, and a signal with
    // no handler yet would kill the process instead of stopping it cleanly.
    let mut stop = match Stop::listen() {
        Ok(stop) => stop,
        Err(error) => {
            eprintln!("ordercloud-simulator: could not listen for signals: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", simulator.base_url());
    eprintln!(
        "ordercloud-simulator: a local OrderCloud at {} (control routes under /_simulator/); Ctrl-C stops it",
        simulator.base_url()
    );
    let signal = stop.signalled().await;
    eprintln!("ordercloud-simulator: {signal}, stopping");
    ExitCode::SUCCESS
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
