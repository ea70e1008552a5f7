//! Time-driven behaviour (QuickFIX's `Session::next()` on its timer): the logon and logout
//! timeouts, heartbeats after HeartBtInt without sending, a TestRequest `TEST` after 1.5
//! intervals without receiving, and a disconnect after 2.4 intervals.

use super::Session;

impl Session {
    /// Called on every timer tick (and after each inbound message) with the time.
    pub fn on_timer(&mut self, now: i64) {
        if !self.connected || self.disconnecting {
            return;
        }
        if !self.received_logon {
            if now - self.connected_at >= self.cfg.logon_timeout_ms {
                self.disconnect();
            }
            return;
        }
        if self.sent_logout && now - self.logout_time >= self.cfg.logout_timeout_ms {
            self.disconnect();
            return;
        }
        let hb = self.heartbeat_ms;
        if hb == 0 {
            return;
        }
        let since_sent = now - self.last_sent;
        let since_received = now - self.last_received;
        if since_sent < hb && since_received < hb {
            return;
        }
        if since_received as f64 >= 2.4 * hb as f64 {
            self.disconnect();
        } else if since_received as f64 >= 1.5 * f64::from(self.test_requests + 1) * hb as f64 {
            self.generate_test_request(b"TEST", now);
            self.test_requests += 1;
        } else if since_sent >= hb && self.test_requests == 0 {
            self.generate_heartbeat(None, now);
        }
    }
}
