//! Parts of screens, one module each.

pub mod connection_status;
pub mod flipover;
pub mod invite;
pub mod presence;
