//! A connection ended: leave its channels and account, and cancel its orders if it asked.

use super::session::Phase;
use super::Gateway;
use tradestream_model::Command;
use tradestream_runtime::Request;

impl Gateway {
    /// The connection `session` is gone (closed, failed, cut off). If it had asked for
    /// cancel-on-disconnect and did not log out, a journaled `disconnect` command cancels the
    /// account's open orders; if the ring is full it is retried until it goes in.
    pub fn on_closed(&mut self, session: u32) {
        let Some(s) = self.sessions.remove(&session) else {
            return;
        };
        self.leave_all(session, &s.channels);
        if let Phase::LoggedOn(grant) = &s.phase {
            if let Some(state) = self.accounts.get_mut(&grant.account) {
                state.sessions.retain(|x| *x != session);
            }
            if s.cancel_on_disconnect && !s.logged_out {
                let req = Request::Command(Command::Disconnect {
                    account: grant.account,
                });
                if self.deferred.is_empty() && self.port.submit(session, 0, req).is_ok() {
                    return;
                }
                self.deferred.push_back(req);
            }
        }
    }
}
