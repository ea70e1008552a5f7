//! A venue type behind a trait object, so the subcommand can hold a list of different venues
//! while each one's measurement loop stays monomorphised (the dispatch happens once per run).

use std::marker::PhantomData;

use anyhow::Result;
use quanta::Clock;

use crate::driver::{self, FlatOut, OpenLoop};
use crate::venue::Venue;
use crate::workloads::Workload;

/// One venue as the `engine` subcommand sees it.
pub trait Contender {
    /// The venue's `NAME`.
    fn name(&self) -> &'static str;
    /// The venue's `NOTES`.
    fn notes(&self) -> &'static str;
    /// [`driver::flat_out`] for this venue.
    fn flat_out(&self, workload: &Workload, clock: &Clock) -> Result<FlatOut>;
    /// [`driver::open_loop`] for this venue.
    fn open_loop(&self, workload: &Workload, rate: f64, clock: &Clock) -> Result<OpenLoop>;
}

/// The [`Contender`] of venue type `V`.
struct Typed<V>(PhantomData<fn() -> V>);

impl<V: Venue> Contender for Typed<V> {
    fn name(&self) -> &'static str {
        V::NAME
    }

    fn notes(&self) -> &'static str {
        V::NOTES
    }

    fn flat_out(&self, workload: &Workload, clock: &Clock) -> Result<FlatOut> {
        driver::flat_out::<V>(workload, clock)
    }

    fn open_loop(&self, workload: &Workload, rate: f64, clock: &Clock) -> Result<OpenLoop> {
        driver::open_loop::<V>(workload, rate, clock)
    }
}

/// Venue type `V` as a list entry.
pub fn contender<V: Venue + 'static>() -> Box<dyn Contender> {
    Box::new(Typed::<V>(PhantomData))
}
