//! The refusal shown to a logged-in account without the `admin` right.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::model::Me;
use shared::ui::use_i18n;

use crate::components::language_toggle::LanguageToggle;
use crate::components::log_out::LogOutButton;

/// A clear refusal: this account has no admin right. Shows who is signed in and a log-out
/// button, and nothing of the console's data.
#[component]
pub fn NotAdminPanel(
    /// The signed-in (non-admin) user.
    me: Me,
) -> AnyView {
    let i18n = use_i18n();
    view! {
        <main class="auth-screen">
            <section class="auth-card" aria-labelledby="not-admin-title">
                <div class="auth-card-top">
                    <h1 id="not-admin-title" class="auth-brand">
                        {i18n.tr(Key::AdminConsole)}
                    </h1>
                    <LanguageToggle/>
                </div>
                <p class="refusal" role="alert">
                    {i18n.tr(Key::NotAdmin)}
                </p>
                <p class="signed-in">
                    <span class="muted">{i18n.tr(Key::SignedInAs)}</span>
                    " "
                    <strong>{me.nickname}</strong>
                    " "
                    <span class="muted">"@" {me.username}</span>
                </p>
                <LogOutButton/>
            </section>
        </main>
    }
    .into_any()
}
