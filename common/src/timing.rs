//! Timing a closure, the process's CPU time, calibrating a CPU job, and formatting durations.

use std::time::{Duration, Instant};

/// Runs `f` and returns its result with the wall time it took.
pub fn timed<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let start = Instant::now();
    let result = f();
    (result, start.elapsed())
}

/// The CPU time this process has used so far, on all its threads, living or ended, in
/// nanoseconds on every OS the `cpu-time` crate knows (`clock_gettime` on Unix,
/// `GetProcessTimes` on Windows); `None` where the OS cannot tell. CPU time over wall time is
/// the number of cores a piece of work kept busy.
pub fn process_cpu_time() -> Option<Duration> {
    cpu_time::ProcessTime::try_now()
        .ok()
        .map(|t| t.as_duration())
}

/// How big a CPU job must be to take about `target` on this build and machine.
///
/// `job(n)` does `n` units of work (tests `n` numbers, say). Sizes double from 256 until one
/// takes at least half of `target`; the answer scales that size to `target`, at least 1. Tours
/// use it so a debug and a release build, a laptop and a CI runner, all run jobs of the same
/// length.
pub fn calibrate(target: Duration, mut job: impl FnMut(u64)) -> u64 {
    let mut n = 256;
    loop {
        let ((), took) = timed(|| job(n));
        if took >= target / 2 || n >= 1 << 32 {
            return ((n as f64 * target.as_secs_f64() / took.as_secs_f64().max(1e-6)) as u64)
                .max(1);
        }
        n *= 2;
    }
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
    fn timed_returns_the_closures_value_and_a_time_within_the_call() {
        let outer = Instant::now();
        let (value, took) = timed(|| {
            std::thread::sleep(Duration::from_millis(5));
            6 * 7
        });
        assert_eq!(value, 42);
        assert!(took >= Duration::from_millis(5), "{took:?}");
        assert!(took <= outer.elapsed(), "{took:?}");
    }

    #[test]
    fn process_cpu_time_grows_while_this_process_computes() {
        let before = process_cpu_time().expect("every supported OS reports CPU time");
        // Spin until the clock moves; bounded, so a clock that never moves fails, not hangs.
        let give_up = Instant::now() + Duration::from_secs(60);
        let mut n = 0u64;
        let after = loop {
            n = std::hint::black_box(n.wrapping_mul(6364136223846793005).wrapping_add(1));
            let now = process_cpu_time().unwrap();
            if now > before || Instant::now() > give_up {
                break now;
            }
        };
        assert!(after > before, "{before:?} then {after:?}");
    }

    #[test]
    fn calibrate_doubles_until_half_the_target_then_scales_to_it() {
        // A job that sleeps 1 µs per unit: a size of n takes at least n µs, often more.
        let mut sizes = Vec::new();
        let n = calibrate(Duration::from_millis(2), |n| {
            sizes.push(n);
            std::thread::sleep(Duration::from_micros(n));
        });
        assert_eq!(sizes[0], 256);
        assert!(sizes.windows(2).all(|w| w[1] == 2 * w[0]), "{sizes:?}");
        // 1,024 units take at least 1 ms, half the target, so the doubling stops there at the
        // latest; and as the last size took at least its n µs, scaling it to 2 ms gives at most
        // 2,000 units.
        assert!(*sizes.last().unwrap() <= 1_024, "{sizes:?}");
        assert!((1..=2_000).contains(&n), "{n} from {sizes:?}");
    }

    #[test]
    fn durations_format_with_a_readable_unit() {
        assert_eq!(fmt_duration(Duration::from_millis(2030)), "2.03 s");
        assert_eq!(fmt_duration(Duration::from_micros(27_400)), "27.4 ms");
        assert_eq!(fmt_duration(Duration::from_micros(850)), "850 µs");
    }
}
