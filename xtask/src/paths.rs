//! Where things are: the workspace root, the Cargo target folder, the built sites and binary.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The folders and files the tasks work with.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The workspace root (holds `Cargo.toml`, `package.json`, `end2end/`).
    pub root: PathBuf,
    /// Cargo's target folder: `CARGO_TARGET_DIR` when set, else `<root>/target`.
    pub target_dir: PathBuf,
}

impl Paths {
    /// Finds the workspace this xtask was built from.
    pub fn discover() -> Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or_else(|| Error::new("the xtask crate is not inside a workspace"))?
            .to_path_buf();
        let target_dir = match std::env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
            Some(dir) => {
                let dir = PathBuf::from(dir);
                if dir.is_absolute() {
                    dir
                } else {
                    // Cargo reads a relative CARGO_TARGET_DIR from the current folder.
                    std::env::current_dir()
                        .map_err(|err| Error::io("reading the current folder", &err))?
                        .join(dir)
                }
            }
            None => root.join("target"),
        };
        Ok(Self { root, target_dir })
    }

    /// The `parley` server binary that `cargo leptos build [--release]` produces.
    pub fn server_binary(&self, release: bool) -> PathBuf {
        let profile = if release { "release" } else { "debug" };
        self.target_dir
            .join(profile)
            .join(format!("parley{}", std::env::consts::EXE_SUFFIX))
    }

    /// The built client site (`site-root` of the `client` Leptos project).
    pub fn client_site(&self) -> PathBuf {
        self.root.join("target").join("site")
    }

    /// The built admin site (`site-root` of the `admin` Leptos project).
    pub fn admin_site(&self) -> PathBuf {
        self.root.join("target").join("site-admin")
    }

    /// The workspace's `Cargo.lock`.
    pub fn cargo_lock(&self) -> PathBuf {
        self.root.join("Cargo.lock")
    }
}
