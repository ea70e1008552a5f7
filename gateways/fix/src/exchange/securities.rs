//! SecurityListRequest (x) answered with a SecurityList (y) of the instruments the session may
//! trade: per instrument Symbol, SecurityDesc (`BASE/QUOTE kind`), Currency (the quote
//! asset), RoundLot and MinTradeVol (the lot) and Text `tick=<tick>` (FIX 4.4 has no
//! MinPriceIncrement). Halted instruments are listed too.

use super::{need, Exchange};
use crate::app::{AppError, Outbox, SessionId};
use crate::codec::encode::Outgoing;
use crate::codec::parse::Message;
use tradestream_ws::catalog::Listing;

impl Exchange {
    /// SecurityListRequest (x): 559 = 0 (one symbol) or 4 (all).
    pub(super) fn security_list(
        &mut self,
        session: SessionId,
        msg: &Message,
        out: &mut Outbox,
    ) -> Result<(), AppError> {
        let req_id = need(msg, 320)?;
        let response_id = self.own_id();
        let listings: Option<Vec<&Listing>> = match need(msg, 559)? {
            "0" => {
                let symbol = need(msg, 55)?;
                Some(self.listing_for(session, symbol).into_iter().collect())
            }
            "4" => Some(
                self.catalog
                    .iter()
                    .filter(|l| self.allowed(session, l.spec.symbol.as_str()))
                    .collect(),
            ),
            _ => None,
        };
        let mut m = Outgoing::new(b"y");
        m.field(320, req_id).field(322, &response_id);
        match listings {
            None => {
                // SecurityList has no Text: 1 is "invalid or unsupported request".
                m.field(560, "1");
            }
            Some(v) if v.is_empty() => {
                m.field(560, "2");
            }
            Some(v) => {
                m.field(560, "0")
                    .int(393, v.len() as i64)
                    .field(893, "Y")
                    .int(146, v.len() as i64);
                for l in v {
                    let s = &l.spec;
                    let lot = super::report::qty_text(l, tradestream_model::Qty(1));
                    m.field(55, s.symbol.as_str())
                        .field(107, format!("{}/{} {}", s.base, s.quote, s.kind.as_str()))
                        .field(15, s.quote.as_str())
                        .field(561, &lot)
                        .field(562, &lot)
                        .field(58, format!("tick={}", s.tick.to_decimal()));
                }
            }
        }
        out.send(session, m);
        Ok(())
    }
}
