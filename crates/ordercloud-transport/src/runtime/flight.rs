//! Several requests in flight inside one task, without spawning: how pages, objects by ID
//! and bulk calls run concurrently on any async runtime (or none in particular).
//!
//! The futures are polled by the task that awaits them. [`Woken`] is the waker they are
//! polled with: it notes that one of them was woken and wakes the task, so the task polls
//! them again only when one of them can have moved on. [`Flight`] runs a set of futures
//! that way, each with a key (the bulk runner's, [`try_join_ordered`]'s); a walk over pages
//! polls its own queue with a [`Woken`].

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

/// How many requests a walk over pages, a fetch by ID or a bulk run has in flight at once,
/// unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The waker of the futures a task runs at once.
pub(crate) struct Woken {
    flag: Arc<Flag>,
    waker: Waker,
}

struct Flag {
    /// Whether one of the futures was woken (or started) since the task last looked.
    woken: AtomicBool,
    /// The task's own waker, from its latest poll.
    task: Mutex<Option<Waker>>,
}

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        let task = self.task.lock().unwrap_or_else(PoisonError::into_inner).clone();
        if let Some(task) = task {
            task.wake();
        }
    }
}

impl Woken {
    pub(crate) fn new() -> Self {
        let flag = Arc::new(Flag { woken: AtomicBool::new(false), task: Mutex::new(None) });
        let waker = Waker::from(flag.clone());
        Self { flag, waker }
    }

    /// Notes that a future was started, so the next [`take`](Self::take) polls it.
    pub(crate) fn mark(&self) {
        self.flag.woken.store(true, Ordering::Release);
    }

    /// Makes `cx`'s task the one to wake, then says whether a future was woken (or started)
    /// since the last call, and clears that.
    pub(crate) fn take(&self, cx: &Context<'_>) -> bool {
        {
            let mut task = self.flag.task.lock().unwrap_or_else(PoisonError::into_inner);
            if !task.as_ref().is_some_and(|task| task.will_wake(cx.waker())) {
                *task = Some(cx.waker().clone());
            }
        }
        self.flag.woken.swap(false, Ordering::AcqRel)
    }

    /// The waker to poll the futures with.
    pub(crate) fn waker(&self) -> &Waker {
        &self.waker
    }
}

/// Futures run at once inside one task, each with a key (its place, its input): polled
/// with a [`Woken`], so only after one of them was woken or started.
pub(crate) struct Flight<K, F> {
    running: Vec<(K, Pin<Box<F>>)>,
    woken: Woken,
    /// How far [`next_ended`](Self::next_ended) has polled `running` since the latest wake.
    polled: usize,
}

impl<K, F: Future> Flight<K, F> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self { running: Vec::with_capacity(capacity), woken: Woken::new(), polled: 0 }
    }

    /// How many futures are running.
    pub(crate) fn len(&self) -> usize {
        self.running.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    /// Starts `future`, with `key`: the next [`next_ended`](Self::next_ended) polls it.
    pub(crate) fn push(&mut self, key: K, future: F) {
        self.running.push((key, Box::pin(future)));
        self.woken.mark();
    }

    /// Makes `cx`'s task the one to wake, then says whether a future was woken (or started)
    /// since the last call: if so, [`next_ended`](Self::next_ended) polls them all again.
    pub(crate) fn woken(&mut self, cx: &Context<'_>) -> bool {
        let woken = self.woken.take(cx);
        self.polled = if woken { 0 } else { self.running.len() };
        woken
    }

    /// Polls the futures not polled since the latest wake, up to the next one that ends:
    /// its key and output; `None` once all were polled.
    pub(crate) fn next_ended(&mut self) -> Option<(K, F::Output)> {
        let mut context = Context::from_waker(self.woken.waker());
        while self.polled < self.running.len() {
            if let Poll::Ready(output) = self.running[self.polled].1.as_mut().poll(&mut context) {
                let (key, _) = self.running.swap_remove(self.polled);
                return Some((key, output));
            }
            self.polled += 1;
        }
        None
    }
}

/// Runs `futures`, at most `limit` at once, and returns their outputs in their order; the
/// first error ends it, and the futures still running are dropped.
pub(crate) async fn try_join_ordered<F, T, E>(futures: impl IntoIterator<Item = F>, limit: usize) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>>,
{
    let limit = limit.max(1);
    let mut waiting = futures.into_iter();
    let mut running = Flight::with_capacity(limit);
    let mut outputs: Vec<Option<T>> = Vec::new();
    poll_fn(|cx| {
        loop {
            while running.len() < limit {
                let Some(future) = waiting.next() else { break };
                running.push(outputs.len(), future);
                outputs.push(None);
            }
            if running.is_empty() {
                return Poll::Ready(Ok(outputs.drain(..).flatten().collect()));
            }
            if !running.woken(cx) {
                return Poll::Pending;
            }
            let before = running.len();
            while let Some((at, output)) = running.next_ended() {
                match output {
                    Ok(output) => outputs[at] = Some(output),
                    Err(error) => return Poll::Ready(Err(error)),
                }
            }
            if running.len() == before {
                return Poll::Pending;
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A future that is pending the first `polls` times it is polled (waking itself), then
    /// ready with `value`.
    struct Ready {
        polls: usize,
        value: Result<u32, &'static str>,
    }

    impl Future for Ready {
        type Output = Result<u32, &'static str>;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            if self.polls == 0 {
                return Poll::Ready(self.value);
            }
            self.polls -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    #[tokio::test]
    async fn outputs_come_in_order_whatever_order_they_finish_in() {
        let futures = (0..10u32).map(|n| Ready { polls: (10 - n as usize) % 4, value: Ok(n) });
        assert_eq!(try_join_ordered(futures, 3).await, Ok((0..10).collect::<Vec<_>>()));
        let none: Vec<Ready> = Vec::new();
        assert_eq!(try_join_ordered(none, 0).await, Ok(Vec::new()));
    }

    #[tokio::test]
    async fn the_first_error_ends_it() {
        let futures = (0..10u32).map(|n| Ready { polls: 1, value: if n == 4 { Err("four") } else { Ok(n) } });
        assert_eq!(try_join_ordered(futures, 2).await, Err("four"));
    }
}
