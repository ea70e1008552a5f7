//! The FIX tag=value codec: framing a byte stream into messages ([`frame`]), parsing a message
//! into fields ([`parse`]), encoding outbound messages ([`encode`]) and FIX timestamps
//! ([`time`]). Sans-I/O: bytes in, bytes out.

pub mod encode;
pub mod frame;
pub mod parse;
pub mod time;

/// The FIX field delimiter (SOH).
pub const SOH: u8 = 0x01;

/// The FIX checksum: the sum of the bytes modulo 256.
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |a, b| a.wrapping_add(*b))
}

/// Standard tags the session layer reads or writes.
pub mod tag {
    #![allow(missing_docs)]
    pub const BEGIN_SEQ_NO: i32 = 7;
    pub const BEGIN_STRING: i32 = 8;
    pub const BODY_LENGTH: i32 = 9;
    pub const CHECK_SUM: i32 = 10;
    pub const CL_ORD_ID: i32 = 11;
    pub const END_SEQ_NO: i32 = 16;
    pub const MSG_SEQ_NUM: i32 = 34;
    pub const MSG_TYPE: i32 = 35;
    pub const NEW_SEQ_NO: i32 = 36;
    pub const POSS_DUP_FLAG: i32 = 43;
    pub const REF_SEQ_NUM: i32 = 45;
    pub const SENDER_COMP_ID: i32 = 49;
    pub const SENDING_TIME: i32 = 52;
    pub const TARGET_COMP_ID: i32 = 56;
    pub const TEXT: i32 = 58;
    pub const POSS_RESEND: i32 = 97;
    pub const ENCRYPT_METHOD: i32 = 98;
    pub const HEART_BT_INT: i32 = 108;
    pub const TEST_REQ_ID: i32 = 112;
    pub const ON_BEHALF_OF_COMP_ID: i32 = 115;
    pub const ON_BEHALF_OF_SUB_ID: i32 = 116;
    pub const ORIG_SENDING_TIME: i32 = 122;
    pub const GAP_FILL_FLAG: i32 = 123;
    pub const DELIVER_TO_COMP_ID: i32 = 128;
    pub const DELIVER_TO_SUB_ID: i32 = 129;
    pub const RESET_SEQ_NUM_FLAG: i32 = 141;
    pub const ON_BEHALF_OF_LOCATION_ID: i32 = 144;
    pub const DELIVER_TO_LOCATION_ID: i32 = 145;
    pub const REF_TAG_ID: i32 = 371;
    pub const REF_MSG_TYPE: i32 = 372;
    pub const SESSION_REJECT_REASON: i32 = 373;
    pub const BUSINESS_REJECT_REASON: i32 = 380;
}
