//! A simulated disk with an explicit fault model, for deterministic durability tests.
//!
//! [`SimDisk`] implements [`Storage`] in memory. It keeps, for every file, what is *durable*
//! (on the platter) and what is only in the *page cache* (written since the last `sync`), at a
//! sector granularity of [`SECTOR`] = 512 bytes, and, for every directory, which entry changes
//! were made durable by `sync_dir`. A [`SimDisk::power_cut`] then throws away a seeded,
//! arbitrary part of what was not durable. Other crates' tests use it too: it is public.
//!
//! # Fault model
//!
//! **File data.** `write_at` and shrinking `set_len` mark the sectors they touch *dirty*.
//! `sync` (fdatasync) makes the file's current data and size durable and clears the dirty set.
//! On a power cut, every dirty sector independently comes back either fully old (its content
//! at the last sync; zeros if it was past the durable end) or fully new (its page-cache
//! content). Sectors of one write can therefore survive in any combination, and a later
//! write can survive while an earlier unsynced one is lost. A sector is never half old, half
//! new (sector writes are atomic, as on disks with power-loss protection of a single sector).
//! If the file's size changed since its last sync, the size after the cut is, by coin flip,
//! either the durable size or the current one.
//!
//! **Directory entries.** `create` (of a new name), `rename` and `remove` are directory
//! operations. They are visible at once but become durable only through `sync_dir` on their
//! directory. On a power cut each operation not yet made durable survives or is lost
//! *independently* (a seeded coin per operation; survivors are applied in their original
//! order, and a rename is atomic: both names change or neither). That is deliberately more
//! hostile than ext4 or XFS, whose metadata journal loses only a suffix of the operations:
//! code that is correct here does not rely on metadata ordering it never asked for with
//! `sync_dir`. A file whose name is lost is lost with its data, even if the data was synced.
//! `create_dir_all` is durable at once (directories are set up before the journal runs).
//! `rename` across directories is not supported and fails with `Unsupported`.
//!
//! **The survival odds** are drawn per cut from the seed: a cut keeps each unsynced sector
//! (and, separately, each unsynced directory operation) with probability 0, 1/4, 1/2, 3/4 or
//! 1, so "everything lost" and "everything kept" occur as often as mixed cases.
//!
//! **Errors.** [`SimDisk::inject`] makes the next write, sync or directory sync fail with an
//! `io::Error` (the failed operation changes nothing). [`SimDisk::schedule_power_cut`] cuts
//! power just before the n-th next mutating operation, which then fails, so cuts land in the
//! middle of multi-step procedures (segment roll, recovery, snapshot rename). After any cut
//! (or a simulated process [`SimDisk::crash`]) every file handle opened before it, and every
//! `SimDisk` clone made before it, fails with "stale handle": the process that held it is
//! gone, so a writer thread still running can not write after the cut (the harness handle
//! from [`SimDisk::new`] keeps working; clone it again to "reboot"). A sync that fails by
//! injection makes nothing durable; the data stays unsynced (it may still reach the disk, or
//! not, at the next cut). [`SimDisk::set_stalled`] blocks writes and syncs until released (a
//! slow disk, for backpressure tests).
//!
//! Not modelled: bit rot and misdirected writes happen only when a test asks for them
//! ([`SimDisk::flip_bit`], [`SimDisk::overwrite`]); reads never fail.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Component, Path};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::storage::{Storage, StorageFile};

/// Sector size of the simulated disk: the unit that is either fully old or fully new after a
/// power cut.
pub const SECTOR: u64 = 512;

/// A small deterministic RNG (SplitMix64) for seeded simulations: the same seed gives the same
/// sequence on every machine.
#[derive(Debug, Clone)]
pub struct SimRng {
    state: u64,
}

