//! The break reminder: every interval (40 minutes by default) from the local join, the animateur is reminded
//! that people may need a break. Time is an input: the driver asks [`BreakTimer::next_deadline`] when to wake
//! and then feeds the time in.

use crate::Millis;

/// Forty minutes, the usual span of attention in a meeting.
pub const DEFAULT_BREAK_INTERVAL: Millis = 40 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakTimer {
    /// Zero disables reminders.
    interval: Millis,
    start: Option<Millis>,
    /// Meeting time of the last interval boundary reached, reminded or not.
    reached: Millis,
}

impl Default for BreakTimer {
    fn default() -> Self {
        BreakTimer::new(DEFAULT_BREAK_INTERVAL)
    }
}

impl BreakTimer {
    pub fn new(interval: Millis) -> Self {
        BreakTimer { interval, start: None, reached: 0 }
    }

    /// The meeting starts (the first time only: a reconnection keeps the meeting's start).
    pub fn start(&mut self, now: Millis) {
        if self.start.is_none() {
            self.start = Some(now);
        }
    }

    pub fn started_at(&self) -> Option<Millis> {
        self.start
    }

    /// Time since the meeting started, zero before.
    pub fn elapsed(&self, now: Millis) -> Millis {
        self.start.map_or(0, |start| now.saturating_sub(start))
    }

    /// When the next boundary is reached, if the timer runs.
    pub fn next_deadline(&self) -> Option<Millis> {
        let start = self.start?;
        (self.interval > 0).then(|| start + self.reached + self.interval)
    }

    /// Moves to `now`; returns the meeting time of the boundary just reached, if one was. Several boundaries
    /// missed at once give one reminder, for the latest.
    pub fn advance(&mut self, now: Millis) -> Option<Millis> {
        if self.interval == 0 {
            return None;
        }
        let boundary = self.elapsed(now) / self.interval * self.interval;
        (boundary > self.reached).then(|| {
            self.reached = boundary;
            boundary
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_come_every_interval_from_the_start() {
        let mut t = BreakTimer::new(100);
        assert_eq!(t.next_deadline(), None);
        t.start(1_000);
        assert_eq!(t.next_deadline(), Some(1_100));
        assert_eq!(t.advance(1_099), None);
        assert_eq!(t.advance(1_100), Some(100));
        assert_eq!(t.advance(1_150), None);
        assert_eq!(t.next_deadline(), Some(1_200));
        // A late wake-up reminds once, for the latest boundary.
        assert_eq!(t.advance(1_450), Some(400));
        assert_eq!(t.next_deadline(), Some(1_500));
        assert_eq!(t.elapsed(1_450), 450);
    }

    #[test]
    fn zero_interval_disables_and_restart_keeps_the_start() {
        let mut t = BreakTimer::new(0);
        t.start(5);
        t.start(50);
        assert_eq!(t.started_at(), Some(5));
        assert_eq!(t.next_deadline(), None);
        assert_eq!(t.advance(1_000_000), None);
    }
}
