//! Shared by the durable engine's integration tests: a seeded generator of valid
//! [`Command`]s (instruments, deposits, withdrawals, orders of every kind, cancels, amends, mass
//! cancels, controls, time), the clean in-memory run those tests compare against, small engine
//! and journal configurations, and helpers that read the journal's on-disk format (segment
//! batches, the CRC32C that covers them) so tests can damage it precisely.
//!
//! Journal sequence numbers: record 1 is the genesis record, so command `i` (0-based) of a
//! stream is journal record `i + 2`, and a journal whose last sequence number is `L` holds the
//! first `L - 1` commands.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use tradestream_durable::{replay, DurableConfig, ReplayOptions, ReplaySummary};
use tradestream_engine::{Engine, EngineConfig};
use tradestream_journal::sim::{SimDisk, SimRng};
use tradestream_journal::{FsyncPolicy, JournalConfig, Storage};
use tradestream_model::decimal::Grid;
use tradestream_model::{
    AccountId, Amount, ClientOrderId, Command, Controls, Event, InstrumentId, InstrumentKind,
    InstrumentSpec, NewOrder, OrderType, Price, Qty, SelfTradePrevention, ShortName, Side,
    TimeInForce, Timestamp, AMOUNT_SCALE,
};

/// The journal directory on a [`SimDisk`].
pub const DIR: &str = "j";

/// Accounts `0..ACCOUNTS` trade.
pub const ACCOUNTS: u64 = 12;

/// A command and the sequencer timestamp it is applied with.
pub type Stamped = (Command, Timestamp);

fn name(s: &str) -> ShortName {
    ShortName::new(s).expect("short name")
}

fn client_id(prefix: char, n: u64) -> ClientOrderId {
    ClientOrderId::new(&format!("{prefix}{n}")).expect("client id")
}

/// An instrument of the generated market: tick and lot as `(mantissa, decimals)`.
struct Listing {
    symbol: &'static str,
    base: &'static str,
    quote: &'static str,
    tick: (i128, u32),
    lot: (i128, u32),
    maker_fee_bps: i32,
    taker_fee_bps: i32,
}

const LISTINGS: [Listing; 2] = [
    Listing {
        symbol: "BTC-USD",
        base: "BTC",
        quote: "USD",
        tick: (5, 1),
        lot: (1, 2),
        maker_fee_bps: -1,
        taker_fee_bps: 4,
    },
    Listing {
        symbol: "ETH-BTC",
        base: "ETH",
        quote: "BTC",
        tick: (1, 3),
        lot: (1, 1),
        maker_fee_bps: 0,
        taker_fee_bps: 2,
    },
];
const ASSETS: [&str; 3] = ["BTC", "USD", "ETH"];

fn listing(i: usize) -> Command {
    let l = &LISTINGS[i];
    Command::AddInstrument(InstrumentSpec {
        symbol: name(l.symbol),
        kind: InstrumentKind::Spot,
        base: name(l.base),
        quote: name(l.quote),
        tick: Grid::from_parts(l.tick.0, l.tick.1).expect("tick"),
        lot: Grid::from_parts(l.lot.0, l.lot.1).expect("lot"),
        maker_fee_bps: l.maker_fee_bps,
        taker_fee_bps: l.taker_fee_bps,
    })
}