impl SimRng {
    /// A generator whose whole output is determined by `seed`.
    pub fn new(seed: u64) -> Self {
        SimRng {
            state: seed ^ 0x5DEE_CE66_D1CE_4E5B,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (`n` must be non-zero).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "SimRng::below(0)");
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    /// Fills `buf` with random bytes.
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

/// A fault to inject into the next matching operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The next `write_at` (or `append`) fails and writes nothing.
    Write,
    /// The next file `sync` fails and makes nothing durable.
    Sync,
    /// The next `sync_dir` fails and makes nothing durable.
    SyncDir,
}

/// What a power cut kept and lost (for test diagnostics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PowerCutReport {
    /// Unsynced sectors that came back with their new content.
    pub sectors_kept: u64,
    /// Unsynced sectors that came back with their old content.
    pub sectors_lost: u64,
    /// Unsynced directory operations that survived.
    pub dir_ops_kept: u64,
    /// Unsynced directory operations that were lost.
    pub dir_ops_lost: u64,
}

/// Operation counters of a [`SimDisk`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SimStats {
    /// Successful `write_at` calls.
    pub writes: u64,
    /// Successful file syncs.
    pub syncs: u64,
    /// Successful directory syncs.
    pub dir_syncs: u64,
    /// Power cuts so far.
    pub power_cuts: u64,
}

#[derive(Debug, Clone, Default)]
struct Inode {
    /// What reads see (the page cache).
    current: Vec<u8>,
    /// What survives a power cut for sure.
    durable: Vec<u8>,
    /// Sectors whose current content may differ from the durable one.
    dirty: BTreeSet<u64>,
}

impl Inode {
    fn mark_dirty(&mut self, from: u64, to: u64) {
        if to > from {
            for s in from / SECTOR..=(to - 1) / SECTOR {
                self.dirty.insert(s);
            }
        }
    }

    fn sync(&mut self) {
        let len = self.current.len();
        self.durable.resize(len, 0);
        for &s in &self.dirty {
            let a = (s * SECTOR) as usize;
            if a >= len {
                break;
            }
            let b = (a + SECTOR as usize).min(len);
            self.durable[a..b].copy_from_slice(&self.current[a..b]);
        }
        self.dirty.clear();
    }

    fn cut(&mut self, rng: &mut SimRng, keep: u64, report: &mut PowerCutReport) {
        let len = if self.current.len() != self.durable.len() && rng.chance(1, 2) {
            self.current.len()
        } else {
            self.durable.len()
        };
        let mut out = self.durable.clone();
        out.resize(len, 0);
        for &s in &self.dirty {
            let a = (s * SECTOR) as usize;
            if a >= len {
                break;
            }
            let b = (a + SECTOR as usize).min(len);
            if rng.chance(keep, 4) {
                report.sectors_kept += 1;
                for (i, byte) in out[a..b].iter_mut().enumerate() {
                    *byte = self.current.get(a + i).copied().unwrap_or(0);
                }
            } else {
                report.sectors_lost += 1;
            }
        }
        self.current = out.clone();
        self.durable = out;
        self.dirty.clear();
    }
}

/// One directory operation: the entry changes it makes, applied atomically.
#[derive(Debug, Clone)]
struct DirOp {
    dir: String,
    changes: Vec<(String, Option<u64>)>,
}

#[derive(Debug, Clone, Default)]
struct SimState {
    inodes: BTreeMap<u64, Inode>,
    next_inode: u64,
    /// The namespace as processes see it.
    names: BTreeMap<String, u64>,
    /// The namespace as it would come back after a power cut with every pending op lost.
    durable_names: BTreeMap<String, u64>,
    /// Directory operations not yet made durable, oldest first.
    pending: Vec<DirOp>,
    dirs: BTreeSet<String>,
    epoch: u64,
    fail_writes: u32,
    fail_syncs: u32,
    fail_dir_syncs: u32,
    /// `(operations left, seed)`: cut power before the operation that finds it at zero.
    scheduled_cut: Option<(u64, u64)>,
    stats: SimStats,
}

