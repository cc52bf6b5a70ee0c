//! The "Export CSV" button of the users, messages and audit pages: it fetches every row
//! matching the page's filters (at most [`EXPORT_MAX_ROWS`]), encodes them as CSV
//! ([`crate::csv`]) and has the browser download the file.

use std::future::Future;

use leptos::prelude::*;
use shared::AppError;
use shared::i18n::Key;
use shared::ui::{format_time, now_ms, use_hydrated, use_i18n};

use crate::csv::{self, EXPORT_MAX_ROWS};

/// What an export fetched: the header and the records.
pub struct Table {
    /// The column names.
    pub header: Vec<String>,
    /// One record per row, as many cells as the header.
    pub rows: Vec<Vec<String>>,
}

/// The button, with the outcome beside it ("Exported 12 rows", or the translated error).
///
/// `fetch` is called on each click; it reads the page's filters itself.
#[component]
pub fn ExportButton<F, Fut>(
    /// What the file is named after (`users`, `messages`, `audit`).
    what: &'static str,
    /// Fetches the rows to export.
    fetch: F,
) -> AnyView
where
    F: Fn() -> Fut + Clone + 'static,
    Fut: Future<Output = Result<Table, AppError>> + 'static,
{
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let busy = RwSignal::new(false);
    let outcome: RwSignal<Option<Result<usize, AppError>>> = RwSignal::new(None);
    let on_click = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        outcome.set(None);
        let fetch = fetch.clone();
        leptos::task::spawn_local(async move {
            let result = match fetch().await {
                Ok(table) => {
                    let count = table.rows.len();
                    let text = csv::document(&table.header, &table.rows);
                    let name = csv::file_name(what, &format_time(now_ms()));
                    download(&name, &text).map(|()| count)
                }
                Err(e) => Err(e),
            };
            outcome.try_set(Some(result));
            busy.try_set(false);
        });
    };
    let status = move || {
        outcome.get().map(|result| match result {
            Ok(n) => {
                let key = if n >= EXPORT_MAX_ROWS {
                    Key::ExportCapped
                } else {
                    Key::ExportDone
                };
                view! {
                    <span class="toast export-status" role="status">
                        {i18n.t(key).replace("{n}", &n.to_string())}
                    </span>
                }
                .into_any()
            }
            Err(e) => view! { <span class="error-text export-status" role="alert">{i18n.error(&e)}</span> }
                .into_any(),
        })
    };
    view! {
        <div class="export">
            <button
                type="button"
                class="btn"
                disabled=move || !hydrated.get() || busy.get()
                on:click=on_click
            >
                {move || if busy.get() { i18n.t(Key::Exporting) } else { i18n.t(Key::ExportCsv) }}
            </button>
            {status}
        </div>
    }
    .into_any()
}

/// Has the browser save `text` as `name`: a Blob, an object URL and a temporary
/// `<a download>` clicked once.
#[cfg(feature = "hydrate")]
fn download(name: &str, text: &str) -> Result<(), AppError> {
    use wasm_bindgen::{JsCast, JsValue};

    let failed = |_: JsValue| AppError::Internal;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(failed)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(failed)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(AppError::Internal)?;
    let body = document.body().ok_or(AppError::Internal)?;
    let link = document
        .create_element("a")
        .map_err(failed)?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| AppError::Internal)?;
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    body.append_child(&link).map_err(failed)?;
    link.click();
    link.remove();
    // The download has started by then; the URL is let go later to be safe.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

/// Never called on the server (only a click starts an export).
#[cfg(not(feature = "hydrate"))]
fn download(_name: &str, _text: &str) -> Result<(), AppError> {
    Err(AppError::Internal)
}

/// Fetches pages with `page(offset)` until one comes back short, the total is reached or
/// [`EXPORT_MAX_ROWS`] rows are in; `size` is the page size asked for.
pub async fn by_offset<T, Fut>(size: u32, page: impl Fn(u32) -> Fut) -> Result<Vec<T>, AppError>
where
    Fut: Future<Output = Result<shared::model::Page<T>, AppError>>,
{
    let mut all = Vec::new();
    loop {
        let offset = u32::try_from(all.len()).unwrap_or(u32::MAX);
        let got = page(offset).await?;
        let short = got.items.len() < size as usize;
        all.extend(got.items);
        if short || all.len() as u64 >= got.total || all.len() >= EXPORT_MAX_ROWS {
            break;
        }
    }
    all.truncate(EXPORT_MAX_ROWS);
    Ok(all)
}

/// Fetches newest-first pages with `page(before)`, each older than the last item of the one
/// before (`id` gives it), until one comes back short or [`EXPORT_MAX_ROWS`] rows are in.
pub async fn by_before<T, I: Copy, Fut>(
    size: u32,
    id: impl Fn(&T) -> I,
    page: impl Fn(Option<I>) -> Fut,
) -> Result<Vec<T>, AppError>
where
    Fut: Future<Output = Result<Vec<T>, AppError>>,
{
    let mut all: Vec<T> = Vec::new();
    loop {
        let before = all.last().map(&id);
        let got = page(before).await?;
        let short = got.len() < size as usize;
        all.extend(got);
        if short || all.len() >= EXPORT_MAX_ROWS {
            break;
        }
    }
    all.truncate(EXPORT_MAX_ROWS);
    Ok(all)
}
