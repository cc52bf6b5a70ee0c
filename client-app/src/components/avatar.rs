//! Avatars: the picture when there is one, the name's first character otherwise.

use leptos::prelude::*;

/// What goes inside an `.avatar` box: the avatar image at `url`, or `initial`.
pub fn face(url: Option<String>, initial: String) -> AnyView {
    match url {
        Some(src) => view! { <img class="avatar-image" src=src alt="" loading="lazy"/> }.into_any(),
        None => initial.into_any(),
    }
}

/// The first character of `name`, for an avatar without a picture.
pub fn initial_of(name: &str) -> String {
    name.chars().next().map(String::from).unwrap_or_default()
}