impl SimState {
    fn power_cut(&mut self, seed: u64) -> PowerCutReport {
        let mut rng = SimRng::new(seed);
        let keep_sectors = rng.below(5);
        let keep_ops = rng.below(5);
        let mut report = PowerCutReport::default();
        for op in std::mem::take(&mut self.pending) {
            if rng.chance(keep_ops, 4) {
                report.dir_ops_kept += 1;
                apply(&mut self.durable_names, &op.changes);
            } else {
                report.dir_ops_lost += 1;
            }
        }
        self.names = self.durable_names.clone();
        let live: BTreeSet<u64> = self.names.values().copied().collect();
        self.inodes.retain(|ino, _| live.contains(ino));
        for inode in self.inodes.values_mut() {
            inode.cut(&mut rng, keep_sectors, &mut report);
        }
        self.epoch += 1;
        self.stats.power_cuts += 1;
        report
    }

    /// Counts one mutating operation towards a scheduled power cut.
    fn tick(&mut self) -> io::Result<()> {
        if let Some((left, seed)) = self.scheduled_cut {
            if left == 0 {
                self.scheduled_cut = None;
                self.power_cut(seed);
                return Err(io::Error::other("simulated power cut"));
            }
            self.scheduled_cut = Some((left - 1, seed));
        }
        Ok(())
    }

    fn inode(&mut self, handle: &SimFile) -> io::Result<&mut Inode> {
        if handle.epoch != self.epoch {
            return Err(stale(&handle.path));
        }
        self.inodes
            .get_mut(&handle.inode)
            .ok_or_else(|| stale(&handle.path))
    }

    fn new_handle(&self, disk: &SimDisk, ino: u64, path: String) -> SimFile {
        let disk = SimDisk {
            state: disk.state.clone(),
            stall: disk.stall.clone(),
            bound: Some(self.epoch),
        };
        SimFile {
            disk,
            inode: ino,
            epoch: self.epoch,
            path,
        }
    }

    /// Fails if `bound` names an epoch before the last power cut or crash.
    fn check_alive(&self, bound: Option<u64>) -> io::Result<()> {
        match bound {
            Some(epoch) if epoch != self.epoch => Err(io::Error::other(
                "stale SimDisk handle: the simulated process lost power or crashed since it \
                 was cloned; clone the disk again after the cut",
            )),
            _ => Ok(()),
        }
    }
}

fn apply(names: &mut BTreeMap<String, u64>, changes: &[(String, Option<u64>)]) {
    for (name, target) in changes {
        match target {
            Some(ino) => {
                names.insert(name.clone(), *ino);
            }
            None => {
                names.remove(name);
            }
        }
    }
}

fn stale(path: &str) -> io::Error {
    io::Error::other(format!(
        "stale handle for {path}: the simulated process crashed or lost power since it was opened"
    ))
}

fn injected(what: &str) -> io::Error {
    io::Error::other(format!("injected {what} fault"))
}

/// Normalizes a relative path to the `a/b/c` key used inside the simulation.
fn key(path: &Path) -> io::Result<String> {
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => parts
                .push(p.to_str().ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "non UTF-8 path")
                })?),
            Component::CurDir => {}
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("SimDisk paths must be relative and plain: {path:?}"),
                ))
            }
        }
    }
    Ok(parts.join("/"))
}

fn split(key: &str) -> (&str, &str) {
    key.rsplit_once('/').unwrap_or(("", key))
}

fn not_found(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("{what} not found"))
}

/// An in-memory disk with durable and unsynced state and seeded power cuts; see the module
/// docs for the fault model.
///
/// Handles: the value returned by [`SimDisk::new`] (or [`SimDisk::fork`]) belongs to the test
/// harness and always works. A *clone* is a handle for one simulated process: it shares the
/// disk, and it dies with its process: after the next power cut or [`SimDisk::crash`] every
/// operation through it (and through files opened with it) fails with "stale handle". So a
/// writer thread still running when the power goes can not write after the cut; clone the
/// disk again to "reboot".
#[derive(Debug, Default)]
pub struct SimDisk {
    state: Arc<Mutex<SimState>>,
    stall: Arc<(Mutex<Stall>, Condvar)>,
    /// The epoch this process handle lives in; `None` for the harness handle.
    bound: Option<u64>,
}

