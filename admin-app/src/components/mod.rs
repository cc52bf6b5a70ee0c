//! Small building blocks shared by the console's pages.

pub mod badges;
pub mod confirm;
pub mod export;
pub mod language_toggle;
pub mod log_out;
pub mod not_admin;
pub mod pager;
pub mod sidebar;
pub mod status;