/// `n` valid commands from `seed`: the two listings, a deposit of every asset for every account,
/// then a random mix that trades often and reaches every command kind and most rejects and engine
/// errors (duplicate ids, unknown orders and symbols, a clock moving backwards, a duplicate
/// listing, too many orders, insufficient balance, post-only crosses, FOK kills, STP, GTD
/// expiries). Timestamps never decrease.
pub fn commands(seed: u64, n: usize) -> Vec<Stamped> {
    let mut rng = SimRng::new(seed ^ 0xC0DE_5EED);
    let mut out: Vec<Stamped> = Vec::with_capacity(n);
    let mut ts = 1_000i64;
    let mut clock = 0i64;
    let mut next_id = [0u64; ACCOUNTS as usize];
    let push = |out: &mut Vec<Stamped>, cmd: Command, ts: i64| {
        if out.len() < n {
            out.push((cmd, Timestamp(ts)));
        }
    };
    for i in 0..LISTINGS.len() {
        push(&mut out, listing(i), ts);
    }
    for a in 0..ACCOUNTS {
        for asset in ASSETS {
            let amount = Amount(AMOUNT_SCALE * 100_000);
            push(
                &mut out,
                Command::Deposit {
                    account: AccountId(a),
                    asset: name(asset),
                    amount,
                },
                ts,
            );
        }
    }
    while out.len() < n {
        ts += rng.below(3) as i64;
        let account = rng.below(ACCOUNTS);
        let inst = rng.below(LISTINGS.len() as u64) as u32;
        let instrument = if rng.chance(1, 80) {
            None
        } else {
            Some(InstrumentId(inst))
        };
        let used = next_id[account as usize];
        let recent = client_id('o', used.saturating_sub(rng.below(8)));
        let price = |rng: &mut SimRng| Price(980 + rng.below(41) as i64);
        let qty = |rng: &mut SimRng| Qty(1 + rng.below(60) as i64);
        let account = AccountId(account);
        let r = rng.below(1000);
        let cmd = if r < 520 {
            let id = if rng.chance(1, 60) {
                recent
            } else {
                next_id[account.0 as usize] += 1;
                client_id('o', next_id[account.0 as usize])
            };
            let market = rng.chance(1, 12);
            let tif = match rng.below(10) {
                0 => TimeInForce::Ioc,
                1 => TimeInForce::Fok,
                2 | 3 => TimeInForce::Gtd(Timestamp(clock + rng.below(60) as i64)),
                _ => TimeInForce::Gtc,
            };
            let stp = match rng.below(10) {
                0 => SelfTradePrevention::CancelTaker,
                1 => SelfTradePrevention::CancelMaker,
                2 => SelfTradePrevention::CancelBoth,
                _ => SelfTradePrevention::None,
            };
            let price = if rng.chance(1, 100) {
                Price(0)
            } else {
                price(&mut rng)
            };
            Command::New(NewOrder {
                account,
                instrument,
                id,
                side: if rng.chance(1, 2) {
                    Side::Buy
                } else {
                    Side::Sell
                },
                order_type: if market {
                    OrderType::Market
                } else {
                    OrderType::Limit
                },
                price,
                qty: qty(&mut rng),
                tif,
                post_only: rng.chance(1, 20),
                reduce_only: false,
                stp,
            })
        } else if r < 680 {
            Command::Cancel {
                account,
                instrument,
                id: recent,
            }
        } else if r < 800 {
            let (price, qty) = match rng.below(3) {
                0 => (Some(price(&mut rng)), None),
                1 => (None, Some(qty(&mut rng))),
                _ => (Some(price(&mut rng)), Some(qty(&mut rng))),
            };
            Command::Amend {
                account,
                instrument,
                id: recent,
                price,
                qty,
            }
        } else if r < 815 {
            let scope = match rng.below(3) {
                0 => None,
                1 => Some(instrument),
                _ => Some(Some(InstrumentId(inst))),
            };
            Command::MassCancel {
                account,
                instrument: scope,
            }
        } else if r < 920 {
            if rng.chance(1, 50) {
                Command::Time {
                    ts: Timestamp(clock - 1),
                }
            } else {
                clock += rng.below(25) as i64;
                Command::Time {
                    ts: Timestamp(clock),
                }
            }
        } else if r < 945 {
            let asset = name(ASSETS[rng.below(3) as usize]);
            Command::Deposit {
                account,
                asset,
                amount: Amount(AMOUNT_SCALE / 100 * (1 + rng.below(10_000) as i128)),
            }
        } else if r < 985 {
            let asset = name(ASSETS[rng.below(3) as usize]);
            let whole = if rng.chance(1, 8) {
                10_000_000
            } else {
                1 + rng.below(500) as i128
            };
            Command::Withdraw {
                account,
                asset,
                amount: Amount(AMOUNT_SCALE * whole),
                id: client_id('w', rng.below(1_000)),
            }
        } else if r < 995 {
            let controls = if rng.chance(1, 3) {
                Controls::default()
            } else {
                Controls {
                    price_band_bps: Some(300 + rng.below(3_000) as u32),
                    reference_price: Some(Price(1_000)),
                    max_qty: Some(Qty(40 + rng.below(40) as i64)),
                    max_notional: None,
                    max_position: None,
                }
            };
            Command::SetControls {
                instrument: InstrumentId(inst),
                controls,
            }
        } else {
            // Listing a symbol again: an engine error, journaled like any command.
            listing(inst as usize)
        };
        push(&mut out, cmd, ts);
    }
    out
}

