//! The screens: the list of connections, a connection's card, the choice of a new one, the
//! wizard page; and the
//! reminders switch several of them show.

pub mod camera_files;
pub mod card;
pub mod home;
pub mod picker;
pub mod reminder_switch;
pub mod storage;
pub mod wizard;
