//! Keeps a copy of each board's document in the browser's local storage, so that edits
//! survive going offline, closing the tab and reloading the page.
//!
//! Stored as the updates the document went through (base64, one per line), appended as
//! they happen and merged into one from time to time. Merging needs no document, so it
//! can run at any moment, even inside a transaction's observer.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::browser;

/// Merge the stored updates into one once there are this many.
const MERGE_AFTER: usize = 100;

/// One board's stored document.
pub struct LocalStore {
    key: String,
}

impl LocalStore {
    pub fn for_board(board: &str) -> Self {
        Self {
            key: format!("leerkring.doc.{board}"),
        }
    }

    /// Every stored update, merged into one (and stored back that way).
    pub fn load(&self) -> Option<Vec<u8>> {
        let updates = self.read();
        if updates.is_empty() {
            return None;
        }
        let merged = yrs::merge_updates_v1(&updates).ok()?;
        self.write(std::slice::from_ref(&merged));
        Some(merged)
    }

    /// Adds one update; false if the browser refused to store it.
    pub fn append(&self, update: &[u8]) -> bool {
        let mut updates = self.read();
        updates.push(update.to_vec());
        if updates.len() >= MERGE_AFTER {
            if let Ok(merged) = yrs::merge_updates_v1(&updates) {
                updates = vec![merged];
            }
        }
        self.write(&updates)
    }

    /// Removes the stored document from this device.
    pub fn remove(&self) {
        browser::remove(&self.key);
    }

    fn read(&self) -> Vec<Vec<u8>> {
        browser::load(&self.key)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| STANDARD.decode(line).ok())
            .collect()
    }

    fn write(&self, updates: &[Vec<u8>]) -> bool {
        let text: Vec<String> = updates.iter().map(|u| STANDARD.encode(u)).collect();
        browser::save(&self.key, &text.join("\n"))
    }
}
