//! Sample CPU work, the same in every crate so their tables compare like with like.

/// Whether `n` is prime, by trial division with odd divisors: plain CPU work on purpose
/// (no cache, no sieve), so it scales with cores and nothing else.
pub fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let mut d = 3;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primes_below_100() {
        let primes: Vec<u64> = (0..100).filter(|&n| is_prime(n)).collect();
        assert_eq!(primes.len(), 25);
        assert_eq!(&primes[..6], &[2, 3, 5, 7, 11, 13]);
        assert!(is_prime(1_000_000_007) && !is_prime(1_000_000_007 * 3));
    }
}
