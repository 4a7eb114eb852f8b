//! Placeholder: this crate's tour is built by its own issue.

fn main() {
    println!("coming soon: see the crate's issue");
}
