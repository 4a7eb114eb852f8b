//! A stopwatch and a way to time a closure.

use std::time::{Duration, Instant};

/// Measures wall time from the moment it is started.
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    start: Instant,
}

impl Stopwatch {
    /// Starts measuring now.
    pub fn start() -> Self {
        Self {
            start: Instant::now(),
        }
    }

    /// Wall time since [`Stopwatch::start`].
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Seconds since start, for narration like `[0.31 s] done`.
    pub fn secs(&self) -> f64 {
        self.elapsed().as_secs_f64()
    }
}

/// Runs `f` and returns its result with the wall time it took.
pub fn timed<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let watch = Stopwatch::start();
    let result = f();
    (result, watch.elapsed())
}

/// Formats a duration the way the tables do: `2.03 s`, `27.4 ms`, `850 µs`.
pub fn fmt_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 0.001 {
        format!("{:.1} ms", secs * 1e3)
    } else {
        format!("{:.0} µs", secs * 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timed_returns_the_closures_value() {
        let (value, took) = timed(|| 6 * 7);
        assert_eq!(value, 42);
        assert!(took <= Stopwatch::start().elapsed() + took);
    }

    #[test]
    fn durations_format_with_a_readable_unit() {
        assert_eq!(fmt_duration(Duration::from_millis(2030)), "2.03 s");
        assert_eq!(fmt_duration(Duration::from_micros(27_400)), "27.4 ms");
        assert_eq!(fmt_duration(Duration::from_micros(850)), "850 µs");
    }
}
