//! The echo application of the QuickFIX acceptance runs
//! (../shared/data/fix-acceptance/README.md): a NewOrderSingle (D) or SecurityDefinition (d)
//! is sent back unchanged under a fresh header (body fields in ascending tag order, repeating
//! groups kept whole, as QuickFIX re-serialises a message), except a PossResend order whose
//! ClOrdID this session has already seen since its logon, which is dropped; any other application message is
//! refused as unsupported.

use crate::app::{AppError, Application, Outbox, SessionId};
use crate::codec::encode::Outgoing;
use crate::codec::parse::Message;
use crate::codec::tag;
use crate::dict::{Dictionary, Section};
use crate::validate::{tree, Level};
use rustc_hash::FxHashSet;

/// The echo application.
pub struct Echo {
    dict: Dictionary,
    seen: Vec<FxHashSet<Vec<u8>>>,
}

impl Echo {
    /// An echo application for `sessions` sessions.
    pub fn new(dict: Dictionary, sessions: usize) -> Echo {
        Echo {
            dict,
            seen: vec![FxHashSet::default(); sessions],
        }
    }

    fn echo(&self, msg: &Message) -> Outgoing {
        let t = tree(msg, &self.dict);
        let mut out = Outgoing::new(msg.msg_type());
        for i in &t.header.fields {
            let f = &msg.fields()[*i];
            if !matches!(
                f.tag,
                tag::BEGIN_STRING
                    | tag::BODY_LENGTH
                    | tag::MSG_TYPE
                    | tag::POSS_DUP_FLAG
                    | tag::ORIG_SENDING_TIME
            ) {
                out.header_field(f.tag, msg.value(f));
            }
        }
        let def = self.dict.message(msg.msg_type()).map(|m| &m.section);
        write_level(msg, &t.body, def, false, &mut out);
        out
    }
}

/// Writes one level: the message body in ascending tag order, a group entry in the group's
/// dictionary order; each group's entries right after its count field.
fn write_level(
    msg: &Message,
    level: &Level,
    def: Option<&Section>,
    group: bool,
    out: &mut Outgoing,
) {
    let mut idx = level.fields.clone();
    let tag_of = |i: &usize| msg.fields()[*i].tag;
    match def {
        Some(d) if group => idx.sort_by_key(|i| {
            let t = tag_of(i);
            (
                d.order.iter().position(|x| *x == t).unwrap_or(usize::MAX),
                t,
            )
        }),
        _ => idx.sort_by_key(|i| (0, tag_of(i))),
    }
    for i in idx {
        let f = &msg.fields()[i];
        out.field(f.tag, msg.value(f));
        if let Some((_, entries)) = level.groups.iter().find(|(t, _)| *t == f.tag) {
            let sub = def.and_then(|d| d.groups.get(&f.tag));
            for e in entries {
                write_level(msg, e, sub, true, out);
            }
        }
    }
}

impl Application for Echo {
    fn on_app_message(
        &mut self,
        session: SessionId,
        msg: &Message,
        out: &mut Outbox,
    ) -> Result<(), AppError> {
        match msg.msg_type() {
            b"D" => {
                let id = msg.get(tag::CL_ORD_ID).unwrap_or_default().to_vec();
                let fresh = self.seen[session].insert(id);
                if !fresh && msg.flag(tag::POSS_RESEND) {
                    return Ok(());
                }
                out.send(session, self.echo(msg));
                Ok(())
            }
            b"d" => {
                out.send(session, self.echo(msg));
                Ok(())
            }
            _ => Err(AppError::UnsupportedMessageType),
        }
    }

    /// A logon starts a new session day (the acceptance runs reset on logon): forget the
    /// ClOrdIDs seen before.
    fn on_logon(&mut self, session: SessionId, _out: &mut Outbox) {
        self.seen[session].clear();
    }
}
