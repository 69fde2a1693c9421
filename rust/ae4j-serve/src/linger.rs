//! Lingering close, as nginx's `lingering_close`. When the service answers before it has read a
//! request's whole body (413 over `--max-body-bytes`, or a 404/415 decided from the headers),
//! hyper closes the connection after the answer. Closing a socket that still has unread data
//! makes the kernel reset the connection, and a client still sending its body (Python's urllib
//! and requests, curl: anything that sends the whole body before it reads) gets a broken pipe
//! or "connection reset" instead of the answer. So on such a connection the service shuts its
//! write side down after the answer, then reads and drops what the client still sends, until
//! the client closes its side, or for at most `--lingering-secs` and `--lingering-bytes`
//! (a client that sends more or longer still gets the reset). A connection whose request
//! bodies were all read closes at once.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::http::Request;
use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;

/// How long and how much a connection drains before it closes.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    pub time: Duration,
    pub bytes: u64,
}

/// Whether the connection's current request still has body bytes the service has not read.
#[derive(Clone, Default)]
pub struct Unread(Arc<AtomicBool>);

impl Unread {
    /// The request, its body watched: the flag is up until the body has been read to its end.
    pub fn watch(&self, req: Request<Incoming>) -> Request<WatchedBody> {
        self.0.store(!req.body().is_end_stream(), Ordering::Relaxed);
        let unread = self.clone();
        req.map(|inner| WatchedBody { inner, unread })
    }

    fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A request body that lowers its connection's [`Unread`] flag once read to its end.
pub struct WatchedBody {
    inner: Incoming,
    unread: Unread,
}

impl Body for WatchedBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let frame = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(frame, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.unread.0.store(false, Ordering::Relaxed);
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A client connection that lingers on shutdown when a request body was left unread.
pub struct LingeringStream {
    stream: TcpStream,
    unread: Unread,
    bounds: Bounds,
    drain: Option<Drain>,
}

struct Drain {
    deadline: Pin<Box<Sleep>>,
    left: u64,
    buf: Box<[u8]>,
}

impl LingeringStream {
    pub fn new(stream: TcpStream, unread: Unread, bounds: Bounds) -> Self {
        LingeringStream {
            stream,
            unread,
            bounds,
            drain: None,
        }
    }
}

impl AsyncRead for LingeringStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for LingeringStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    /// Sends the FIN after the answer, then (when a body was left unread) drains the socket
    /// until the client closes or a bound is reached; hyper drops the socket after this.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.drain.is_none() {
            ready!(Pin::new(&mut this.stream).poll_shutdown(cx))?;
            if !this.unread.get() {
                return Poll::Ready(Ok(()));
            }
            this.drain = Some(Drain {
                deadline: Box::pin(tokio::time::sleep(this.bounds.time)),
                left: this.bounds.bytes,
                buf: vec![0; 16 * 1024].into_boxed_slice(),
            });
        }
        let Some(drain) = this.drain.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        loop {
            if drain.left == 0 || drain.deadline.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Ok(()));
            }
            let room = drain
                .buf
                .len()
                .min(drain.left.try_into().unwrap_or(usize::MAX));
            let mut buf = ReadBuf::new(&mut drain.buf[..room]);
            match Pin::new(&mut this.stream).poll_read(cx, &mut buf) {
                // The client closed its side (it has read the answer), or the socket failed.
                Poll::Ready(Ok(())) if buf.filled().is_empty() => return Poll::Ready(Ok(())),
                Poll::Ready(Err(_)) => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => drain.left -= buf.filled().len() as u64,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
