//! The virtue table (*deugdentabel*, [`model::VIRTUE_TABLE`]): a list of rows, each with
//! one shared text per column (te weinig / deugd / te veel, [`model::row`]).

use yrs::{Array, Doc, ReadTxn, TextRef, TransactionMut};

use super::list::ItemList;
use crate::deck::same_name;
use crate::model::{self, row};

/// What one row of the table says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub too_little: String,
    pub virtue: String,
    pub too_much: String,
}

impl Row {
    /// A row naming only its virtue.
    pub fn with_virtue(virtue: &str) -> Self {
        Self {
            virtue: virtue.to_owned(),
            ..Self::default()
        }
    }

    /// Each column's key with its text, in [`row::COLUMNS`] order.
    fn columns(&self) -> [(&'static str, &str); 3] {
        [
            (row::TOO_LITTLE, self.too_little.as_str()),
            (row::VIRTUE, self.virtue.as_str()),
            (row::TOO_MUCH, self.too_much.as_str()),
        ]
    }
}

/// The board's virtue table.
#[derive(Clone, Debug)]
pub struct VirtueTable(ItemList);

impl VirtueTable {
    /// The table of `doc`, made if it has none yet.
    pub fn of(doc: &Doc) -> Self {
        Self(ItemList::of(doc, model::VIRTUE_TABLE))
    }

    /// The table, if the document has one.
    pub fn read<T: ReadTxn>(txn: &T) -> Option<Self> {
        ItemList::read(txn, model::VIRTUE_TABLE).map(Self)
    }

    /// The rows as a list (their ids, to observe).
    pub fn list(&self) -> &ItemList {
        &self.0
    }

    /// What every row says, in order.
    pub fn rows<T: ReadTxn>(&self, txn: &T) -> Vec<Row> {
        self.0
            .items(txn)
            .iter()
            .map(|item| Row {
                too_little: item.text_string(txn, row::TOO_LITTLE),
                virtue: item.text_string(txn, row::VIRTUE),
                too_much: item.text_string(txn, row::TOO_MUCH),
            })
            .collect()
    }

    /// The virtues named in the table, trimmed, in order; rows without one are skipped.
    pub fn virtues<T: ReadTxn>(&self, txn: &T) -> Vec<String> {
        self.rows(txn)
            .into_iter()
            .map(|row| row.virtue.trim().to_owned())
            .filter(|virtue| !virtue.is_empty())
            .collect()
    }

    /// The three shared texts of row `id` (in [`row::COLUMNS`] order), if it is there
    /// and whole.
    pub fn cells<T: ReadTxn>(&self, txn: &T, id: &str) -> Option<[TextRef; 3]> {
        let (_, item) = self.0.find(txn, id)?;
        let [a, b, c] = row::COLUMNS.map(|column| item.text(txn, column));
        Some([a?, b?, c?])
    }

    /// Appends a row with id `id`.
    pub fn push(&self, txn: &mut TransactionMut, id: &str, row: &Row) {
        self.0.push(txn, id, &row.columns(), &[]);
    }

    /// Appends the rows whose virtue the table does not have yet (matched as
    /// [`same_name`] does), each with an id from `new_id`; returns how many were added.
    pub fn add_missing(
        &self,
        txn: &mut TransactionMut,
        rows: Vec<Row>,
        mut new_id: impl FnMut() -> String,
    ) -> usize {
        let present: Vec<String> = self.rows(txn).into_iter().map(|row| row.virtue).collect();
        let mut added: Vec<String> = Vec::new();
        for row in rows {
            let known = present
                .iter()
                .chain(&added)
                .any(|other| same_name(other, &row.virtue));
            if row.virtue.trim().is_empty() || known {
                continue;
            }
            self.push(txn, &new_id(), &row);
            added.push(row.virtue);
        }
        added.len()
    }

    /// Moves row `id` by `offset` (-1 up, +1 down), if it stays inside the table. yrs
    /// has no move for arrays, so the row's texts are copied into a new row (id `new_id`)
    /// at the new place.
    pub fn move_row(&self, txn: &mut TransactionMut, id: &str, offset: i64, new_id: &str) {
        let Some((index, item)) = self.0.find(txn, id) else {
            return;
        };
        let target = i64::from(index) + offset;
        let rows = i64::from(self.0.array().len(txn));
        if target < 0 || target >= rows {
            return;
        }
        let texts = row::COLUMNS.map(|column| item.text_string(txn, column));
        let columns: Vec<(&str, &str)> = row::COLUMNS
            .into_iter()
            .zip(texts.iter().map(String::as_str))
            .collect();
        self.0.array().remove(txn, index);
        self.0.insert(txn, target as u32, new_id, &columns, &[]);
    }

    /// Removes row `id`, if it is still there.
    pub fn remove(&self, txn: &mut TransactionMut, id: &str) {
        self.0.remove(txn, id);
    }
}
