//! The logged-in user, fetched once per page load and refreshed after log-in, log-out and
//! profile changes.

use leptos::prelude::*;
use shared::AppError;
use shared::api::accounts::current_user;
use shared::model::Me;

/// App-wide session state.
#[derive(Clone, Copy)]
pub struct Session {
    /// The current user (`Ok(None)` when logged out).
    pub me: Resource<Result<Option<Me>, AppError>>,
    version: RwSignal<u32>,
}

impl Session {
    /// Fetches the current user again.
    pub fn refresh(self) {
        self.version.update(|v| *v += 1);
    }
}

/// Creates the session resource and provides it as context.
pub fn provide_session() -> Session {
    let version = RwSignal::new(0u32);
    let me = Resource::new(move || version.get(), |_| current_user());
    let session = Session { me, version };
    provide_context(session);
    session
}

/// The session provided by [`provide_session`].
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(provide_session)
}
