//! The HTTP/1.1 server: how many connections are served at once, how long a client may take to
//! send a request's headers or sit idle between requests, and a bounded graceful stop.
//! `axum::serve` bounds none of these, so hyper is driven here directly.
//!
//! Each connection is timed by its phase: waiting for a request (new: the header timeout from
//! the opening; kept alive: the keep-alive timeout from the last byte moved), reading one (the
//! header timeout from its first byte), or with the application (no bound here: the body timeout
//! of [`crate::Config`] bounds the body, and a handler may take its time).

use std::future::Future;
use std::io;
use std::num::NonZeroUsize;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONNECTION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep, sleep, sleep_until};
use tower::ServiceExt;

use crate::AppState;

/// Bounds on the server's connections, against slow, idle and too many clients.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// A request's headers must have arrived this long after the connection opened (its first
    /// request) or after the request's first byte (the next ones); otherwise the connection is
    /// closed. Default 10 seconds.
    pub header_timeout: Duration,
    /// A kept-alive connection with no request under way is closed after this long without a
    /// byte in either direction. Default 60 seconds.
    pub keep_alive_timeout: Duration,
    /// At most this many connections are served at once; the next ones wait in the listen queue
    /// until one closes. Default 256.
    pub max_connections: NonZeroUsize,
    /// When the server stops, requests in flight have this long to finish; then their
    /// connections are dropped. Default 10 seconds.
    pub stop_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            keep_alive_timeout: Duration::from_secs(60),
            max_connections: const { NonZeroUsize::new(256).unwrap() },
            stop_grace: Duration::from_secs(10),
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes; then stops accepting,
/// closes idle connections, lets requests in flight finish within `limits.stop_grace` and drops
/// what is left.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            // A finished connection frees its place (a panicked handler ended only its own).
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept(), if connections.len() < limits.max_connections.get() => {
                match accepted {
                    Ok((stream, _)) => {
                        connections.spawn(connection(stream, app.clone(), limits, stopping.clone()));
                    }
                    Err(error) => accept_failed(&error).await,
                }
            }
        }
    }
    // New connections are refused from here on.
    drop(listener);
    stop.send_replace(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(limits.stop_grace, drained)
        .await
        .is_err()
    {
        connections.shutdown().await;
    }
}

