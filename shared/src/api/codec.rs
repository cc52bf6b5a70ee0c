//! How every server function's arguments, results and errors cross the wire: a JSON body in a
//! `POST` (`Content-Type: application/json`), exactly as Leptos' own `Json` codec sends it.
//!
//! The difference is on the decoding side: bodies are read as UTF-8 text and parsed with
//! `serde_json::from_str`, the same reader the WebSocket events and the server-rendered resource
//! data use. Leptos' codec parses bytes (`from_slice`), a second reader type for which every
//! model type's `Deserialize` is compiled again into the wasm bundles.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::Serialize;
use serde::de::{DeserializeOwned, Error as _};

/// JSON text: encoded with `serde_json::to_vec`, decoded with `serde_json::from_str`.
pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde_json::Error::custom)?;
        serde_json::from_str(text)
    }
}

/// Arguments and results as JSON text in the body of a `POST`: the protocol of every server
/// function in [`crate::api`].
pub type Json = Post<JsonText>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    #[test]
    fn round_trips_values_and_errors_as_json() {
        let bytes = <JsonText as Encodes<Vec<i64>>>::encode(&vec![1, 2, 3]).unwrap();
        assert_eq!(&bytes[..], b"[1,2,3]");
        let back: Vec<i64> = <JsonText as Decodes<Vec<i64>>>::decode(bytes).unwrap();
        assert_eq!(back, vec![1, 2, 3]);

        let error = AppError::Muted { until: Some(5) };
        let bytes = <JsonText as Encodes<AppError>>::encode(&error).unwrap();
        assert_eq!(&bytes[..], br#"{"code":"muted","until":5}"#);
        let back: AppError = <JsonText as Decodes<AppError>>::decode(bytes).unwrap();
        assert_eq!(back, error);
    }

    #[test]
    fn rejects_bytes_that_are_not_utf8_or_not_json() {
        let not_utf8 = Bytes::from_static(b"\"\xff\"");
        assert!(<JsonText as Decodes<String>>::decode(not_utf8).is_err());
        let not_json = Bytes::from_static(b"{\"a\":");
        assert!(<JsonText as Decodes<Vec<i64>>>::decode(not_json).is_err());
    }
}
