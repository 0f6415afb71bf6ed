//! One load client's WebSocket to a board: connecting (with the greeting the server
//! wants), sending frames, reading the server's binary frames, and a first sync.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use yrs::StateVector;

use crate::wire::{BoardAddress, Incoming};
use crate::Failure;

/// How long a first sync may take before the run counts it as failed.
pub const SYNC_PATIENCE: Duration = Duration::from_secs(60);

/// A connected load client.
pub struct Peer {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub board: BoardAddress,
}

impl Peer {
    /// Opens the WebSocket and sends the server's greeting, if it wants one.
    pub async fn connect(board: &BoardAddress) -> Result<Self, Failure> {
        // Frames up to 64 MiB: scenario D's first sync carries a large document.
        let config = WebSocketConfig::default()
            .max_message_size(Some(64 << 20))
            .max_frame_size(Some(64 << 20));
        let (socket, _) =
            tokio_tungstenite::connect_async_with_config(&board.url, Some(config), true).await?;
        let mut peer = Self {
            socket,
            board: board.clone(),
        };
        if let Some(greeting) = board.greeting() {
            peer.send(greeting).await?;
        }
        Ok(peer)
    }

    /// Sends one binary frame.
    pub async fn send(&mut self, frame: Vec<u8>) -> Result<(), Failure> {
        self.socket.send(Message::Binary(frame.into())).await?;
        Ok(())
    }

    /// Queues one binary frame without flushing (see [`Peer::flush`]).
    pub async fn feed(&mut self, frame: Vec<u8>) -> Result<(), Failure> {
        self.socket.feed(Message::Binary(frame.into())).await?;
        Ok(())
    }

    pub async fn flush(&mut self) -> Result<(), Failure> {
        self.socket.flush().await?;
        Ok(())
    }

    /// The next binary frame from the server; pings are answered on the way. An error
    /// when the connection ends.
    pub async fn next_frame(&mut self) -> Result<Bytes, Failure> {
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Binary(frame))) => return Ok(frame),
                Some(Ok(Message::Close(frame))) => {
                    return Err(format!("the server closed the connection: {frame:?}").into())
                }
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error.into()),
                None => return Err("the connection ended".into()),
            }
        }
    }

    /// Asks for the whole document (sync step 1 with an empty state vector) and returns
    /// the update that answers it, reading past anything else.
    pub async fn sync(&mut self) -> Result<Bytes, Failure> {
        self.sync_within(SYNC_PATIENCE).await
    }

    /// [`Peer::sync`], waiting up to `patience`.
    pub async fn sync_within(&mut self, patience: Duration) -> Result<Bytes, Failure> {
        self.send(self.board.sync_step1(&StateVector::default()))
            .await?;
        let answer = async {
            loop {
                let frame = self.next_frame().await?;
                if let Incoming::SyncStep2(update) = self.board.read(&frame) {
                    return Ok::<Bytes, Failure>(frame.slice_ref(update));
                }
            }
        };
        tokio::time::timeout(patience, answer)
            .await
            .map_err(|_| format!("no sync step 2 within {patience:?}"))?
    }

    /// Reads and drops whatever the server has already sent, without waiting: keeps a
    /// writer's receive window open while it sends (Hocuspocus acknowledges every update).
    pub async fn discard_pending(&mut self) -> Result<(), Failure> {
        while let Ok(frame) = tokio::time::timeout(Duration::ZERO, self.next_frame()).await {
            frame?;
        }
        Ok(())
    }

    /// Closes the connection politely.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
