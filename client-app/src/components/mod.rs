//! Small reusable pieces of the client UI.

pub mod answer;
pub mod attach;
pub mod avatar;
pub mod avatar_picker;
pub mod badge;
pub mod confirm;
pub mod emoji;
pub mod forward;
pub mod group_request;
pub mod icons;
pub mod lang_toggle;
pub mod long_press;
pub mod media;
pub mod message_menu;
pub mod note_form;
pub mod page_title;
pub mod presence;
pub mod receipts;
pub mod secret_card;
pub mod share;
pub mod status;
pub mod viewer;
pub mod voice;
