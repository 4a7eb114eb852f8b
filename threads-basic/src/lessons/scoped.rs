//! # Scoped threads: borrow local data without `Arc` or `move`
//!
//! Python: threads can read any object they can reach (`Thread(target=count, args=(words,))`),
//! and nothing stops one from changing it while another reads.
//!
//! Rust: a thread from `thread::spawn` may outlive the function that started it, so it can only
//! own its data (`'static`). `thread::scope` promises that every thread started inside it is
//! joined before the scope ends, so those threads may *borrow* local variables: several may read
//! the same slice, and one may hold the only `&mut` to a piece of it.
//!
//! Run: `cargo run -p threads-basic -- scoped`
//!
//! Look for: four threads counting words in their own quarter of one borrowed text, and a
//! thread writing into its own half of a local array, with no `Arc`, no `Mutex`, and no clone.

use std::thread;

/// Counts the words of `lines`, split among `threads` scoped threads that borrow the lines.
pub fn count_words(lines: &[String], threads: usize) -> Vec<usize> {
    let chunk = lines.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = lines
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|l| l.split_whitespace().count()).sum()))
            .collect();
        // Joining inside the scope gives each thread's result; a panic would re-raise here.
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Two threads fill the two halves of a local array with the squares of their indices.
/// Mutable borrows work too, as long as they do not overlap: `split_at_mut` gives two halves.
pub fn fill_halves() -> [u64; 8] {
    let mut squares = [0u64; 8];
    let (left, right) = squares.split_at_mut(4);
    thread::scope(|s| {
        s.spawn(|| {
            left.iter_mut()
                .enumerate()
                .for_each(|(i, x)| *x = (i * i) as u64)
        });
        s.spawn(|| {
            right
                .iter_mut()
                .enumerate()
                .for_each(|(i, x)| *x = ((i + 4) * (i + 4)) as u64)
        });
    }); // both threads are joined here, so `squares` is ours again
    squares
}
