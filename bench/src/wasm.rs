//! F1: the size of a built wasm bundle after brotli compression.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// The current build's bundles (`.js`, `.wasm`, `.css`) in the `pkg` folder `dir`, named by
/// the site root's `hash.txt` (one or two folders up); `None` for a build without hashes.
pub fn current(dir: &Path) -> Option<[PathBuf; 3]> {
    let text = dir
        .ancestors()
        .skip(1)
        .take(2)
        .find_map(|root| std::fs::read_to_string(root.join("hash.txt")).ok())?;
    let build = shared::build::Build::parse(&text)?;
    let names = build.bundles("", "parley");
    Some(names.map(|name| dir.join(name.trim_start_matches('/'))))
}

/// The bundle's `.wasm` in `dir`: the current build's, else the largest there.
pub fn find(dir: &Path) -> anyhow::Result<PathBuf> {
    if let Some([_, wasm, _]) = current(dir) {
        return Ok(wasm);
    }
    let mut best: Option<(u64, PathBuf)> = None;
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let len = std::fs::metadata(&path)?.len();
            if best.as_ref().is_none_or(|(l, _)| len > *l) {
                best = Some((len, path));
            }
        }
    }
    best.map(|(_, p)| p)
        .with_context(|| format!("no .wasm file in {}", dir.display()))
}

/// The brotli-compressed size (quality 11, window 2^22, as `brotli` and web servers' static
/// compression use) of `bytes`.
pub fn brotli_len(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer.write_all(bytes)?;
        writer.flush()?;
    }
    Ok(out.len())
}

/// The brotli size in kB (1,000 bytes) of the bundle in `dir`.
pub fn kb_in(dir: &Path) -> anyhow::Result<f64> {
    let file = find(dir)?;
    let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    Ok(brotli_len(&bytes)? as f64 / 1000.0)
}

/// The brotli size in kB of everything the page needs before it is interactive: the current
/// build's loader, module and stylesheet in `dir` (one module: nothing is split off).
pub fn first_screen_kb_in(dir: &Path) -> anyhow::Result<f64> {
    let files = current(dir)
        .with_context(|| format!("no hash.txt naming the bundles of {}", dir.display()))?;
    let mut total = 0usize;
    for file in files {
        let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        total += brotli_len(&bytes)?;
    }
    Ok(total as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repetitive_input_compresses() {
        let input = vec![b'a'; 100_000];
        assert!(brotli_len(&input).is_ok_and(|n| n > 0 && n < 1000));
    }
}