impl Clone for SimDisk {
    /// A handle for a process living in the current epoch (see the type docs).
    fn clone(&self) -> Self {
        let epoch = self.lock().epoch;
        SimDisk {
            state: self.state.clone(),
            stall: self.stall.clone(),
            bound: Some(epoch),
        }
    }
}

#[derive(Debug, Default)]
struct Stall {
    stalled: bool,
    waiting: usize,
}

impl SimDisk {
    /// An empty disk with only the root directory.
    pub fn new() -> Self {
        let disk = SimDisk::default();
        disk.lock().dirs.insert(String::new());
        disk
    }

    fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn wait_while_stalled(&self) {
        let (stall, cond) = &*self.stall;
        let mut st = stall.lock().unwrap_or_else(|p| p.into_inner());
        if st.stalled {
            st.waiting += 1;
            while st.stalled {
                st = cond.wait(st).unwrap_or_else(|p| p.into_inner());
            }
            st.waiting -= 1;
        }
    }

    /// Cuts power now: keeps what was synced plus a seeded subset of everything else (see the
    /// module docs) and invalidates every open handle.
    pub fn power_cut(&self, seed: u64) -> PowerCutReport {
        self.lock().power_cut(seed)
    }

    /// Cuts power just before the `after_ops`-th next mutating operation (write, set_len,
    /// sync, create, rename, remove, sync_dir; counting from 0), which then fails.
    pub fn schedule_power_cut(&self, after_ops: u64, seed: u64) {
        self.lock().scheduled_cut = Some((after_ops, seed));
    }

    /// True while a scheduled power cut has not happened yet.
    pub fn power_cut_pending(&self) -> bool {
        self.lock().scheduled_cut.is_some()
    }

    /// Cancels a scheduled power cut.
    pub fn cancel_power_cut(&self) {
        self.lock().scheduled_cut = None;
    }

    /// Simulates the process dying (SIGKILL): the page cache survives, open handles do not.
    pub fn crash(&self) {
        self.lock().epoch += 1;
    }

    /// Makes the next operation of that kind fail (one-shot; injecting twice fails two).
    pub fn inject(&self, fault: Fault) {
        let mut s = self.lock();
        match fault {
            Fault::Write => s.fail_writes += 1,
            Fault::Sync => s.fail_syncs += 1,
            Fault::SyncDir => s.fail_dir_syncs += 1,
        }
    }

    /// While `stalled`, writes and syncs block (a slow disk). Unstalling wakes them.
    pub fn set_stalled(&self, stalled: bool) {
        let (stall, cond) = &*self.stall;
        stall.lock().unwrap_or_else(|p| p.into_inner()).stalled = stalled;
        cond.notify_all();
    }

    /// Number of operations currently blocked by [`SimDisk::set_stalled`].
    pub fn stalled_ops(&self) -> usize {
        self.stall
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .waiting
    }

    /// An independent deep copy of the disk (pending faults and scheduled cuts included),
    /// with a harness handle.
    pub fn fork(&self) -> SimDisk {
        let copy = self.lock().clone();
        SimDisk {
            state: Arc::new(Mutex::new(copy)),
            stall: Arc::default(),
            bound: None,
        }
    }

    /// The current (page-cache) contents of a file, if it exists.
    pub fn file_bytes(&self, path: impl AsRef<Path>) -> Option<Vec<u8>> {
        let k = key(path.as_ref()).ok()?;
        let s = self.lock();
        let ino = s.names.get(&k)?;
        s.inodes.get(ino).map(|i| i.current.clone())
    }

