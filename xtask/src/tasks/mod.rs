//! The tasks behind `cargo xtask <task>`.

pub mod bench;
pub mod chaos;
pub mod run;
pub mod test;

use crate::error::Result;
use crate::paths::Paths;
use crate::process::{self, cargo};

/// `cargo leptos build [--release --precompress]`: both front ends and the `parley` binary.
fn leptos_build(paths: &Paths, release: bool) -> Result<()> {
    let mut cmd = cargo();
    cmd.args(["leptos", "build"]).current_dir(&paths.root);
    if release {
        // Brotli and gzip copies of every static file, served as they are.
        cmd.args(["--release", "--precompress"]);
    }
    process::run(&mut cmd)
}
