//! One module per route.

pub mod assistant;
pub mod audit;
pub mod group_drawer;
pub mod groups;
pub mod invites;
pub mod login;
pub mod messages;
pub mod not_found;
pub mod overview;
pub mod reports;
pub mod rights;
pub mod roles;
pub mod settings;
pub mod user_drawer;
pub mod users;