    /// Flips one bit of a file on the medium itself (bit rot): both the durable and the cached
    /// copy change. Returns false if the file or bit does not exist.
    pub fn flip_bit(&self, path: impl AsRef<Path>, bit: u64) -> bool {
        let byte = bit / 8;
        let mask = 1u8 << (bit % 8);
        self.modify(path.as_ref(), |data| match data.get_mut(byte as usize) {
            Some(b) => {
                *b ^= mask;
                true
            }
            None => false,
        })
    }

    /// Overwrites bytes of a file on the medium itself (durable at once), extending it if
    /// needed. Returns false if the file does not exist.
    pub fn overwrite(&self, path: impl AsRef<Path>, offset: u64, bytes: &[u8]) -> bool {
        self.modify(path.as_ref(), |data| {
            let a = offset as usize;
            if data.len() < a + bytes.len() {
                data.resize(a + bytes.len(), 0);
            }
            data[a..a + bytes.len()].copy_from_slice(bytes);
            true
        })
    }

    /// Sets a file's size on the medium itself (durable at once). Returns false if the file
    /// does not exist.
    pub fn set_len_raw(&self, path: impl AsRef<Path>, len: u64) -> bool {
        self.modify(path.as_ref(), |data| {
            data.resize(len as usize, 0);
            true
        })
    }

    fn modify(&self, path: &Path, f: impl Fn(&mut Vec<u8>) -> bool) -> bool {
        let Ok(k) = key(path) else { return false };
        let mut s = self.lock();
        let Some(&ino) = s.names.get(&k) else {
            return false;
        };
        let Some(inode) = s.inodes.get_mut(&ino) else {
            return false;
        };
        let durable_ok = f(&mut inode.durable);
        let current_ok = f(&mut inode.current);
        durable_ok || current_ok
    }

    /// Number of sectors written but not yet synced, over all files.
    pub fn unsynced_sectors(&self) -> usize {
        self.lock().inodes.values().map(|i| i.dirty.len()).sum()
    }

    /// Number of directory operations not yet made durable by `sync_dir`.
    pub fn unsynced_dir_ops(&self) -> usize {
        self.lock().pending.len()
    }

    /// Operation counters.
    pub fn stats(&self) -> SimStats {
        self.lock().stats
    }
}

impl Storage for SimDisk {
    type File = SimFile;

    fn create(&self, path: &Path) -> io::Result<SimFile> {
        let k = key(path)?;
        let mut s = self.lock();
        s.check_alive(self.bound)?;
        s.tick()?;
        let (dir, _) = split(&k);
        if !s.dirs.contains(dir) {
            return Err(not_found(&format!("directory {dir:?}")));
        }
        if let Some(&ino) = s.names.get(&k) {
            let inode = s.inodes.entry(ino).or_default();
            let old = inode.current.len() as u64;
            inode.mark_dirty(0, old);
            inode.current.clear();
            return Ok(s.new_handle(self, ino, k));
        }
        let ino = s.next_inode;
        s.next_inode += 1;
        s.inodes.insert(ino, Inode::default());
        s.names.insert(k.clone(), ino);
        s.pending.push(DirOp {
            dir: dir.to_owned(),
            changes: vec![(k.clone(), Some(ino))],
        });
        Ok(s.new_handle(self, ino, k))
    }