/// Small engine limits, so that `too_many_orders` and `engine_capacity` occur.
pub fn engine_config() -> EngineConfig {
    EngineConfig {
        max_open_orders_per_account: 30,
        capacity: 200,
        expected_client_ids: 512,
        expected_accounts: 16,
        levels_per_side: 8,
    }
}

/// A durable configuration for a journal in [`DIR`] with the given sizes and policy.
pub fn durable_config(
    segment_size: u64,
    ring: usize,
    fsync: FsyncPolicy,
    snapshot_every: u64,
    keep_snapshots: usize,
) -> DurableConfig {
    DurableConfig {
        engine: engine_config(),
        journal: JournalConfig::new(DIR)
            .with_segment_size(segment_size)
            .with_ring_capacity(ring),
        fsync,
        snapshot_every,
        keep_snapshots,
        prefault: false,
    }
}

/// A plain in-memory [`Engine`] run over a stream: what every recovered journal is compared with.
pub struct Clean {
    /// Events of each command.
    pub events: Vec<Vec<Event>>,
    /// `hashes[k]`: state hash after the first `k` commands (`hashes[0]`: a new engine).
    pub hashes: Vec<[u8; 32]>,
}

impl Clean {
    /// Applies every command of `cmds` to a new engine with `config`.
    pub fn run(config: EngineConfig, cmds: &[Stamped]) -> Clean {
        let mut engine = Engine::new(config);
        let mut events = Vec::with_capacity(cmds.len());
        let mut hashes = Vec::with_capacity(cmds.len() + 1);
        hashes.push(engine.state_hash());
        for (cmd, ts) in cmds {
            let mut sink = Vec::new();
            engine.apply(cmd, *ts, &mut sink);
            events.push(sink);
            hashes.push(engine.state_hash());
        }
        Clean { events, hashes }
    }

    /// The state hash of a journal whose last sequence number is `last_seq`.
    pub fn hash_at_seq(&self, last_seq: u64) -> [u8; 32] {
        self.hashes[(last_seq - 1) as usize]
    }

    /// The events of journal record `seq` (a command, so `seq >= 2`).
    pub fn events_of_seq(&self, seq: u64) -> &[Event] {
        &self.events[(seq - 2) as usize]
    }
}

/// Events re-derived by a replay: `(seq, events)` of every record applied.
pub type Derived = Vec<(u64, Vec<Event>)>;

/// Replays the journal in [`DIR`] of `storage`, returning the summary and the events of every
/// record.
pub fn replay_all<S: Storage + Clone>(
    storage: &S,
    opts: ReplayOptions,
) -> Result<(ReplaySummary, Derived), tradestream_durable::DurableError> {
    let mut got = Vec::new();
    let summary = replay(
        storage,
        Path::new(DIR),
        &opts,
        |seq, _, evs| got.push((seq, evs.to_vec())),
        |_, _| {},
    )?;
    Ok((summary, got))
}

/// Replay with verification from genesis.
pub fn verify_opts() -> ReplayOptions {
    ReplayOptions {
        verify: true,
        from: 1,
        to: None,
    }
}

/// Asserts that `derived` (from a replay) is exactly the clean run's events of records
/// `2..=last_seq`, in order; `what` names the case in the failure message.
pub fn assert_clean_prefix(
    clean: &Clean,
    derived: &[(u64, Vec<Event>)],
    last_seq: u64,
    what: &str,
) {
    assert_eq!(
        derived.len() as u64,
        last_seq - 1,
        "{what}: replay applied {} records, the journal ends at {last_seq}",
        derived.len()
    );
    for (seq, evs) in derived {
        assert_eq!(
            evs.as_slice(),
            clean.events_of_seq(*seq),
            "{what}: replayed events of record {seq} differ from the clean run"
        );
    }
}

/// CRC32C (Castagnoli, reflected), the checksum of batches, snapshots and segment headers,
/// written out here so tests can forge a valid batch around altered bytes.
pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0x82F6_3B78 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// One batch as laid out in a segment: 40-byte header (`magic, version, flags, payload_len,
/// count, first_seq, durable_seq, reserved, crc`), then records (`len u32, seq u64, kind u8,
/// payload`), padded to 512 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchLoc {
    /// Segment file (relative to the storage root).
    pub file: PathBuf,
    /// Offset of the batch header in the file.
    pub offset: u64,
    /// Header plus records, without padding.
    pub len: u64,
    /// First sequence number.
    pub first_seq: u64,
    /// Records in the batch.
    pub count: u32,
    /// The writer's durable watermark when it wrote the batch.
    pub durable_seq: u64,
}

