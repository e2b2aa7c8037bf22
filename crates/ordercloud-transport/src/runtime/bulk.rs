//! `Bulk`: one call per input, a bounded number in flight, with progress, the failures kept
//! with their inputs, and a way to stop early.

use std::fmt;
use std::future::{IntoFuture, poll_fn};
use std::iter::Fuse;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use crate::runtime::flight::{DEFAULT_CONCURRENCY, Flight};

/// Many calls at once: one per input, at most [`concurrency`](Self::concurrency) in flight
/// (8 by default), with progress after each call, and every failure kept with its input.
///
/// Each call is whatever the closure given to [`run`](Self::run) makes of its input: a
/// generated call (`products.save(&product.id, &product).send()`), or an `async` block of
/// several. The runner sends nothing again: each call retries as its client's
/// [`RetryPolicy`](crate::RetryPolicy) says, which is only where the request provably did not
/// take effect (a connection never made, a `429`), so a `POST` is never sent twice. A call
/// that fails is reported with its input; trying it again is the caller's decision, who
/// knows whether it is safe (a `PUT` is; a `POST` may have created something).
///
/// It stops starting calls once its [`StopHandle`] is stopped (from the progress callback,
/// another task or a signal handler) or after [`stop_after_failures`](Self::stop_after_failures)
/// failures; the calls in flight then finish. The inputs never started are not read: the
/// report hands back the rest of the input iterator as
/// [`not_started`](BulkReport::not_started), to count (`.len()` for a `Vec`'s), collect,
/// save or run again (`Bulk::new(report.not_started)`), so an endless or huge input costs
/// nothing once stopped. The calls run inside the task that awaits [`run`](Self::run), on
/// any runtime; nothing is spawned.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), ordercloud_transport::Error> {
/// use ordercloud_transport::{ApiClient, Bulk, MockTransport, http::Method};
///
/// let mock = MockTransport::new();
/// mock.push_status(200, r#"{"ID":"a"}"#).push_status(409, r#"{"Errors":[{"ErrorCode":"IdExists"}]}"#).push_status(200, r#"{"ID":"c"}"#);
/// let client = ApiClient::builder().transport(mock.clone()).build()?;
///
/// let report = Bulk::new(["a", "b", "c"])
///     .concurrency(1)
///     .on_progress(|progress| eprint!("\r{} done, {} failed, {} to go", progress.done, progress.failed, progress.remaining))
///     .run(|id| {
///         client.request(Method::POST, "/products").json(&serde_json::json!({ "ID": id })).send_json::<serde_json::Value>()
///     })
///     .await;
/// assert_eq!(report.succeeded.len(), 2);
/// assert_eq!(report.failed[0].input, "b");
/// assert_eq!(report.failed[0].error.status().map(|status| status.as_u16()), Some(409));
/// # Ok(())
/// # }
/// ```
#[must_use = "nothing is sent until the bulk is run"]
pub struct Bulk<It, G = fn(BulkProgress)> {
    inputs: Fuse<It>,
    concurrency: usize,
    stop: StopHandle,
    stop_after_failures: Option<usize>,
    progress: G,
}

impl<It: Iterator> Bulk<It> {
    /// A run over `inputs`, taken one at a time as calls start (an iterator is never
    /// collected ahead).
    pub fn new<I: IntoIterator<IntoIter = It>>(inputs: I) -> Self {
        Self {
            inputs: inputs.into_iter().fuse(),
            concurrency: DEFAULT_CONCURRENCY,
            stop: StopHandle::default(),
            stop_after_failures: None,
            progress: |_| {},
        }
    }
}

impl<It: Iterator, G: FnMut(BulkProgress)> Bulk<It, G> {
    /// How many calls may be in flight at once: 8 by default; `0` counts as `1`. The
    /// client's own limit on calls in flight still holds.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Stops starting calls once `failures` calls have failed (`0` counts as `1`).
    pub fn stop_after_failures(mut self, failures: usize) -> Self {
        self.stop_after_failures = Some(failures.max(1));
        self
    }

    /// A handle that stops this run from starting more calls, from anywhere.
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Calls `progress` after each call ends, with how many succeeded, failed and remain.
    pub fn on_progress<H: FnMut(BulkProgress)>(self, progress: H) -> Bulk<It, H> {
        Bulk {
            inputs: self.inputs,
            concurrency: self.concurrency,
            stop: self.stop,
            stop_after_failures: self.stop_after_failures,
            progress,
        }
    }

