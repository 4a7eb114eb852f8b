//! Solutions to the exercises in `exercises.rs` (same signatures, solved).

use std::sync::{Condvar, Mutex, PoisonError};
use std::thread;

use rayon::prelude::{IntoParallelRefIterator, ParallelIterator};

/// Exercise 1: a thread per URL, a semaphore of `cap` permits around each download.
pub fn download_capped<F>(urls: &[String], cap: usize, fetch: F) -> Vec<Result<Vec<u8>, String>>
where
    F: Fn(&str) -> Result<Vec<u8>, String> + Sync,
{
    struct Permit<'a>(&'a (Mutex<usize>, Condvar));
    impl Drop for Permit<'_> {
        fn drop(&mut self) {
            *self.0.0.lock().unwrap_or_else(PoisonError::into_inner) += 1;
            self.0.1.notify_one();
        }
    }
    let semaphore = (Mutex::new(cap.max(1)), Condvar::new());
    let acquire = || {
        let free = semaphore.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut free = semaphore
            .1
            .wait_while(free, |free| *free == 0)
            .unwrap_or_else(PoisonError::into_inner);
        *free -= 1;
        Permit(&semaphore)
    };
    thread::scope(|s| {
        let handles: Vec<_> = urls
            .iter()
            .map(|url| {
                let (acquire, fetch) = (&acquire, &fetch);
                s.spawn(move || {
                    let _permit = acquire();
                    fetch(url)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("the download thread panicked".into()))
            })
            .collect()
    })
}

/// Exercise 2: a producer thread and this thread, joined by a bounded channel.
pub fn two_stages<T, U, E>(
    items: Vec<T>,
    capacity: usize,
    produce: impl Fn(T) -> Result<U, E> + Sync,
    mut consume: impl FnMut(U),
) -> Result<usize, E>
where
    T: Send,
    U: Send,
    E: Send,
{
    let (tx, rx) = crossbeam_channel::bounded(capacity);
    let produce = &produce;
    thread::scope(|s| {
        // The sender moves into the producer: when it returns, the channel closes.
        let producer = s.spawn(move || {
            for item in items {
                if tx.send(produce(item)?).is_err() {
                    break; // the consumer is gone
                }
            }
            Ok(())
        });
        let mut consumed = 0;
        for value in rx {
            consume(value);
            consumed += 1;
        }
        producer.join().expect("the producer panicked")?;
        Ok(consumed)
    })
}

/// Exercise 3: rayon's indexed parallel iterator keeps the order.
pub fn resize_all<R, F>(images: &[Vec<u8>], resize: F) -> Vec<R>
where
    R: Send,
    F: Fn(&[u8]) -> R + Sync,
{
    images.par_iter().map(|jpeg| resize(jpeg)).collect()
}
