//! Where "now" comes from. The API never calls `Utc::now()` itself, so the
//! local preview and the browser tests can pretend it is another day (to give
//! feedback after a visit, say) and tests can pin time exactly.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// The day the booking rules use: the UTC date of `now`.
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

/// Real time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Real time moved by a fixed offset, so that "today" is a chosen date while
/// the clock still ticks (24-hour idempotency windows and timestamps behave).
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    offset: TimeDelta,
}

impl ShiftedClock {
    /// A clock whose today is `today`, at the current time of day.
    pub fn to_today(today: NaiveDate) -> Self {
        let real = Utc::now().date_naive();
        Self {
            offset: today.signed_duration_since(real),
        }
    }

    pub fn with_offset(offset: TimeDelta) -> Self {
        Self { offset }
    }

    pub fn offset(&self) -> TimeDelta {
        self.offset
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        // Saturates rather than panics for absurd offsets.
        Utc::now()
            .checked_add_signed(self.offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// A clock that never moves, for tests that assert exact timestamps.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifted_clock_reports_the_chosen_day() {
        let target = NaiveDate::from_ymd_opt(2031, 2, 28).unwrap();
        let clock = ShiftedClock::to_today(target);
        // Could straddle midnight between the two reads; allow the next day.
        let today = clock.today();
        assert!(
            today == target || today == target.succ_opt().unwrap(),
            "{today}"
        );
        let past = NaiveDate::from_ymd_opt(2001, 1, 1).unwrap();
        assert!(ShiftedClock::to_today(past).today() <= past.succ_opt().unwrap());
    }
}
