//! The admin's session: who is logged in, fetched once per session change and shared by every
//! page through context.

use leptos::prelude::*;
use shared::AppError;
use shared::api::accounts::current_user;
use shared::model::Me;
use shared::rights::ADMIN;

/// The result of asking the server who is logged in.
pub type SessionState = Result<Option<Me>, AppError>;

/// The current session, provided as context by [`crate::App`].
#[derive(Clone, Copy)]
pub struct Session {
    version: RwSignal<u32>,
    /// Who is logged in (`None` when nobody is). A blocking resource, so that the server knows the
    /// answer before it starts streaming and can redirect with a real `302`.
    pub me: Resource<SessionState>,
}

impl Session {
    /// Tells every page that the session changed (after logging in or out): refetches `me`.
    pub fn changed(self) {
        self.version.update(|v| *v = v.wrapping_add(1));
    }
}

/// Creates the session resource and provides it as context.
pub fn provide_session() -> Session {
    let version = RwSignal::new(0_u32);
    let me = Resource::new_blocking(move || version.get(), |_| current_user());
    let session = Session { version, me };
    provide_context(session);
    session
}

/// The session provided by [`crate::App`] (provides a fresh one when there is none).
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(provide_session)
}

impl Session {
    /// Resolves once the session is known: `Ok` only when an admin is logged in.
    ///
    /// Every data resource of the console awaits this before calling an `admin_*` function, so a
    /// visitor who is not an admin never triggers one (the server would refuse it anyway), and
    /// the data refetches when the session changes.
    pub async fn require_admin(self) -> Result<(), AppError> {
        match self.me.await {
            Ok(Some(me)) if me.has_right(ADMIN) => Ok(()),
            Ok(Some(_)) => Err(AppError::Forbidden),
            Ok(None) => Err(AppError::Unauthenticated),
            Err(err) => Err(err),
        }
    }
}