impl BatchLoc {
    /// Last sequence number in the batch.
    pub fn last_seq(&self) -> u64 {
        self.first_seq + u64::from(self.count) - 1
    }
}

/// A record found inside a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLoc {
    /// Sequence number.
    pub seq: u64,
    /// Record kind.
    pub kind: u8,
    /// Offset of the payload in the segment file.
    pub payload_offset: u64,
    /// The payload.
    pub payload: Vec<u8>,
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes(b[..4].try_into().expect("4 bytes"))
}

fn le_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b[..8].try_into().expect("8 bytes"))
}

/// The batches of one segment's bytes, in order, up to the first non-batch.
pub fn batches_in(file: &Path, bytes: &[u8]) -> Vec<BatchLoc> {
    let mut out = Vec::new();
    let mut p = 512usize;
    while p + 40 <= bytes.len() && &bytes[p..p + 4] == b"TSJB" {
        let h = &bytes[p..p + 40];
        let len = 40 + le_u32(&h[8..12]) as u64;
        out.push(BatchLoc {
            file: file.to_path_buf(),
            offset: p as u64,
            len,
            first_seq: le_u64(&h[16..24]),
            count: le_u32(&h[12..16]),
            durable_seq: le_u64(&h[24..32]),
        });
        p += len.div_ceil(512) as usize * 512;
    }
    out
}

/// The records of `batch` inside its segment's `bytes`.
pub fn records_in(batch: &BatchLoc, bytes: &[u8]) -> Vec<RecordLoc> {
    let mut out = Vec::new();
    let end = (batch.offset + batch.len) as usize;
    let mut p = batch.offset as usize + 40;
    while p < end {
        let len = le_u32(&bytes[p..]) as usize;
        let seq = le_u64(&bytes[p + 4..]);
        let kind = bytes[p + 12];
        let at = p + 13;
        out.push(RecordLoc {
            seq,
            kind,
            payload_offset: at as u64,
            payload: bytes[at..at + len].to_vec(),
        });
        p = at + len;
    }
    out
}

/// Recomputes the CRC of the batch at `offset` in `bytes` (after its records were altered).
pub fn fix_batch_crc(bytes: &mut [u8], offset: usize) {
    let payload_len = le_u32(&bytes[offset + 8..]) as usize;
    let mut covered = bytes[offset..offset + 36].to_vec();
    covered.extend_from_slice(&bytes[offset + 40..offset + 40 + payload_len]);
    let crc = crc32c(&covered);
    bytes[offset + 36..offset + 40].copy_from_slice(&crc.to_le_bytes());
}

/// Segment files of the journal in [`DIR`] on `disk`, in order, with their bytes.
pub fn segments(disk: &SimDisk) -> Vec<(PathBuf, Vec<u8>)> {
    let mut names: Vec<String> = disk
        .list(Path::new(DIR))
        .expect("list journal")
        .into_iter()
        .filter(|n| n.ends_with(".seg"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let path = Path::new(DIR).join(n);
            let bytes = disk.file_bytes(&path).expect("segment bytes");
            (path, bytes)
        })
        .collect()
}

/// Every batch of the journal on `disk`, in sequence order.
pub fn all_batches(disk: &SimDisk) -> Vec<BatchLoc> {
    segments(disk)
        .iter()
        .flat_map(|(p, b)| batches_in(p, b))
        .collect()
}

/// Snapshot files of the journal on `disk`, newest first, as `(seq, path)`.
pub fn snapshots(disk: &SimDisk) -> Vec<(u64, PathBuf)> {
    let mut out: Vec<(u64, PathBuf)> = disk
        .list(Path::new(DIR))
        .expect("list journal")
        .into_iter()
        .filter_map(|n| {
            let seq = tradestream_journal::snapshot::parse_snapshot_name(&n)?;
            Some((seq, Path::new(DIR).join(n)))
        })
        .collect();
    out.sort_by(|a, b| b.cmp(a));
    out
}

/// A unique directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `tradestream-durable-<tag>-<pid>-<n>-<nanos>`.
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "tradestream-durable-{tag}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A number from the environment variable `var`, or `default`.
pub fn env_u64(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{var} must be an integer, got {v:?}"))
        })
        .unwrap_or(default)
}
