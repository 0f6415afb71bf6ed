//! Parts of screens, one module each.

pub mod agenda;
pub mod closing;
pub mod confirm;
pub mod connection_status;
pub mod copy_table;
pub mod delete_board;
pub mod flipover;
pub mod forget_board;
pub mod groups;
pub mod invite;
pub mod name_form;
pub mod note_list;
pub mod participants;
pub mod presence;
pub mod privacy_guard;
pub mod shared_text;
pub mod split_module;
pub mod table_lock;
pub mod timer;
pub mod virtue_table;
pub mod vote;
pub mod waiting_room;