    /// Makes a call of each input with `call` and runs them, at most
    /// [`concurrency`](Self::concurrency) at once; the report once every call started has
    /// ended. `call` gets each input by reference and returns the call (a future, or
    /// anything that turns into one), which must not borrow the input: it is kept for the
    /// report.
    pub async fn run<F, C, O, E>(self, mut call: F) -> BulkReport<It, O, E>
    where
        F: FnMut(&It::Item) -> C,
        C: IntoFuture<Output = Result<O, E>>,
    {
        let Bulk { mut inputs, concurrency, stop, stop_after_failures, mut progress } = self;
        let mut running = Flight::with_capacity(concurrency);
        let mut succeeded: Vec<(usize, O)> = Vec::new();
        let mut failed: Vec<BulkFailure<It::Item, E>> = Vec::new();
        let mut started = 0;
        poll_fn(|cx| {
            loop {
                while running.len() < concurrency && !stop.is_stopped() {
                    let Some(input) = inputs.next() else { break };
                    let future = call(&input).into_future();
                    running.push((started, input), future);
                    started += 1;
                }
                if running.is_empty() {
                    return Poll::Ready(());
                }
                if !running.woken(cx) {
                    return Poll::Pending;
                }
                let before = running.len();
                while let Some(((index, input), outcome)) = running.next_ended() {
                    match outcome {
                        Ok(output) => succeeded.push((index, output)),
                        Err(error) => {
                            failed.push(BulkFailure { index, input, error });
                            if stop_after_failures.is_some_and(|most| failed.len() >= most) {
                                stop.stop();
                            }
                        }
                    }
                    // An endless input says `usize::MAX`.
                    let to_start = if stop.is_stopped() { 0 } else { inputs.size_hint().0 };
                    let remaining = running.len().saturating_add(to_start);
                    progress(BulkProgress { done: succeeded.len(), failed: failed.len(), remaining });
                }
                if running.len() == before {
                    return Poll::Pending;
                }
            }
        })
        .await;
        succeeded.sort_by_key(|(index, _)| *index);
        failed.sort_by_key(|failure| failure.index);
        BulkReport {
            succeeded: succeeded.into_iter().map(|(_, output)| output).collect(),
            failed,
            not_started: inputs,
            stopped: stop.is_stopped(),
        }
    }
}

impl<It, G> fmt::Debug for Bulk<It, G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bulk")
            .field("concurrency", &self.concurrency)
            .field("stopped", &self.stop.is_stopped())
            .field("stop_after_failures", &self.stop_after_failures)
            .finish_non_exhaustive()
    }
}

/// Where a [`Bulk`] run stands, after one of its calls ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BulkProgress {
    /// The calls that succeeded so far.
    pub done: usize,
    /// The calls that failed so far.
    pub failed: usize,
    /// The calls not ended yet: in flight, and (for inputs that know their number, such as a
    /// `Vec`'s) not started; none are left to start once the run is stopped. `usize::MAX`
    /// for endless inputs.
    pub remaining: usize,
}

/// A [`Bulk`] call that failed: its input, its place among the inputs, and its error.
#[derive(Debug)]
#[non_exhaustive]
pub struct BulkFailure<I, E> {
    /// The input's place among the inputs, from 0.
    pub index: usize,
    /// The input the call was made of.
    pub input: I,
    /// Why the call failed.
    pub error: E,
}

/// What a [`Bulk`] run over the inputs of the iterator `It` did.
#[non_exhaustive]
pub struct BulkReport<It: Iterator, O, E> {
    /// What each call that succeeded answered, in the order of the inputs.
    pub succeeded: Vec<O>,
    /// Each call that failed, with its input, in the order of the inputs.
    pub failed: Vec<BulkFailure<It::Item, E>>,
    /// The inputs never started, in order: the rest of the input iterator, handed back
    /// unread. Empty unless the run was stopped (it is fused: once it has ended, it stays
    /// ended). Count them with `.len()` when the inputs know their number (a `Vec`'s, a
    /// range), collect them, or run them later with `Bulk::new(report.not_started)`.
    pub not_started: Fuse<It>,
    /// Whether the run was stopped (by its [`StopHandle`] or by too many failures).
    pub stopped: bool,
}

impl<It: Iterator, O: fmt::Debug, E: fmt::Debug> fmt::Debug for BulkReport<It, O, E>
where
    It::Item: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The inputs not started are never read to print them: only their count, as far
        // as the iterator tells it.
        f.debug_struct("BulkReport")
            .field("succeeded", &self.succeeded)
            .field("failed", &self.failed)
            .field("not_started", &NotStarted(self.not_started.size_hint()))
            .field("stopped", &self.stopped)
            .finish()
    }
}

/// How many inputs were not started, as an iterator's size hint tells it.
struct NotStarted((usize, Option<usize>));

impl fmt::Debug for NotStarted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            (low, Some(high)) if low == high => write!(f, "{low} inputs"),
            (low, Some(high)) => write!(f, "{low} to {high} inputs"),
            (low, None) => write!(f, "at least {low} inputs"),
        }
    }
}

/// Stops a [`Bulk`] run from starting more calls; cheap to clone, usable from any thread.
#[derive(Clone, Debug, Default)]
pub struct StopHandle(Arc<AtomicBool>);

impl StopHandle {
    /// Starts no more calls; those in flight finish.
    pub fn stop(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Whether [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}
