//! `cletrial serve` stops on SIGTERM as on Ctrl-C: it stops accepting, answers the request in
//! flight, closes the record, says so and exits 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ::store::Backend;
use ::store::testing::TestDb;

use crate::support::Served;

/// Detects a hang; nothing is timed.
const CAP: Duration = Duration::from_secs(30);

/// Reads one response head (up to the blank line) from the server.
fn head(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut byte = [0u8; 1];
    while !received.ends_with(b"\r\n\r\n") {
        let read = stream.read(&mut byte).expect("read within the cap");
        assert!(read > 0, "closed: {:?}", String::from_utf8_lossy(&received));
        received.push(byte[0]);
    }
    String::from_utf8_lossy(&received).into_owned()
}

#[test]
fn sigterm_stops_the_server_after_the_request_in_flight() {
    let db = TestDb::new(Backend::Sqlite);
    let init = Command::new(env!("CARGO_BIN_EXE_cletrial"))
        .args(["init", "--protocol", "nct01408199", "--db", db.url_text()])
        .env("CLETRIAL_PASSWORD", "correct horse battery")
        .stdin(Stdio::null())
        .output()
        .expect("init runs");
    assert!(init.status.success(), "{init:?}");
    let mut server = Served(
        Command::new(env!("CARGO_BIN_EXE_cletrial"))
            .args(["serve", "--db", db.url_text(), "--bind", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts"),
    );
    let mut stderr = BufReader::new(server.0.stderr.take().expect("stderr piped"));
    let mut first = String::new();
    stderr.read_line(&mut first).expect("a line");
    let address = first
        .split("serving on http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address: {first:?}"))
        .to_owned();
    // The rest of standard error, read beside the test so the server never blocks on it.
    let rest = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).map(|_| text)
    });

    // A request in flight: its headers read, the application waiting for its body.
    let body = "login=admin&password=x&csrf=y";
    let mut in_flight = TcpStream::connect(&address).expect("connects");
    in_flight.set_read_timeout(Some(CAP)).expect("timeout set");
    write!(
        in_flight,
        "POST /login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        body.len()
    )
    .expect("headers sent");
    let go_on = head(&mut in_flight);
    assert!(go_on.starts_with("HTTP/1.1 100"), "{go_on}");

    let kill = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    // Stopped accepting: new connections are refused.
    let asked = Instant::now();
    while TcpStream::connect(&address).is_ok() {
        assert!(asked.elapsed() < CAP, "still accepting after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }

    in_flight.write_all(body.as_bytes()).expect("body sent");
    let mut reply = String::new();
    in_flight
        .read_to_string(&mut reply)
        .expect("answered, then closed");
    // No login page was opened, so no form token: refused, but answered.
    assert!(reply.starts_with("HTTP/1.1 403"), "{reply}");

    let status = loop {
        if let Some(status) = server.0.try_wait().expect("wait") {
            break status;
        }
        assert!(asked.elapsed() < CAP, "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = rest.join().expect("reader").expect("stderr read");
    assert_eq!(status.code(), Some(0), "{status:?}: {stderr}");
    assert!(stderr.contains("cletrial: stopped"), "{stderr}");
}
