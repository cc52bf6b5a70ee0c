//! A small tmpfs for the `disk_full` scenario: the SQLite database lives on it, so that the
//! server's writes fail as on a full disk; remounting it larger gives the space back.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// A mounted tmpfs; unmounted when dropped.
pub struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size_kib` at `dir` (created if missing). Needs root (or the
    /// permission to mount).
    pub fn mount(dir: &Path, size_kib: u64) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|err| Error::io(format!("creating {}", dir.display()), &err))?;
        mount(
            Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={size_kib}k,mode=0755")])
                .arg("parley-chaos")
                .arg(dir),
        )
        .map_err(|why| {
            Error::new(format!(
                "cannot mount a tmpfs at {} ({why}): disk_full needs root or the permission \
                 to mount",
                dir.display()
            ))
        })?;
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }

    /// Changes its size (never below what it holds).
    pub fn resize(&self, size_kib: u64) -> Result<()> {
        mount(
            Command::new("mount")
                .args(["-o", &format!("remount,size={size_kib}k")])
                .arg(&self.dir),
        )
        .map_err(|why| {
            Error::new(format!(
                "resizing the tmpfs at {}: {why}",
                self.dir.display()
            ))
        })
    }

    /// KiB its files take.
    pub fn used_kib(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| entry.metadata().ok())
            .map(|meta| meta.blocks() / 2)
            .sum()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = Command::new("umount")
            .arg(&self.dir)
            .output()
            .is_ok_and(|out| out.status.success());
        if !unmounted {
            // Something still holds a file open: detach it now, it goes when released.
            let lazy = Command::new("umount").arg("-l").arg(&self.dir).output();
            if !lazy.is_ok_and(|out| out.status.success()) {
                eprintln!("could not unmount the tmpfs at {}", self.dir.display());
            }
        }
    }
}

/// Runs a `mount` command; its error output on failure.
fn mount(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|err| err.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}
