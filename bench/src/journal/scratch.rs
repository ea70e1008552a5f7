//! The scratch directory every measurement writes its files in: on a real disk (a tmpfs would
//! make fdatasync free and every number meaningless), removed when the run ends, even on error.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};

/// Scratch directories made by this process so far (their names must differ).
static MADE: AtomicU32 = AtomicU32::new(0);

/// File systems that live in memory: refused.
const MEMORY_FS: [&str; 3] = ["tmpfs", "ramfs", "devtmpfs"];

/// Where the scratch directory lives: the mount that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Storage {
    /// The scratch directory.
    pub path: PathBuf,
    /// Mount point of the file system holding it.
    pub mount: String,
    /// File system type (`ext4`, `xfs`, ...).
    pub fs_type: String,
    /// The device, as `/proc/mounts` names it.
    pub device: String,
}

impl Storage {
    /// One line for the top of the tables.
    pub fn describe(&self) -> String {
        format!(
            "storage: {} ({} on {}, mounted at {})",
            self.path.display(),
            self.fs_type,
            self.device,
            self.mount
        )
    }

    /// The same as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "path": self.path.display().to_string(),
            "mount": self.mount,
            "fs_type": self.fs_type,
            "device": self.device,
        })
    }
}

/// A fresh directory under a parent on disk, removed on drop.
#[derive(Debug)]
pub struct Scratch {
    storage: Storage,
    next: u32,
}

impl Scratch {
    /// Creates `tradestream-journal-bench-<pid>-<unix time>-<n>` under `parent`, refusing a
    /// parent on a memory file system.
    pub fn create(parent: &Path) -> Result<Scratch> {
        let parent = fs::canonicalize(parent)
            .with_context(|| format!("{}: no such directory (see --dir)", parent.display()))?;
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let path = parent.join(format!(
            "tradestream-journal-bench-{}-{unix}-{}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::Relaxed)
        ));
        let mounts = fs::read_to_string("/proc/mounts").unwrap_or_default();
        let (mount, fs_type, device) = mount_of(&mounts, &parent)
            .unwrap_or_else(|| ("unknown".into(), "unknown".into(), "unknown".into()));
        if MEMORY_FS.contains(&fs_type.as_str()) {
            bail!(
                "{} is on {fs_type} (memory): fdatasync costs nothing there, so the numbers would \
                 mean nothing; pass --dir with a directory on a disk",
                parent.display()
            );
        }
        fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Scratch {
            storage: Storage {
                path,
                mount,
                fs_type,
                device,
            },
            next: 0,
        })
    }

    /// Where the files go.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// A new, empty directory inside the scratch directory, named `<n>-<label>`.
    pub fn fresh(&mut self, label: &str) -> Result<PathBuf> {
        self.next += 1;
        let dir = self.storage.path.join(format!("{:03}-{label}", self.next));
        fs::create_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(dir)
    }

    /// Removes everything, reporting a failure (drop removes silently).
    pub fn remove(self) -> Result<()> {
        let path = self.storage.path.clone();
        fs::remove_dir_all(&path).with_context(|| format!("removing {}", path.display()))?;
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.storage.path);
    }
}

/// Removes a measurement's directory once it is done with, so the disk holds one at a time.
pub fn discard(dir: &Path) -> Result<()> {
    fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))
}

/// `(mount point, type, device)` of the longest mount point that is a prefix of `path`, from
/// the text of `/proc/mounts` (`device mount type options ...`; spaces escaped as `\040`).
fn mount_of(mounts: &str, path: &Path) -> Option<(String, String, String)> {
    mounts
        .lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let (device, mount, fs_type) = (f.next()?, f.next()?, f.next()?);
            let mount = mount.replace("\\040", " ");
            path.starts_with(&mount)
                .then(|| (mount, fs_type.to_string(), device.to_string()))
        })
        .max_by_key(|(mount, _, _)| mount.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_longest_mount_prefix() {
        let mounts = "/dev/vda / ext4 rw 0 0\n\
                      tmpfs /dev/shm tmpfs rw 0 0\n\
                      /dev/vdb /data\\040disk xfs rw 0 0\n";
        let m = |p: &str| mount_of(mounts, Path::new(p)).map(|(m, t, _)| (m, t));
        assert_eq!(m("/tmp/x"), Some(("/".into(), "ext4".into())));
        assert_eq!(m("/dev/shm/x"), Some(("/dev/shm".into(), "tmpfs".into())));
        assert_eq!(m("/data disk/j"), Some(("/data disk".into(), "xfs".into())));
        // A path component, not a string prefix.
        assert_eq!(m("/dev/shmx"), Some(("/".into(), "ext4".into())));
    }
}
