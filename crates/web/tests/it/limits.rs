//! The server's bounds: a client that is slow with its headers or its body, or idle between
//! requests, is cut off; connections beyond the limit wait; a stop answers what is in flight
//! within its grace and drops the rest. Raw TCP, so a test can send half a request.
//!
//! The timeouts under test are tiny; `CAP` only detects a hang (nothing is timed).

use std::num::NonZeroUsize;
use std::time::Duration;

use store::Backend;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::support::{App, spawn_app_with};

const CAP: Duration = Duration::from_secs(30);
const TINY: Duration = Duration::from_millis(200);
const HOUR: Duration = Duration::from_secs(3600);

/// Bounds that cut nobody off during a test.
fn patient() -> web::Limits {
    web::Limits {
        header_timeout: HOUR,
        keep_alive_timeout: HOUR,
        ..web::Limits::default()
    }
}

async fn connect(app: &App) -> TcpStream {
    TcpStream::connect(app.address()).await.expect("connects")
}

async fn send(stream: &mut TcpStream, text: &str) {
    stream.write_all(text.as_bytes()).await.expect("sent");
}

fn get_login(app: &App) -> String {
    format!("GET /login HTTP/1.1\r\nHost: {}\r\n\r\n", app.address())
}

/// The headers of a login form post whose body is `length` bytes, asking to be told to go on
/// (`100 Continue`) once the application reads the body.
fn post_login(app: &App, length: usize) -> String {
    format!(
        "POST /login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {length}\r\nExpect: 100-continue\r\n\r\n",
        app.address()
    )
}

/// Reads one response (head, and a body of its Content-Length) from a connection left open.
async fn one_response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let text = String::from_utf8_lossy(&received).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = text[..end].to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map_or(0, |value| value.trim().parse().expect("a length"));
            if text.len() >= end + 4 + length {
                return text;
            }
        }
        let read = timeout(CAP, stream.read(&mut chunk))
            .await
            .unwrap_or_else(|_| panic!("no whole response within {CAP:?}: {text:?}"))
            .expect("read");
        assert!(read > 0, "closed before a whole response: {text:?}");
        received.extend_from_slice(&chunk[..read]);
    }
}

/// Everything the server sends until it closes the connection (a reset counts as closed).
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    match timeout(CAP, stream.read_to_end(&mut received)).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) if error.kind() == std::io::ErrorKind::ConnectionReset => {}
        Ok(Err(error)) => panic!("read: {error}"),
        Err(_) => panic!(
            "the connection is still open after {CAP:?}; received {:?}",
            String::from_utf8_lossy(&received)
        ),
    }
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test]
async fn a_request_whose_headers_stall_has_its_connection_closed() {
    let limits = web::Limits {
        header_timeout: TINY,
        ..patient()
    };
    let app = spawn_app_with(Backend::Sqlite, web::Config::default(), limits).await;
    let mut silent = connect(&app).await;
    assert_eq!(until_closed(&mut silent).await, "");
    let mut half = connect(&app).await;
    send(&mut half, "GET /login HTTP/1.1\r\nHost: ").await;
    assert_eq!(until_closed(&mut half).await, "");
    // On a kept-alive connection, the next request's headers are timed from its first byte,
    // whatever the keep-alive timeout.
    let mut kept = connect(&app).await;
    send(&mut kept, &get_login(&app)).await;
    let reply = one_response(&mut kept).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    send(&mut kept, "GET /login HTTP/1.1\r\n").await;
    assert_eq!(until_closed(&mut kept).await, "");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let limits = web::Limits {
        keep_alive_timeout: TINY,
        ..patient()
    };
    let app = spawn_app_with(Backend::Sqlite, web::Config::default(), limits).await;
    let mut kept = connect(&app).await;
    send(&mut kept, &get_login(&app)).await;
    let reply = one_response(&mut kept).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert_eq!(until_closed(&mut kept).await, "");
}

