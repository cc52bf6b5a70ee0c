//! Which build of a front end a site root holds: the content hashes `cargo leptos build` writes
//! to the site root's `hash.txt` (lines `js: …`, `wasm: …`, `css: …`). The server names the
//! service worker's caches after it and the page carries it, so an open page can tell that a
//! newer build has taken over.

/// The content-hashed bundles of one build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// The hash in the JavaScript loader's name (`parley.<js>.js`).
    pub js: String,
    /// The hash in the WebAssembly module's name (`parley.<wasm>.wasm`).
    pub wasm: String,
    /// The hash in the stylesheet's name (`parley.<css>.css`).
    pub css: String,
}

/// The longest hash line read; the hashes cargo-leptos writes are far shorter.
const MAX_HASH_LEN: usize = 128;

impl Build {
    /// Reads a `hash.txt`; `None` unless it names all three bundles with plain hashes.
    pub fn parse(text: &str) -> Option<Build> {
        let (mut js, mut wasm, mut css) = (None, None, None);
        for line in text.lines() {
            let Some((file, hash)) = line.trim().split_once(':') else {
                continue;
            };
            let hash = hash.trim();
            let plain = !hash.is_empty()
                && hash.len() <= MAX_HASH_LEN
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !plain {
                continue;
            }
            match file.trim() {
                "js" => js = Some(hash.to_owned()),
                "wasm" => wasm = Some(hash.to_owned()),
                "css" => css = Some(hash.to_owned()),
                _ => {}
            }
        }
        Some(Build {
            js: js?,
            wasm: wasm?,
            css: css?,
        })
    }

    /// One name for the build: every bundle's hash, joined by dots (which the hashes never
    /// hold), so a change to any of them is a new build.
    pub fn version(&self) -> String {
        format!("{}.{}.{}", self.js, self.wasm, self.css)
    }

    /// The bundles' paths under `pkg_dir` (`/pkg`), named `output_name.<hash>.<ext>`.
    pub fn bundles(&self, pkg_dir: &str, output_name: &str) -> [String; 3] {
        [
            format!("{pkg_dir}/{output_name}.{}.js", self.js),
            format!("{pkg_dir}/{output_name}.{}.wasm", self.wasm),
            format!("{pkg_dir}/{output_name}.{}.css", self.css),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_hashes_cargo_leptos_writes() {
        let build = Build::parse("js: abc123\nwasm: def456\ncss: 789xyz\n");
        let build = build.expect("a complete hash file");
        assert_eq!(build.version(), "abc123.def456.789xyz");
        assert_eq!(
            build.bundles("/pkg", "parley"),
            [
                "/pkg/parley.abc123.js",
                "/pkg/parley.def456.wasm",
                "/pkg/parley.789xyz.css"
            ]
        );
    }

    #[test]
    fn refuses_incomplete_or_odd_files() {
        assert_eq!(Build::parse("js: abc\nwasm: def\n"), None);
        assert_eq!(Build::parse(""), None);
        assert_eq!(Build::parse("js: a\"b\nwasm: d\ncss: e"), None);
        assert_eq!(Build::parse("js: a/b\nwasm: d\ncss: e"), None);
    }
}
