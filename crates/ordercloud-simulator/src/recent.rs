//! A log that keeps only its newest entries, each numbered in the order it came, so what
//! finishes later (a delivery, a callout) finds its entry again while it is kept.

use std::collections::VecDeque;
use std::collections::vec_deque::Iter;

/// The newest `limit` entries of a log, oldest first; the first entry ever is number 0.
pub(crate) struct Recent<T> {
    entries: VecDeque<T>,
    /// The number of the oldest entry kept.
    first: u64,
    limit: usize,
}

impl<T> Recent<T> {
    /// An empty log that keeps `limit` entries.
    pub(crate) fn new(limit: usize) -> Self {
        Self { entries: VecDeque::new(), first: 0, limit }
    }

    /// The number the next entry will have.
    pub(crate) fn next_number(&self) -> u64 {
        self.first + self.entries.len() as u64
    }

    /// Adds `entry`, forgetting the oldest beyond the limit; its number.
    pub(crate) fn push(&mut self, entry: T) -> u64 {
        let number = self.next_number();
        self.entries.push_back(entry);
        if self.entries.len() > self.limit {
            self.entries.pop_front();
            self.first += 1;
        }
        number
    }

    /// The entry numbered `number`, if still kept.
    pub(crate) fn get_mut(&mut self, number: u64) -> Option<&mut T> {
        let index = number.checked_sub(self.first)?;
        self.entries.get_mut(usize::try_from(index).ok()?)
    }

    /// The newest entry.
    pub(crate) fn last(&self) -> Option<&T> {
        self.entries.back()
    }

    /// The entries kept, oldest first.
    pub(crate) fn iter(&self) -> Iter<'_, T> {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_are_kept_and_found_by_their_number() {
        let mut log = Recent::new(2);
        assert_eq!([log.push("a"), log.push("b"), log.push("c")], [0, 1, 2]);
        assert_eq!(log.iter().copied().collect::<Vec<_>>(), ["b", "c"]);
        assert_eq!(log.get_mut(0), None, "forgotten");
        assert_eq!(log.get_mut(2).copied(), Some("c"));
        assert_eq!(log.get_mut(3), None);
        assert_eq!((log.next_number(), log.last().copied()), (3, Some("c")));
    }
}
