//! Requests submitted to the engine and waiting for their outcome, by origin tag.

use crate::app::SessionId;
use crate::codec::parse::Message;
use tradestream_model::{ClientOrderId, NewOrder};

/// What was asked, to answer from the request's engine items.
#[derive(Debug, Clone)]
pub enum Pending {
    /// NewOrderSingle (D).
    New {
        /// The session that asked.
        session: SessionId,
        /// The command sent.
        order: NewOrder,
        /// The request, echoed in a reject.
        req: Message,
    },
    /// OrderCancelRequest (F) or OrderCancelReplaceRequest (G).
    Change {
        /// The session that asked.
        session: SessionId,
        /// True for a replace (G).
        replace: bool,
        /// The request's ClOrdID (11): the order's id once it takes effect.
        cl_ord_id: String,
        /// The request's OrigClOrdID (41).
        orig: String,
        /// The order's engine client id.
        id: ClientOrderId,
    },
    /// OrderMassCancelRequest (q).
    MassCancel {
        /// The session that asked.
        session: SessionId,
        /// The request.
        req: Message,
    },
    /// OrderStatusRequest (H) or OrderMassStatusRequest (AF): an account snapshot.
    Status {
        /// The session that asked.
        session: SessionId,
        /// The request.
        req: Message,
    },
    /// The snapshot taken at logon to learn orders placed before this gateway started.
    Sync,
}
