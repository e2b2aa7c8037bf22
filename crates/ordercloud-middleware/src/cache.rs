//! A single-flight cache: one load per key however many callers wait for it, its outcome
//! (a failure too) kept for as long as the load says, and a bounded number of keys.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::OnceCell;
use tokio::time::Instant;

/// Outcomes by key. A caller finds the outcome kept for its key, or waits on the one load
/// in flight, or starts it: so a burst of callers with one key makes one load, and a
/// failure kept for a while is not loaded again in a loop.
pub(crate) struct FlightCache<V, E> {
    slots: Mutex<HashMap<String, Arc<Slot<V, E>>>>,
    capacity: usize,
}

struct Slot<V, E> {
    cell: OnceCell<Kept<V, E>>,
}

struct Kept<V, E> {
    outcome: Result<V, E>,
    until: Instant,
}

impl<V: Clone, E: Clone> FlightCache<V, E> {
    /// A cache of at most `capacity` keys.
    pub(crate) fn new(capacity: usize) -> Self {
        Self { slots: Mutex::new(HashMap::new()), capacity: capacity.max(1) }
    }

    /// The outcome for `key`: the one kept if it has not expired, else the one `load`
    /// gives, kept for the duration it gives with it. Callers that come while a load is in
    /// flight wait for it; if the caller running it goes away, a waiting one runs its own.
    pub(crate) async fn get<F, Fut>(&self, key: &str, load: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = (Result<V, E>, Duration)>,
    {
        let slot = self.slot(key);
        let kept = slot
            .cell
            .get_or_init(|| async {
                let (outcome, keep) = load().await;
                Kept { outcome, until: Instant::now() + keep }
            })
            .await;
        kept.outcome.clone()
    }

    /// The slot of `key`: the one there while it is loading or still fresh, else a new one.
    fn slot(&self, key: &str) -> Arc<Slot<V, E>> {
        let now = Instant::now();
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = slots.get(key).filter(|slot| slot.is_live(now)) {
            return slot.clone();
        }
        if slots.len() >= self.capacity && !slots.contains_key(key) {
            slots.retain(|_, slot| slot.is_live(now));
            if slots.len() >= self.capacity {
                // The one that expires first goes; a load in flight stays.
                let soonest = slots
                    .iter()
                    .filter_map(|(key, slot)| slot.cell.get().map(|kept| (kept.until, key.clone())))
                    .min()
                    .map(|(_, key)| key);
                if let Some(key) = soonest {
                    slots.remove(&key);
                }
            }
        }
        let slot = Arc::new(Slot { cell: OnceCell::new() });
        slots.insert(key.to_owned(), slot.clone());
        slot
    }

    /// How many keys are kept (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

impl<V, E> Slot<V, E> {
    /// Loading, or loaded and not expired.
    fn is_live(&self, now: Instant) -> bool {
        self.cell.get().is_none_or(|kept| kept.until > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(start_paused = true)]
    async fn a_burst_makes_one_load_and_a_failure_is_kept_for_its_time() {
        let cache: Arc<FlightCache<u32, &'static str>> = Arc::new(FlightCache::new(8));
        let loads = Arc::new(AtomicUsize::new(0));
        let mut callers = Vec::new();
        for _ in 0..50 {
            let (cache, loads) = (cache.clone(), loads.clone());
            callers.push(tokio::spawn(async move {
                cache
                    .get("kid", || async move {
                        loads.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        (Err("unknown"), Duration::from_secs(60))
                    })
                    .await
            }));
        }
        for caller in callers {
            assert_eq!(caller.await.unwrap(), Err("unknown"));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1, "one load for the burst");
        let again = cache.get("kid", || async { (Ok(1), Duration::from_secs(60)) }).await;
        assert_eq!(again, Err("unknown"), "the failure is kept");
        tokio::time::advance(Duration::from_secs(61)).await;
        let later = cache.get("kid", || async { (Ok(7), Duration::from_secs(60)) }).await;
        assert_eq!(later, Ok(7), "loaded again once it expired");
    }

    #[tokio::test(start_paused = true)]
    async fn keys_are_bounded_and_the_soonest_to_expire_goes_first() {
        let cache: FlightCache<u32, ()> = FlightCache::new(3);
        for (index, key) in ["a", "b", "c"].iter().enumerate() {
            let keep = Duration::from_secs(10 * (index as u64 + 1));
            cache.get(key, || async move { (Ok(index as u32), keep) }).await.unwrap();
        }
        cache.get("d", || async { (Ok(9), Duration::from_secs(60)) }).await.unwrap();
        assert_eq!(cache.len(), 3);
        let reloaded = cache.get("a", || async { (Ok(100), Duration::from_secs(60)) }).await;
        assert_eq!(reloaded, Ok(100), "a, the soonest to expire, was dropped");
        let kept = cache.get("c", || async { (Ok(100), Duration::from_secs(60)) }).await;
        assert_eq!(kept, Ok(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_that_goes_away_leaves_the_load_to_the_next() {
        let cache: Arc<FlightCache<u32, ()>> = Arc::new(FlightCache::new(8));
        let first = {
            let cache = cache.clone();
            tokio::spawn(async move {
                cache
                    .get("k", || async {
                        std::future::pending::<()>().await;
                        (Ok(0), Duration::ZERO)
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(1)).await;
        first.abort();
        let _ = first.await;
        assert_eq!(cache.get("k", || async { (Ok(5), Duration::from_secs(1)) }).await, Ok(5));
    }
}
