//! `/report/:kind/:id`: reporting a message, a user or a group — a reason, an optional note,
//! and a confirmation; the answer later arrives in the "Parley" chat.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::AppError;
use shared::api::reports::report;
use shared::i18n::Key;
use shared::model::{REPORT_NOTE_MAX, ReportReason, ReportTarget};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::status::ErrorAlert;

/// The label of a reason.
fn reason_key(reason: ReportReason) -> Key {
    match reason {
        ReportReason::Spam => Key::ReasonSpam,
        ReportReason::Harassment => Key::ReasonHarassment,
        ReportReason::Fraud => Key::ReasonFraud,
        ReportReason::Sexual => Key::ReasonSexual,
        ReportReason::Illegal => Key::ReasonIllegal,
        ReportReason::Other => Key::ReasonOther,
    }
}

/// The report form for the target in the URL.
#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let params = use_params_map();
    let target = Memo::new(move |_| {
        params.with(|p| {
            let kind = p.get("kind").and_then(|k| ReportTarget::parse(&k))?;
            let id = p.get("id").and_then(|s| s.parse::<i64>().ok())?;
            Some((kind, id))
        })
    });
    let reason: RwSignal<Option<ReportReason>> = RwSignal::new(None);
    let note = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let sent = RwSignal::new(false);
    let title = move || {
        let key = match target.get().map(|(k, _)| k) {
            Some(ReportTarget::User) => Key::ReportUser,
            Some(ReportTarget::Group) => Key::ReportGroup,
            _ => Key::ReportMessage,
        };
        i18n.lang.get().t(key)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some((kind, id)), Some(why)) = (target.get_untracked(), reason.get_untracked()) else {
            error.set(Some(AppError::invalid(
                "reason",
                shared::error::Invalid::Required,
            )));
            return;
        };
        pending.set(true);
        error.set(None);
        let text = note.get_untracked();
        leptos::task::spawn_local(async move {
            let done = report(kind.as_str().to_owned(), id, why.as_str().to_owned(), text).await;
            pending.try_set(false);
            match done {
                Ok(_) => {
                    sent.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let navigate = use_navigate();
    let back = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.back();
            return;
        }
        navigate("/", Default::default());
    };
    view! {
        <header class="page-header sub-header">
            <button type="button" class="back-link" aria-label=i18n.tr(Key::Back) on:click=back.clone()>
                "‹"
            </button>
            <h1>{title}</h1>
        </header>
        <Show
            when=move || !sent.get()
            fallback=move || {
                view! {
                    <section class="report-sent" role="status">
                        <p class="report-sent-title">{i18n.tr(Key::ReportSent)}</p>
                        <p class="hint">{i18n.tr(Key::ReportSentHint)}</p>
                    </section>
                }
            }
        >
            <form class="report-form" on:submit=submit>
                <fieldset class="cell-group">
                    <legend class="cell-group-title">{i18n.tr(Key::ReportReasonHeading)}</legend>
                    {ReportReason::ALL
                        .into_iter()
                        .map(|r| {
                            view! {
                                <label class="cell switch-cell">
                                    <span>{i18n.tr(reason_key(r))}</span>
                                    <input
                                        type="radio"
                                        name="reason"
                                        value=r.as_str()
                                        prop:checked=move || reason.get() == Some(r)
                                        on:change=move |_| reason.set(Some(r))
                                    />
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <label class="field-label" for="report-note">{i18n.tr(Key::ReportNoteLabel)}</label>
                <textarea
                    id="report-note"
                    class="report-note"
                    maxlength=REPORT_NOTE_MAX.to_string()
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                ></textarea>
                <ErrorAlert error=error/>
                <div class="form-actions">
                    <button
                        type="submit"
                        class="button primary"
                        disabled=move || !hydrated.get() || pending.get() || reason.get().is_none()
                    >
                        {i18n.tr(Key::SubmitReport)}
                    </button>
                </div>
            </form>
        </Show>
    }
}
