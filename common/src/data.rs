//! Sample data shared by the demos.

/// The 20 most populous countries: ISO 3166-1 alpha-2 code and English name, most populous first.
/// These are the flags the fake server knows.
pub const COUNTRIES: [(&str, &str); 20] = [
    ("IN", "India"),
    ("CN", "China"),
    ("US", "United States"),
    ("ID", "Indonesia"),
    ("PK", "Pakistan"),
    ("NG", "Nigeria"),
    ("BR", "Brazil"),
    ("BD", "Bangladesh"),
    ("RU", "Russia"),
    ("ET", "Ethiopia"),
    ("MX", "Mexico"),
    ("JP", "Japan"),
    ("EG", "Egypt"),
    ("PH", "Philippines"),
    ("CD", "DR Congo"),
    ("VN", "Vietnam"),
    ("IR", "Iran"),
    ("TR", "Turkey"),
    ("DE", "Germany"),
    ("TH", "Thailand"),
];

/// The first `n` country codes, upper case, cycling through the list when `n` is larger than 20
/// (so a demo can ask for 100 downloads of the same 20 flags).
pub fn country_codes(n: usize) -> Vec<&'static str> {
    COUNTRIES
        .iter()
        .map(|(cc, _)| *cc)
        .cycle()
        .take(n)
        .collect()
}

/// The country name for a code (any case), if it is one of [`COUNTRIES`].
pub fn country_name(cc: &str) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(cc))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_cycle() {
        let mut first: Vec<_> = country_codes(20);
        first.sort();
        first.dedup();
        assert_eq!(first.len(), 20);
        assert_eq!(country_codes(21)[20], "IN");
        assert_eq!(country_name("br"), Some("Brazil"));
        assert_eq!(country_name("ZZ"), None);
    }
}
