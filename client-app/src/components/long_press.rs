//! A long press on a touch screen, which opens a menu where the browser sends no
//! `contextmenu` (iOS).

use leptos::prelude::*;

/// A long press on a touch screen (half a second without lifting), which opens a message's
/// menu where the browser sends no `contextmenu`.
#[derive(Clone, Copy)]
pub struct LongPress(StoredValue<Option<leptos::prelude::TimeoutHandle>>);

impl LongPress {
    /// A press not yet started.
    pub fn new() -> Self {
        LongPress(StoredValue::new(None))
    }

    /// Starts timing a press (touch and pen only): `then` runs if it lasts half a second.
    pub fn start(self, ev: &leptos::ev::PointerEvent, then: impl Fn() + 'static) {
        self.cancel();
        if ev.pointer_type() == "mouse" {
            return;
        }
        let handle = set_timeout_with_handle(then, std::time::Duration::from_millis(500)).ok();
        self.0.set_value(handle);
    }

    /// Ends the press (lifted, moved away or cancelled) before it counted.
    pub fn cancel(self) {
        if let Some(handle) = self.0.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    }
}

impl Default for LongPress {
    fn default() -> Self {
        Self::new()
    }
}
