//! What the tests share: an embedded fake server, its rendezvous, and its flag URLs. Each test
//! file uses only some of it.
#![allow(dead_code)]

use common::server::{FakeServer, Faults, Rendezvous, Server, ServerConfig};

/// An embedded fake server with `faults` and no photos.
pub fn server(faults: Faults) -> Server {
    let config = ServerConfig {
        image_variants: 0,
        faults,
        ..ServerConfig::default()
    };
    Server::Embedded(FakeServer::start(config).unwrap())
}

/// Holds answers until `count` requests are in flight.
pub fn rendezvous(count: usize) -> Faults {
    Faults {
        rendezvous: Some(Rendezvous {
            count: count as u64,
            timeout_ms: 10_000,
        }),
        ..Faults::default()
    }
}

/// The flag URL of each code on `server`, in the codes' order.
pub fn flag_urls(server: &Server, codes: &[&str]) -> Vec<String> {
    codes.iter().map(|cc| server.flag_url(cc)).collect()
}