/// A client that gave up before it was accepted is not the server's trouble; anything else
/// (out of file descriptors) passes as connections close, so wait rather than spin.
async fn accept_failed(error: &io::Error) {
    if !matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
    ) {
        tracing::error!(%error, "cannot accept a connection");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Serves one connection until the client closes it, a timeout closes it, or the server stops.
async fn connection(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new());
    // The client's address reaches the handlers (the login throttle counts per address).
    let peer = stream.peer_addr().ok().map(ConnectInfo);
    let service = {
        let activity = Arc::clone(&activity);
        service_fn(move |mut request: Request<Incoming>| {
            let handling = Handling::start(Arc::clone(&activity));
            if let Some(peer) = peer {
                request.extensions_mut().insert(peer);
            }
            let response = app.clone().oneshot(request.map(Body::new));
            async move {
                let response = response.await;
                drop(handling);
                response
            }
        })
    };
    let io = TokioIo::new(Watched {
        stream,
        activity: Arc::clone(&activity),
    });
    let mut builder = http1::Builder::new();
    // Timed here instead, where the wait between requests has its own bound.
    builder.header_read_timeout(None);
    let mut served = pin!(builder.serve_connection(io, service));
    let mut stop_asked = false;
    loop {
        tokio::select! {
            // Errors are the client's (reset, malformed request), answered by hyper where it can.
            _ = served.as_mut() => return,
            // Returning drops the connection, which closes it.
            () = activity.expired(&limits) => return,
            _ = stopping.wait_for(|stop| *stop), if !stop_asked => {
                stop_asked = true;
                if activity.waiting() {
                    return;
                }
                // The request under way is answered, then the connection closes.
                served.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Where a connection stands, by what has crossed it.
struct Activity {
    timeline: Mutex<Timeline>,
    /// Woken when a deadline may have come closer (a request began, or the application answered).
    changed: Notify,
}

struct Timeline {
    phase: Phase,
    /// Whether a request has been answered on this connection (then it is kept alive).
    answered: bool,
    opened: Instant,
    /// The last time a byte was read or written.
    last_byte: Instant,
}

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    /// No byte of the next request yet.
    Waiting,
    /// The first bytes of a request arrived at this time; its headers are awaited.
    Reading(Instant),
    /// The application has the request.
    Handling,
}

impl Activity {
    fn new() -> Activity {
        let now = Instant::now();
        Activity {
            timeline: Mutex::new(Timeline {
                phase: Phase::Waiting,
                answered: false,
                opened: now,
                last_byte: now,
            }),
            changed: Notify::new(),
        }
    }

    /// The timeline; a panic elsewhere cannot leave it half-written (each change is whole).
    fn timeline(&self) -> MutexGuard<'_, Timeline> {
        self.timeline
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn waiting(&self) -> bool {
        self.timeline().phase == Phase::Waiting
    }

    fn read(&self) {
        let mut state = self.timeline();
        let now = Instant::now();
        state.last_byte = now;
        if state.phase == Phase::Waiting {
            // A first request's headers are timed from the opening, so a late first byte buys no time.
            state.phase = Phase::Reading(if state.answered { now } else { state.opened });
            drop(state);
            self.changed.notify_one();
        }
    }

    fn wrote(&self) {
        self.timeline().last_byte = Instant::now();
    }

    /// When the connection is to be closed as it stands; none while the application has it.
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        let state = self.timeline();
        match state.phase {
            Phase::Waiting if state.answered => Some(state.last_byte + limits.keep_alive_timeout),
            Phase::Waiting => Some(state.opened + limits.header_timeout),
            Phase::Reading(since) => Some(since + limits.header_timeout),
            Phase::Handling => None,
        }
    }

    /// Completes when the connection has outstayed its phase's bound.
    async fn expired(&self, limits: &Limits) {
        loop {
            let changed = self.changed.notified();
            match self.deadline(limits) {
                Some(deadline) if deadline <= Instant::now() => return,
                // Bytes moved since may have put the deadline later: it is computed again.
                Some(deadline) => tokio::select! {
                    () = sleep_until(deadline) => {}
                    () = changed => {}
                },
                None => changed.await,
            }
        }
    }
}

/// A request with the application; when dropped (answered, or the connection gone), the
/// connection waits for the next request.
struct Handling(Arc<Activity>);

impl Handling {
    fn start(activity: Arc<Activity>) -> Handling {
        activity.timeline().phase = Phase::Handling;
        Handling(activity)
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        let mut state = self.0.timeline();
        state.phase = Phase::Waiting;
        state.answered = true;
        state.last_byte = Instant::now();
        drop(state);
        self.0.changed.notify_one();
    }
}

/// The client's socket, noting every byte that crosses it.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Answers 408 and closes the connection when a request's body has not arrived within the body
/// timeout of [`crate::Config`], counted from its headers.
pub(crate) async fn body_deadline(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let missed = Arc::new(AtomicBool::new(false));
    let deadline = Box::pin(sleep(state.config.body_timeout));
    let request = request.map(|body| {
        Body::new(Deadline {
            body,
            deadline,
            missed: Arc::clone(&missed),
        })
    });
    let response = next.run(request).await;
    if missed.load(Ordering::Relaxed) {
        // Whatever the handler made of the failed read, the client was too slow.
        (
            StatusCode::REQUEST_TIMEOUT,
            [(CONNECTION, "close")],
            "The request body did not arrive in time.",
        )
            .into_response()
    } else {
        response
    }
}

/// A request body that fails, and says so in `missed`, once it stalls past its deadline.
struct Deadline {
    body: Body,
    deadline: Pin<Box<Sleep>>,
    missed: Arc<AtomicBool>,
}

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.body).poll_frame(cx) {
            Poll::Pending if this.deadline.as_mut().poll(cx).is_ready() => {
                this.missed.store(true, Ordering::Relaxed);
                Poll::Ready(Some(Err(axum::Error::new(
                    "the request body did not arrive in time",
                ))))
            }
            polled => polled,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
