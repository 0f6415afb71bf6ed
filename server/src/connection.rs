//! One WebSocket connection: reads frames, enforces the per-connection limits, decodes
//! y-websocket messages and hands them to the board's room; writes what the room sends.
//!
//! Every way a connection can misbehave ends the same way: a close frame with a code and
//! a readable reason, for this connection only. A client that stops reading cannot hold
//! its connection's task: every write has `--write-timeout-secs` to finish, after which
//! the connection is dropped without a close handshake (nothing more can be written to it).
//! The room never waits for a connection: it queues frames in a bounded outbox
//! (`--outbox-frames`) and drops a connection whose outbox is full.

pub mod close;

use std::future::Future;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::SinkExt;
use leerkring_shared::ids::BoardId;
use leerkring_shared::meeting::Caller;
use leerkring_shared::protocol::decode_frame;
use tokio::sync::mpsc;

use crate::config::Limits;
use crate::limits::RateLimiter;
use crate::rooms::{Outgoing, Rooms};
use close::{close_code, closing_frame, refused_join_frame};

/// Most frames written with one flush: a throughput knob, not a limit.
const WRITE_BATCH: usize = 64;

type CloseReason = (u16, String);

/// Serves one upgraded WebSocket until either side ends it.
pub async fn serve(
    mut socket: WebSocket,
    rooms: Rooms,
    board: BoardId,
    caller: Caller,
    limits: Limits,
) {
    let connection = rooms.connection_id();
    let (outbox, mut outgoing) = mpsc::channel(limits.outbox_frames);
    let facilitator = caller.facilitator_token;
    let membership = match rooms.join(&board, connection, caller, outbox).await {
        Ok(membership) => membership,
        Err(refused) => {
            let (code, reason) = refused_join_frame(&refused);
            close(
                &mut socket,
                (code, reason.to_owned()),
                limits.write_timeout(),
            )
            .await;
            return;
        }
    };
    tracing::debug!(board = %board, connection, facilitator, "connected");

    let write_timeout = limits.write_timeout();
    let mut rate = RateLimiter::new(limits.messages_per_second, limits.message_burst);
    let mut last_heard = Instant::now();
    let idle_timeout = limits.idle_timeout();
    let mut ping = tokio::time::interval(limits.ping_every());
    ping.tick().await;

    let ending: Option<CloseReason> = loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(incoming) = incoming else { break None };
                last_heard = Instant::now();
                let message = match incoming {
                    Ok(message) => message,
                    Err(error) => break Some(read_error(&error, limits.max_frame_bytes)),
                };
                if !rate.allow() {
                    break Some((close_code::POLICY_VIOLATION, "too many messages; slow down".into()));
                }
                match message {
                    Message::Binary(frame) => match decode_frame(&frame) {
                        Ok(messages) => {
                            if membership.send(messages).await.is_err() {
                                break Some((close_code::GOING_AWAY, "board closed".into()));
                            }
                        }
                        Err(error) => break Some((close_code::PROTOCOL_ERROR, truncate(format!("malformed message: {error}")))),
                    },
                    Message::Text(_) => break Some((close_code::UNSUPPORTED_DATA, "text frames are not supported; send binary y-websocket messages".into())),
                    Message::Ping(_) | Message::Pong(_) => {}
                    Message::Close(_) => break None,
                }
            }
            sent = outgoing.recv() => match sent {
                Some(Outgoing::Frame(frame)) => match within(write_timeout, write_queued(&mut socket, frame, &mut outgoing)).await {
                    Ok(Ok(None)) => {}
                    Ok(Ok(Some((code, reason)))) => break Some((code, reason.into())),
                    Ok(Err(_)) => break None,
                    Err(WriteTimedOut) => {
                        tracing::info!(board = %board, connection, "dropping a connection that stopped reading");
                        drop(membership);
                        return;
                    }
                },
                Some(Outgoing::Close(why)) => {
                    let (code, reason) = closing_frame(why);
                    break Some((code, reason.into()));
                }
                None => break Some((close_code::TRY_AGAIN_LATER, "connection fell behind; reconnect to catch up".into())),
            },
            _ = ping.tick() => {
                if last_heard.elapsed() > idle_timeout {
                    break Some((close_code::GOING_AWAY, "no response".into()));
                }
                if !matches!(within(write_timeout, socket.send(Message::Ping(Default::default()))).await, Ok(Ok(()))) {
                    break None;
                }
            }
        }
    };
    drop(membership);
    match ending {
        Some(reason) => {
            tracing::info!(board = %board, connection, code = reason.0, reason = %reason.1, "closing connection");
            close(&mut socket, reason, write_timeout).await;
        }
        None => tracing::debug!(board = %board, connection, "disconnected"),
    }
}

/// A write to the client did not finish within `--write-timeout-secs`.
#[derive(Debug)]
struct WriteTimedOut;

async fn within<T>(limit: Duration, write: impl Future<Output = T>) -> Result<T, WriteTimedOut> {
    tokio::time::timeout(limit, write)
        .await
        .map_err(|_| WriteTimedOut)
}

/// Writes `frame` and whatever else is already waiting in the outbox (up to
/// [`WRITE_BATCH`] frames) with one flush: one `send` system call for a burst of edits
/// instead of one per edit, which was most of the server's CPU time with many people on
/// a board (docs/BENCHMARKS.md, scenario B). Returns the close the room asked for, if
/// one was queued behind the frames.
async fn write_queued(
    socket: &mut WebSocket,
    frame: bytes::Bytes,
    outgoing: &mut mpsc::Receiver<Outgoing>,
) -> Result<Option<(u16, &'static str)>, axum::Error> {
    socket.feed(Message::Binary(frame)).await?;
    let mut close = None;
    for _ in 1..WRITE_BATCH {
        match outgoing.try_recv() {
            Ok(Outgoing::Frame(frame)) => socket.feed(Message::Binary(frame)).await?,
            Ok(Outgoing::Close(why)) => {
                close = Some(closing_frame(why));
                break;
            }
            Err(_) => break,
        }
    }
    socket.flush().await?;
    Ok(close)
}

fn read_error(error: &axum::Error, max_frame_bytes: usize) -> CloseReason {
    let text = error.to_string();
    if text.contains("Space limit exceeded")
        || text.contains("too long")
        || text.contains("too big")
    {
        (
            close_code::MESSAGE_TOO_BIG,
            format!("message larger than {max_frame_bytes} bytes"),
        )
    } else {
        (
            close_code::PROTOCOL_ERROR,
            truncate(format!("unreadable frame: {text}")),
        )
    }
}

/// Close reasons must fit in a control frame (123 bytes).
fn truncate(mut reason: String) -> String {
    const MAX: usize = 120;
    if reason.len() > MAX {
        let mut end = MAX;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
    }
    reason
}

async fn close(socket: &mut WebSocket, (code, reason): CloseReason, write_timeout: Duration) {
    let frame = CloseFrame {
        code,
        reason: truncate(reason).into(),
    };
    let _ = within(write_timeout, socket.send(Message::Close(Some(frame)))).await;
}
