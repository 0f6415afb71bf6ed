//! Relaying accepted updates between server nodes, behind the [`Broadcast`] trait.
//!
//! Within one node a room fans updates out to its own connections. When several nodes
//! serve the same board, each room also publishes what it stored and applies what the
//! other nodes stored: [`redis::RedisBroadcast`] does that over the board's Redis stream
//! (docs/ARCHITECTURE.md). A single node has no one to relay to: [`SingleNode`].

pub mod redis;

use async_trait::async_trait;
use bytes::Bytes;
use leerkring_shared::ids::BoardId;
use tokio::sync::mpsc;

#[derive(Debug, thiserror::Error)]
#[error("broadcast unavailable: {0}")]
pub struct BroadcastError(pub String);

/// What another node stored for a board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remote {
    /// A document update (Yjs v1), or a whole state to merge.
    Update(Bytes),
    /// The meeting's new state (JSON of `leerkring_shared::meeting::Meeting`).
    Meeting(Bytes),
    /// The participant link was replaced: connections that came with the old one close.
    LinksReplaced,
    /// The board was deleted.
    Deleted,
}

/// Carries stored updates between the nodes serving a board.
#[async_trait]
pub trait Broadcast: Send + Sync + 'static {
    /// Tells the other nodes about updates this node has durably stored.
    async fn publish(&self, board: &BoardId, updates: &[Bytes]) -> Result<(), BroadcastError>;
    /// What other nodes stored for `board`, delivered while the receiver lives. A closed
    /// receiver means no other node will ever send any.
    async fn subscribe(&self, board: &BoardId) -> Result<mpsc::Receiver<Remote>, BroadcastError>;
}

/// The embedded default: this node is the only one.
pub struct SingleNode;

#[async_trait]
impl Broadcast for SingleNode {
    async fn publish(&self, _board: &BoardId, _updates: &[Bytes]) -> Result<(), BroadcastError> {
        Ok(())
    }

    async fn subscribe(&self, _board: &BoardId) -> Result<mpsc::Receiver<Remote>, BroadcastError> {
        let (_no_other_nodes, receiver) = mpsc::channel(1);
        Ok(receiver)
    }
}
