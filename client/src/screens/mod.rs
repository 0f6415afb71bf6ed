//! One module per screen.

pub mod board;
pub mod join;
pub mod start;
pub mod team;
