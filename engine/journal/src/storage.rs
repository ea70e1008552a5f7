//! The storage seam: a small file-level interface and its real-file implementation.
//!
//! The journal never touches `std::fs` directly. It talks to a [`Storage`] (a directory tree)
//! and the [`StorageFile`]s it hands out, so the same code runs on real files ([`FsStorage`])
//! and on the simulated disk ([`crate::sim::SimDisk`]) that loses unsynced writes and tears
//! sectors on a power cut.
//!
//! Durability contract, the same for every implementation:
//! - [`StorageFile::sync`] has `fdatasync` semantics: the file's data and size are durable
//!   when it returns `Ok`; its directory entry is not.
//! - [`Storage::sync_dir`] makes the creations, renames and removals of entries in that
//!   directory durable.
//! - After a failed `sync` nothing may be assumed about the unsynced data (the kernel may have
//!   dropped it), so callers halt rather than retry.
//!
//! Paths are relative to the storage root and use `/` separators.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// A directory tree of files: the file-level operations the journal needs, nothing more.
pub trait Storage {
    /// An open file handle.
    type File: StorageFile;

    /// Creates `path`, or truncates it to zero length if it exists, and opens it read-write.
    fn create(&self, path: &Path) -> io::Result<Self::File>;

    /// Opens an existing file read-write. Fails with `NotFound` if it does not exist.
    fn open(&self, path: &Path) -> io::Result<Self::File>;

    /// Creates `dir` and its missing parents, durably (the new entries are synced).
    fn create_dir_all(&self, dir: &Path) -> io::Result<()>;

    /// Names (not paths) of the files directly inside `dir`, sorted. Fails with `NotFound` if
    /// the directory does not exist.
    fn list(&self, dir: &Path) -> io::Result<Vec<String>>;

    /// Atomically renames `from` to `to` (replacing `to`). Both must be in the same directory.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;

    /// Removes the file at `path`.
    fn remove(&self, path: &Path) -> io::Result<()>;

    /// Makes the directory entries of `dir` durable (fsync on the directory).
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
}

/// An open file: positional reads and writes, size changes and `fdatasync`.
pub trait StorageFile {
    /// Current size in bytes.
    fn size(&self) -> io::Result<u64>;

    /// Writes all of `buf` at `offset`, extending the file if needed.
    fn write_at(&mut self, offset: u64, buf: &[u8]) -> io::Result<()>;

    /// Fills `buf` from `offset`. Fails with `UnexpectedEof` if the file is too short.
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()>;

    /// Sets the size; growing fills with zeros.
    fn set_len(&mut self, len: u64) -> io::Result<()>;

    /// Makes the data and size durable (`fdatasync`).
    fn sync(&mut self) -> io::Result<()>;

    /// Appends `buf` at the current end of the file.
    fn append(&mut self, buf: &[u8]) -> io::Result<()> {
        let end = self.size()?;
        self.write_at(end, buf)
    }

    /// Reads `len` bytes from `offset`.
    fn read_range(&mut self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; len];
        self.read_at(offset, &mut buf)?;
        Ok(buf)
    }

    /// Reads the whole file.
    fn read_all(&mut self) -> io::Result<Vec<u8>> {
        let len = usize::try_from(self.size()?)
            .map_err(|_| io::Error::new(io::ErrorKind::OutOfMemory, "file too large to read"))?;
        self.read_range(0, len)
    }
}

impl<T: Storage + ?Sized> Storage for &T {
    type File = T::File;

    fn create(&self, path: &Path) -> io::Result<Self::File> {
        (**self).create(path)
    }
    fn open(&self, path: &Path) -> io::Result<Self::File> {
        (**self).open(path)
    }
    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        (**self).create_dir_all(dir)
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        (**self).list(dir)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        (**self).rename(from, to)
    }
    fn remove(&self, path: &Path) -> io::Result<()> {
        (**self).remove(path)
    }
    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        (**self).sync_dir(dir)
    }
}

/// Real files under a root directory, through `std::fs` (Unix: positional I/O with
/// `pread`/`pwrite`, `fdatasync` via [`File::sync_data`], directory fsync by opening the
/// directory and calling [`File::sync_all`]).
#[derive(Debug, Clone)]
pub struct FsStorage {
    root: PathBuf,
}

impl FsStorage {
    /// Storage rooted at `root`; relative journal paths are resolved against it.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FsStorage { root: root.into() }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn full(&self, path: &Path) -> PathBuf {
        self.root.join(path)
    }
}

impl Storage for FsStorage {
    type File = FsFile;

    fn create(&self, path: &Path) -> io::Result<FsFile> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(self.full(path))?;
        Ok(FsFile { file })
    }

    fn open(&self, path: &Path) -> io::Result<FsFile> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(self.full(path))?;
        Ok(FsFile { file })
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        let full = self.full(dir);
        if full.is_dir() {
            return Ok(());
        }
        fs::create_dir_all(&full)?;
        // Make the new entries durable: sync the parent of every level under the root.
        let mut level = full.as_path();
        while let Some(parent) = level.parent() {
            File::open(parent)?.sync_all()?;
            if parent == self.root || !parent.starts_with(&self.root) {
                break;
            }
            level = parent;
        }
        Ok(())
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in fs::read_dir(self.full(dir))? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                if let Some(name) = entry.file_name().to_str() {
                    names.push(name.to_owned());
                }
            }
        }
        names.sort();
        Ok(names)
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(self.full(from), self.full(to))
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(self.full(path))
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        File::open(self.full(dir))?.sync_all()
    }
}

/// A real open file (see [`FsStorage`]).
#[derive(Debug)]
pub struct FsFile {
    file: File,
}

impl StorageFile for FsFile {
    fn size(&self) -> io::Result<u64> {
        Ok(self.file.metadata()?.len())
    }

    fn write_at(&mut self, offset: u64, buf: &[u8]) -> io::Result<()> {
        self.file.write_all_at(buf, offset)
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.file.read_exact_at(buf, offset)
    }

    fn set_len(&mut self, len: u64) -> io::Result<()> {
        self.file.set_len(len)
    }

    fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }
}