#[tokio::test]
async fn a_body_that_stalls_gets_408_and_the_connection_closed() {
    let config = web::Config {
        body_timeout: TINY,
        ..web::Config::default()
    };
    let app = spawn_app_with(Backend::Sqlite, config, patient()).await;
    let mut slow = connect(&app).await;
    send(&mut slow, &post_login(&app, 100)).await;
    let go_on = one_response(&mut slow).await;
    assert!(
        go_on.starts_with("HTTP/1.1 100"),
        "the handler reads: {go_on}"
    );
    send(&mut slow, "login=coord_a").await;
    let reply = until_closed(&mut slow).await;
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    // An answer of the application like any other: with its security headers.
    assert!(reply.contains("x-content-type-options: nosniff"), "{reply}");
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let limits = web::Limits {
        max_connections: NonZeroUsize::new(2).expect("not zero"),
        ..patient()
    };
    let app = spawn_app_with(Backend::Sqlite, web::Config::default(), limits).await;
    let mut first = connect(&app).await;
    let mut second = connect(&app).await;
    // The kernel completes the third's handshake and takes its request; the server does not
    // accept it while two are open.
    let mut third = connect(&app).await;
    send(
        &mut third,
        &format!(
            "GET /login HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            app.address()
        ),
    )
    .await;
    for served in [&mut first, &mut second] {
        send(served, &get_login(&app)).await;
        let reply = one_response(served).await;
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    }
    // A window in which the answer would come if the third were served (it never is here).
    let mut byte = [0u8; 1];
    let early = timeout(Duration::from_secs(1), third.read(&mut byte)).await;
    assert!(early.is_err(), "the third connection was served: {early:?}");
    drop(first);
    let reply = until_closed(&mut third).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    send(&mut second, &get_login(&app)).await;
    let reply = one_response(&mut second).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[tokio::test]
async fn a_stop_answers_the_request_in_flight_and_closes_idle_connections() {
    let mut app = spawn_app_with(Backend::Sqlite, web::Config::default(), patient()).await;
    let mut idle = connect(&app).await;
    send(&mut idle, &get_login(&app)).await;
    one_response(&mut idle).await;
    let body = "login=coord_a&password=x&csrf=y";
    let mut in_flight = connect(&app).await;
    send(&mut in_flight, &post_login(&app, body.len())).await;
    let go_on = one_response(&mut in_flight).await;
    assert!(
        go_on.starts_with("HTTP/1.1 100"),
        "the handler reads: {go_on}"
    );
    app.stop.notify_one();
    assert_eq!(until_closed(&mut idle).await, "");
    send(&mut in_flight, body).await;
    let reply = until_closed(&mut in_flight).await;
    // No login page was opened, so no form token: refused, but answered.
    assert!(reply.starts_with("HTTP/1.1 403"), "{reply}");
    timeout(CAP, &mut app.served)
        .await
        .expect("the server stops")
        .expect("without a panic");
    let refused = TcpStream::connect(app.address()).await;
    assert!(refused.is_err(), "still accepting: {refused:?}");
}

#[tokio::test]
async fn a_stop_drops_a_request_that_outlasts_the_grace() {
    let limits = web::Limits {
        stop_grace: TINY,
        ..patient()
    };
    let config = web::Config {
        body_timeout: HOUR,
        ..web::Config::default()
    };
    let mut app = spawn_app_with(Backend::Sqlite, config, limits).await;
    let mut stalled = connect(&app).await;
    send(&mut stalled, &post_login(&app, 100)).await;
    let go_on = one_response(&mut stalled).await;
    assert!(
        go_on.starts_with("HTTP/1.1 100"),
        "the handler reads: {go_on}"
    );
    app.stop.notify_one();
    timeout(CAP, &mut app.served)
        .await
        .expect("the server stops within its grace")
        .expect("without a panic");
    assert_eq!(until_closed(&mut stalled).await, "");
}