    fn open(&self, path: &Path) -> io::Result<SimFile> {
        let k = key(path)?;
        let s = self.lock();
        s.check_alive(self.bound)?;
        let ino = *s.names.get(&k).ok_or_else(|| not_found(&k))?;
        Ok(s.new_handle(self, ino, k))
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        let k = key(dir)?;
        let mut s = self.lock();
        s.check_alive(self.bound)?;
        let mut acc = String::new();
        for part in k.split('/').filter(|p| !p.is_empty()) {
            if !acc.is_empty() {
                acc.push('/');
            }
            acc.push_str(part);
            s.dirs.insert(acc.clone());
        }
        Ok(())
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        let k = key(dir)?;
        let s = self.lock();
        s.check_alive(self.bound)?;
        if !s.dirs.contains(&k) {
            return Err(not_found(&format!("directory {k:?}")));
        }
        Ok(s.names
            .keys()
            .filter_map(|name| {
                let (d, n) = split(name);
                (d == k).then(|| n.to_owned())
            })
            .collect())
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let (kf, kt) = (key(from)?, key(to)?);
        let dir = split(&kf).0.to_owned();
        if split(&kt).0 != dir {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "SimDisk renames only within one directory",
            ));
        }
        let mut s = self.lock();
        s.check_alive(self.bound)?;
        s.tick()?;
        let ino = s.names.remove(&kf).ok_or_else(|| not_found(&kf))?;
        s.names.insert(kt.clone(), ino);
        s.pending.push(DirOp {
            dir,
            changes: vec![(kf, None), (kt, Some(ino))],
        });
        Ok(())
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        let k = key(path)?;
        let mut s = self.lock();
        s.check_alive(self.bound)?;
        s.tick()?;
        s.names.remove(&k).ok_or_else(|| not_found(&k))?;
        let dir = split(&k).0.to_owned();
        s.pending.push(DirOp {
            dir,
            changes: vec![(k, None)],
        });
        Ok(())
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        let k = key(dir)?;
        self.wait_while_stalled();
        let mut s = self.lock();
        s.check_alive(self.bound)?;
        s.tick()?;
        if s.fail_dir_syncs > 0 {
            s.fail_dir_syncs -= 1;
            return Err(injected("sync_dir"));
        }
        if !s.dirs.contains(&k) {
            return Err(not_found(&format!("directory {k:?}")));
        }
        let pending = std::mem::take(&mut s.pending);
        for op in pending {
            if op.dir == k {
                apply(&mut s.durable_names, &op.changes);
            } else {
                s.pending.push(op);
            }
        }
        s.stats.dir_syncs += 1;
        Ok(())
    }
}

/// An open file on a [`SimDisk`]. It refers to the file itself (an inode), so it follows
/// renames; it fails with "stale handle" after a power cut or simulated crash.
#[derive(Debug)]
pub struct SimFile {
    disk: SimDisk,
    inode: u64,
    epoch: u64,
    path: String,
}

impl StorageFile for SimFile {
    fn size(&self) -> io::Result<u64> {
        let mut s = self.disk.lock();
        Ok(s.inode(self)?.current.len() as u64)
    }

