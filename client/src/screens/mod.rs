//! One module per screen.

pub mod board;
pub mod join;
pub mod loading;
pub mod privacy;
pub mod start;
pub mod team;
