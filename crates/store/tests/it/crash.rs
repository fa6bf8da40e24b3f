//! Crash safety: a child process writes records and acknowledges each one after its commit
//! returns; it is killed with SIGKILL at random points. After every kill the record reopens,
//! holds every acknowledged record whole, and verifies.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use store::{Backend, DbUrl, Password, Sex, Store};

use crate::fixture::{INVESTIGATOR_PASSWORD, fixture, subject_data};

/// Set in the child: the database it writes to, and the round (for unique subject ids).
const CHILD_DB: &str = "CLETRIAL_CRASH_CHILD_DB";
const CHILD_ROUND: &str = "CLETRIAL_CRASH_CHILD_ROUND";

const ROUNDS: u64 = 20;

both_backends!(acknowledged_records_survive_sigkill);

async fn acknowledged_records_survive_sigkill(backend: Backend) {
    if let (Ok(url), Ok(round)) = (std::env::var(CHILD_DB), std::env::var(CHILD_ROUND)) {
        return child(&url, &round).await;
    }
    let f = fixture(backend).await;
    let test = match backend {
        Backend::Sqlite => "crash::acknowledged_records_survive_sigkill::sqlite",
        Backend::Postgres => "crash::acknowledged_records_survive_sigkill::postgres",
    };
    let mut random = Random::from_clock();
    let seed = random.0;
    let mut added: Vec<String> = Vec::new();
    let mut changed: Vec<String> = Vec::new();
    for round in 0..ROUNDS {
        let delay = Duration::from_millis(random.below(120));
        let acks = run_child_and_kill(test, f.db.url_text(), round, delay);
        for ack in acks {
            match ack.split_once(' ') {
                Some(("added", code)) => added.push(code.to_owned()),
                Some(("changed", code)) => changed.push(code.to_owned()),
                _ => panic!("unexpected child output {ack:?}"),
            }
        }
        // Restart: a fresh open of the record, as after a crash.
        let store = Store::open(f.db.url())
            .await
            .expect("reopens after the kill");
        let verification = store.verify().await.expect("verify runs");
        assert_eq!(
            verification.problem, None,
            "round {round} (seed {seed}): {verification:?}"
        );
        for code in &added {
            let subject = store.subject_by_code(code).await;
            let subject =
                subject.unwrap_or_else(|e| panic!("acknowledged {code} lost (seed {seed}): {e}"));
            // An unacknowledged change may or may not have landed; an acknowledged one must have.
            if changed.contains(code) {
                assert_eq!(
                    subject.data.sex,
                    Sex::Male,
                    "acknowledged change of {code} lost"
                );
            }
            assert_eq!(
                subject.data.screening_date,
                subject_data(code).screening_date
            );
        }
        store.close().await;
    }
    assert!(
        added.len() as u64 >= ROUNDS,
        "the child wrote too little to test anything: {added:?}"
    );
}

/// Starts the child, waits for its first acknowledgement, lets it run for `delay`, kills it
/// with SIGKILL and returns every line it acknowledged.
fn run_child_and_kill(test: &str, url: &str, round: u64, delay: Duration) -> Vec<String> {
    let exe = std::env::current_exe().expect("test binary path");
    let mut child = Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, url)
        .env(CHILD_ROUND, round.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("child starts");
    let stdout = child.stdout.take().expect("piped");
    let (lines, received) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(ack) = line.strip_prefix("ack ")
                && lines.send(ack.to_owned()).is_err()
            {
                break;
            }
        }
    });
    let mut acks = Vec::new();
    match received.recv_timeout(Duration::from_secs(60)) {
        Ok(first) => acks.push(first),
        Err(error) => panic!("the child acknowledged nothing within a minute: {error}"),
    }
    std::thread::sleep(delay);
    child.kill().expect("SIGKILL");
    child.wait().expect("child reaped");
    reader.join().expect("reader thread");
    acks.extend(received.try_iter());
    acks
}

/// The child: adds subjects and changes every other one, printing an acknowledgement only after
/// each commit has returned, until it is killed.
async fn child(url: &str, round: &str) {
    let url = DbUrl::parse(url).expect("child url");
    let store = Store::open(&url).await.expect("child opens");
    let password = Password::typed(INVESTIGATOR_PASSWORD).expect("password");
    let actor = store
        .authenticate("inv", &password)
        .await
        .expect("child logs in");
    let mut out = std::io::stdout();
    for n in 0.. {
        let code = format!("S01-R{round}-{n}");
        let subject = store
            .add_subject(&actor, &subject_data(&code))
            .await
            .expect("add");
        writeln!(out, "ack added {code}")
            .and_then(|()| out.flush())
            .expect("ack");
        if n % 2 == 1 {
            let mut data = subject.data.clone();
            data.sex = Sex::Male;
            store
                .update_subject(&actor, subject.id, subject.version, &data, "source shows M")
                .await
                .expect("update");
            writeln!(out, "ack changed {code}")
                .and_then(|()| out.flush())
                .expect("ack");
        }
    }
}

/// A small xorshift generator: enough to spread the kill points, seeded from the clock (the
/// seed is in every failure message).
struct Random(u64);

impl Random {
    fn from_clock() -> Random {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |elapsed| elapsed.subsec_nanos());
        Random(u64::from(nanos) | 1)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}
