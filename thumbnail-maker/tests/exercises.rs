//! Tests of the exercises. They run against the solutions by default; an attendee runs
//! `cargo test -p thumbnail-maker --features exercises --test exercises` to test their own code.
//! Each test runs under `workshop::guard::exercise`, so an attempt that hangs fails with its
//! exercise's number and the likely mistake instead of waiting forever.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, LazyLock, Mutex};
use std::thread;
use std::time::Duration;

use common::server::{FakeServer, Faults, Rendezvous, ServerConfig};
use thumbnail_codec::thumbs;
use thumbnail_maker::under_test::{download_capped, resize_all, two_stages};
use workshop::guard::exercise;

const PERMIT: &str =
    "is a permit never given back, or is each download joined inside the spawning loop?";
const CLOSE: &str =
    "is a sender still alive after the producer stops, so the receiving loop never ends?";
const RAYON: &str =
    "does resize_all collect its results from a channel whose sender is never dropped?";

fn flag_server(faults: Faults) -> FakeServer {
    FakeServer::start(ServerConfig {
        image_variants: 0,
        faults,
        ..ServerConfig::default()
    })
    .expect("the fake server starts")
}

fn fetch(url: &str) -> Result<Vec<u8>, String> {
    // Straight to the fake server, whatever the proxy variables say.
    static AGENT: LazyLock<ureq::Agent> =
        LazyLock::new(|| ureq::Agent::config_builder().proxy(None).build().into());
    let mut answer = AGENT.get(url).call().map_err(|e| e.to_string())?;
    answer.body_mut().read_to_vec().map_err(|e| e.to_string())
}

#[test]
fn exercise_1_downloads_are_capped_and_in_order() {
    exercise(1, PERMIT, || {
        // The server holds answers until 3 requests are in flight: with a cap of 3 every batch
        // fills, and the peak is exactly 3; without a cap the peak would be all 9.
        let faults = Faults {
            rendezvous: Some(Rendezvous {
                count: 3,
                timeout_ms: 5_000,
            }),
            ..Faults::default()
        };
        let server = flag_server(faults);
        let codes = common::data::country_codes(9);
        let urls: Vec<String> = codes
            .iter()
            .map(|cc| {
                format!(
                    "{}/flags/{cc}/{cc}.gif",
                    server.url(),
                    cc = cc.to_lowercase()
                )
            })
            .collect();
        let got = download_capped(&urls, 3, fetch);
        assert_eq!(server.stats().max_in_flight, 3);
        assert_eq!(got.len(), 9);
        for (cc, result) in codes.iter().zip(got) {
            let gif = result.expect("every flag downloads");
            assert_eq!(
                gif,
                common::images::flag_gif(&cc.to_lowercase()),
                "{cc} out of order"
            );
        }
    });
}

#[test]
fn exercise_1_a_cap_of_one_downloads_one_at_a_time_and_reports_failures() {
    exercise(1, PERMIT, || {
        let server = flag_server(Faults {
            latency_ms: 5,
            ..Faults::default()
        });
        let urls = vec![
            format!("{}/flags/br/br.gif", server.url()),
            format!("{}/flags/xx/xx.gif", server.url()), // unknown country: 404
            format!("{}/flags/in/in.gif", server.url()),
        ];
        let got = download_capped(&urls, 1, fetch);
        assert_eq!(server.stats().max_in_flight, 1);
        assert!(
            got[0].is_ok() && got[1].is_err() && got[2].is_ok(),
            "{got:?}"
        );
    });
}

#[test]
fn exercise_2_two_stages_deliver_everything_in_order_and_stay_bounded() {
    exercise(2, CLOSE, || {
        let (produced, lead) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let mut seen = Vec::new();
        let capacity = 2;
        let result = two_stages(
            (0..50u32).collect(),
            capacity,
            |x| {
                produced.fetch_add(1, Ordering::SeqCst);
                Ok::<_, String>(x * 10)
            },
            |y| {
                // How far ahead the producer got before this item was taken.
                let ahead = produced.load(Ordering::SeqCst) - seen.len();
                lead.fetch_max(ahead, Ordering::SeqCst);
                seen.push(y);
                thread::sleep(Duration::from_millis(1)); // a slow consumer
            },
        );
        assert_eq!(result, Ok(50));
        assert_eq!(seen, (0..50).map(|x| x * 10).collect::<Vec<_>>());
        // At most `capacity` waiting in the channel, one being sent, one being made.
        let lead = lead.load(Ordering::SeqCst);
        assert!(lead <= capacity + 2, "the producer ran {lead} items ahead");
    });
}

#[test]
fn exercise_2_two_stages_shut_down_when_the_producer_fails() {
    exercise(2, CLOSE, || {
        let mut seen = Vec::new();
        let result = two_stages(
            (0..100u32).collect(),
            4,
            |x| {
                if x == 5 {
                    Err(format!("item {x} is bad"))
                } else {
                    Ok(x)
                }
            },
            |y| seen.push(y),
        );
        assert_eq!(result, Err("item 5 is bad".to_string()));
        assert_eq!(seen, vec![0, 1, 2, 3, 4]);
    });
}

#[test]
fn exercise_2_two_stages_end_when_the_input_ends() {
    exercise(2, CLOSE, || {
        let result = two_stages(Vec::<u8>::new(), 1, Ok::<u8, ()>, |_| {});
        assert_eq!(result, Ok(0));
    });
}

#[test]
fn exercise_3_resize_all_makes_every_thumbnail_in_order() {
    exercise(3, RAYON, || {
        let images: Vec<Vec<u8>> = vec![
            common::images::photo_jpeg(300, 200, 1),
            b"not a jpeg".to_vec(),
            common::images::photo_jpeg(120, 240, 2),
        ];
        let got = resize_all(&images, |jpeg| thumbs::make(jpeg, &[64]));
        assert_eq!(got.len(), 3);
        let first = got[0].as_ref().expect("a photo");
        assert_eq!((first[0].width, first[0].height), (64, 43));
        assert!(got[1].is_err());
        let third = got[2].as_ref().expect("a photo");
        assert_eq!((third[0].width, third[0].height), (64, 128));
    });
}

#[test]
fn exercise_3_resize_all_runs_on_several_threads_at_once() {
    exercise(3, RAYON, || {
        // Each call waits (up to 5 s) until two calls are running together; a sequential loop
        // would see only one at a time.
        let state = (Mutex::new((0usize, 0usize)), Condvar::new()); // (running, peak)
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let images = vec![vec![1u8]; 4];
        let got = pool.install(|| {
            resize_all(&images, |jpeg| {
                let mut guard = state.0.lock().unwrap();
                guard.0 += 1;
                guard.1 = guard.1.max(guard.0);
                state.1.notify_all();
                let (mut guard, _) = state
                    .1
                    .wait_timeout_while(guard, Duration::from_secs(5), |(_, peak)| *peak < 2)
                    .unwrap();
                guard.0 -= 1;
                jpeg.len()
            })
        });
        assert_eq!(got, vec![1; 4]);
        assert_eq!(state.0.lock().unwrap().1, 2, "never two resizes at once");
    });
}
