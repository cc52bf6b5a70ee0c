//! Front-end helpers both apps share: the language signal, translated text and time formatting.
//!
//! The language is read from the `parley_lang` cookie: on the server from the request, in the
//! browser from `document.cookie`, so server-rendered and hydrated pages agree.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{self, Key, LANG_COOKIE, Lang};

/// The current UI language, provided as context by each app's root component.
#[derive(Clone, Copy)]
pub struct I18n {
    /// The language; writing it re-renders every translated text.
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// The text of `key` in the current language (reactive).
    pub fn t(self, key: Key) -> &'static str {
        self.lang.get().t(key)
    }

    /// A reactive closure yielding the text of `key`, for use in views.
    ///
    /// Read after the page's reactive owner is gone (the document title is written out after a
    /// redirect has ended the render), it falls back to the default language instead of
    /// panicking inside the request.
    pub fn tr(self, key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || self.lang.try_get().unwrap_or_default().t(key)
    }

    /// A translated sentence for an API error.
    pub fn error(self, err: &AppError) -> String {
        i18n::error_text(self.lang.get(), err)
    }

    /// Switches language and remembers the choice in the language cookie for a year.
    pub fn set(self, lang: Lang) {
        self.lang.set(lang);
        write_lang_cookie(lang);
    }
}

/// Reads the language of this request (server) or page (browser) and provides [`I18n`].
pub fn provide_i18n() -> I18n {
    let i18n = I18n {
        lang: RwSignal::new(initial_lang()),
    };
    provide_context(i18n);
    i18n
}

/// The [`I18n`] provided by the app root (Chinese if none was provided).
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        lang: RwSignal::new(Lang::default()),
    })
}

/// The language of this request (server, from its cookie) or page (browser, from
/// `document.cookie`); Chinese when no choice was made. Shells use it for `<html lang>`.
#[cfg(feature = "ssr")]
pub fn initial_lang() -> Lang {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_cookies)
        })
        .unwrap_or_default()
}

/// See the server-side variant.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn initial_lang() -> Lang {
    use wasm_bindgen::JsCast;
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.cookie().ok())
        .map(|c| Lang::from_cookies(&c))
        .unwrap_or_default()
}

/// See the server-side variant.
#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn initial_lang() -> Lang {
    Lang::default()
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn write_lang_cookie(lang: Lang) {
    use wasm_bindgen::JsCast;
    if let Some(doc) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    {
        let cookie = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        );
        let _ = doc.set_cookie(&cookie);
        if let Some(root) = doc.document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
    }
}

#[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
fn write_lang_cookie(_lang: Lang) {
    let _ = LANG_COOKIE;
}

/// Formats an epoch-millisecond time as `YYYY-MM-DD HH:MM` in UTC offset by the browser's zone
/// when known (the server renders UTC; the browser re-renders in local time after hydration).
pub fn format_time(ms: i64) -> String {
    crate::when::full_time(ms, local_offset_minutes())
}

/// `ms` worded for `style` in `lang` (WeChat's rules, see [`crate::when`]), in the browser's zone
/// and against its clock once hydrated; on the server in UTC against the server's clock.
pub fn time_text(ms: i64, style: crate::when::TimeStyle, lang: Lang) -> String {
    crate::when::time_words(ms, now_ms(), local_offset_minutes(), lang, style)
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn local_offset_minutes() -> i64 {
    // JS getTimezoneOffset is minutes *behind* UTC.
    -(js_sys::Date::new_0().get_timezone_offset() as i64)
}

#[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
fn local_offset_minutes() -> i64 {
    0
}

/// Now, in epoch milliseconds (the browser's clock once hydrated).
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Now, in epoch milliseconds.
#[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Whether the page has hydrated (false during server rendering and until the wasm runs).
/// Forms keep their submit buttons disabled until then, so nothing is submitted natively.
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_epoch_times() {
        assert_eq!(format_time(0), "1970-01-01 00:00");
        assert_eq!(format_time(1_795_305_600_000), "2026-11-22 00:00");
        assert_eq!(
            format_time(951_782_400_000 + 90_061_000),
            "2000-03-01 01:01"
        );
    }
}