    fn write_at(&mut self, offset: u64, buf: &[u8]) -> io::Result<()> {
        self.disk.wait_while_stalled();
        let mut s = self.disk.lock();
        s.tick()?;
        if s.fail_writes > 0 {
            s.fail_writes -= 1;
            return Err(injected("write"));
        }
        let inode = s.inode(self)?;
        let end = offset as usize + buf.len();
        if inode.current.len() < end {
            inode.current.resize(end, 0);
        }
        inode.current[offset as usize..end].copy_from_slice(buf);
        inode.mark_dirty(offset, end as u64);
        s.stats.writes += 1;
        Ok(())
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let mut s = self.disk.lock();
        let inode = s.inode(self)?;
        let a = offset as usize;
        let src = inode
            .current
            .get(a..a + buf.len())
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "read past end"))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    fn set_len(&mut self, len: u64) -> io::Result<()> {
        self.disk.wait_while_stalled();
        let mut s = self.disk.lock();
        s.tick()?;
        let inode = s.inode(self)?;
        let old = inode.current.len() as u64;
        if len < old {
            inode.mark_dirty(len, old);
        }
        inode.current.resize(len as usize, 0);
        Ok(())
    }

    fn sync(&mut self) -> io::Result<()> {
        self.disk.wait_while_stalled();
        let mut s = self.disk.lock();
        s.tick()?;
        if s.fail_syncs > 0 {
            s.fail_syncs -= 1;
            return Err(injected("sync"));
        }
        s.inode(self)?.sync();
        s.stats.syncs += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> &Path {
        Path::new(s)
    }

    #[test]
    fn synced_data_survives_every_cut() {
        for seed in 0..200 {
            let disk = SimDisk::new();
            let mut f = disk.create(p("a")).unwrap();
            f.write_at(0, &[7u8; 1500]).unwrap();
            f.sync().unwrap();
            disk.sync_dir(p("")).unwrap();
            f.write_at(1000, &[9u8; 2000]).unwrap();
            disk.power_cut(seed);
            let data = disk.file_bytes("a").unwrap();
            assert!(data.len() == 1500 || data.len() == 3000);
            // Sector 0 was never rewritten; sector 1 holds [7; 488] then old or new bytes.
            assert!(data[..1000].iter().all(|&b| b == 7));
            for sector in data.chunks(SECTOR as usize).skip(2) {
                assert!(sector.iter().all(|&b| b == 9) || sector.iter().all(|&b| b == 7 || b == 0));
            }
        }
    }

    #[test]
    fn unsynced_create_can_be_lost_and_synced_one_is_kept() {
        let mut lost = 0;
        for seed in 0..100 {
            let disk = SimDisk::new();
            let mut f = disk.create(p("kept")).unwrap();
            f.sync().unwrap();
            disk.sync_dir(p("")).unwrap();
            let mut g = disk.create(p("maybe")).unwrap();
            g.write_at(0, b"x").unwrap();
            g.sync().unwrap();
            disk.power_cut(seed);
            assert!(disk.file_bytes("kept").is_some());
            if disk.file_bytes("maybe").is_none() {
                lost += 1;
            }
            assert!(f.size().is_err(), "handles are stale after a cut");
        }
        assert!(lost > 10 && lost < 90, "lost {lost} of 100");
    }

    #[test]
    fn rename_is_atomic_and_unsynced_remove_can_be_undone() {
        for seed in 0..100 {
            let disk = SimDisk::new();
            let mut f = disk.create(p("tmp")).unwrap();
            f.write_at(0, b"new").unwrap();
            f.sync().unwrap();
            disk.sync_dir(p("")).unwrap();
            disk.rename(p("tmp"), p("final")).unwrap();
            disk.power_cut(seed);
            let names = disk.list(p("")).unwrap();
            assert!(names == ["final"] || names == ["tmp"], "{names:?}");
        }
    }

    #[test]
    fn faults_and_scheduled_cuts() {
        let disk = SimDisk::new();
        let mut f = disk.create(p("a")).unwrap();
        disk.inject(Fault::Write);
        assert!(f.write_at(0, b"x").is_err());
        f.write_at(0, b"x").unwrap();
        disk.inject(Fault::Sync);
        assert!(f.sync().is_err());
        f.sync().unwrap();
        disk.schedule_power_cut(1, 3);
        f.write_at(1, b"y").unwrap();
        assert!(f.write_at(2, b"z").is_err());
        assert!(!disk.power_cut_pending());
        assert_eq!(disk.stats().power_cuts, 1);
    }

    #[test]
    fn a_process_handle_dies_with_the_power_but_the_harness_handle_does_not() {
        let disk = SimDisk::new();
        let process = disk.clone();
        process.create(p("a")).unwrap();
        disk.power_cut(1);
        assert!(process.list(p("")).is_err());
        assert!(process.create(p("b")).is_err());
        assert!(disk.list(p("")).is_ok());
        let rebooted = disk.clone();
        rebooted.create(p("c")).unwrap();
        disk.crash();
        assert!(rebooted.open(p("c")).is_err());
    }

    #[test]
    fn rng_is_deterministic() {
        let mut a = SimRng::new(42);
        let mut b = SimRng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert!((0..1000).all(|_| a.below(7) < 7));
    }
}
