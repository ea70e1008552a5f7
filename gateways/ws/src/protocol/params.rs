//! Parameters of each method: a borrowed struct of raw values, then one checked reader per field.
//!
//! Unknown parameter keys are ignored, as large venues tolerate extra fields (a client may send
//! fields a newer server version understands). A parameter given as `null` counts as absent.

use super::error::ErrorCode;
use super::field::{self, bad, required, Bad, Raw};
use super::method::{Logon, Method, Place, Tif};
use super::protection;
use crate::channel::Channel;
use serde::Deserialize;
use serde_json::value::RawValue;
use tradestream_model::{OrderType, SelfTradePrevention, Side};

/// Reads the parameters of a method as a struct of raw fields.
fn fields<'a, T: Deserialize<'a>>(params: Option<&'a RawValue>) -> Result<T, Bad> {
    let text = params.map_or("{}", |p| p.get());
    if !text.starts_with('{') {
        return Err(Bad {
            code: ErrorCode::InvalidParams,
            message: "params: expected an object".into(),
        });
    }
    // The frame was valid JSON, so the only failure left is a repeated key.
    serde_json::from_str(text).map_err(|e| Bad {
        code: ErrorCode::InvalidParams,
        message: format!("params: {e}"),
    })
}

#[derive(Deserialize)]
struct Empty {}

#[derive(Deserialize)]
struct LogonP<'a> {
    #[serde(borrow)]
    api_key: Raw<'a>,
    #[serde(borrow)]
    timestamp: Raw<'a>,
    #[serde(borrow)]
    nonce: Raw<'a>,
    #[serde(borrow)]
    signature: Raw<'a>,
    #[serde(borrow)]
    cancel_on_disconnect: Raw<'a>,
}

#[derive(Deserialize)]
struct PlaceP<'a> {
    #[serde(borrow)]
    symbol: Raw<'a>,
    #[serde(borrow)]
    side: Raw<'a>,
    #[serde(borrow, rename = "type")]
    order_type: Raw<'a>,
    #[serde(borrow)]
    price: Raw<'a>,
    #[serde(borrow)]
    qty: Raw<'a>,
    #[serde(borrow)]
    tif: Raw<'a>,
    #[serde(borrow)]
    expire_at: Raw<'a>,
    #[serde(borrow)]
    post_only: Raw<'a>,
    #[serde(borrow)]
    stp: Raw<'a>,
    #[serde(borrow)]
    client_order_id: Raw<'a>,
}

#[derive(Deserialize)]
struct OrderP<'a> {
    #[serde(borrow)]
    symbol: Raw<'a>,
    #[serde(borrow)]
    client_order_id: Raw<'a>,
    #[serde(borrow)]
    price: Raw<'a>,
    #[serde(borrow)]
    qty: Raw<'a>,
}

#[derive(Deserialize)]
struct SymbolP<'a> {
    #[serde(borrow)]
    symbol: Raw<'a>,
}

#[derive(Deserialize)]
struct ChannelsP<'a> {
    #[serde(borrow)]
    channels: Raw<'a>,
}

#[derive(Deserialize)]
struct KillSwitchP<'a> {
    #[serde(borrow)]
    account: Raw<'a>,
    #[serde(borrow)]
    on: Raw<'a>,
}

#[derive(Deserialize)]
struct FeesP<'a> {
    #[serde(borrow)]
    symbol: Raw<'a>,
    #[serde(borrow)]
    maker_fee_bps: Raw<'a>,
    #[serde(borrow)]
    taker_fee_bps: Raw<'a>,
}

/// The methods by wire name, for `unknown_method` messages.
pub(super) const METHODS: [&str; 16] = [
    "logon",
    "logout",
    "place",
    "cancel",
    "amend",
    "mass_cancel",
    "instruments",
    "ping",
    "subscribe",
    "unsubscribe",
    "admin.halt",
    "admin.resume",
    "admin.kill_switch",
    "admin.set_fees",
    "admin.set_protection",
    "admin.reset_protection",
];

/// The method `name` with its `params`; `Ok(None)` for an unknown method.
pub(super) fn method(name: &str, params: Raw<'_>) -> Result<Option<Method>, Bad> {
    Ok(Some(match name {
        "place" => Method::Place(place(fields(params)?)?),
        "cancel" => {
            let p: OrderP<'_> = fields(params)?;
            let (symbol, client_order_id) = order_ref(&p)?;
            Method::Cancel {
                symbol,
                client_order_id,
            }
        }
        "amend" => amend(fields(params)?)?,
        "mass_cancel" => {
            let p: SymbolP<'_> = fields(params)?;
            let symbol = p.symbol.map(|s| field::symbol(s, "symbol")).transpose()?;
            Method::MassCancel { symbol }
        }
        "logon" => Method::Logon(logon(fields(params)?)?),
        "logout" | "instruments" | "ping" => {
            let _: Empty = fields(params)?;
            match name {
                "logout" => Method::Logout,
                "instruments" => Method::Instruments,
                _ => Method::Ping,
            }
        }
        "subscribe" => Method::Subscribe(channels(fields(params)?)?),
        "unsubscribe" => Method::Unsubscribe(channels(fields(params)?)?),
        "admin.halt" | "admin.resume" => {
            let p: SymbolP<'_> = fields(params)?;
            let symbol = field::symbol(required(p.symbol, "symbol")?, "symbol")?;
            if name == "admin.halt" {
                Method::AdminHalt { symbol }
            } else {
                Method::AdminResume { symbol }
            }
        }
        "admin.kill_switch" => {
            let p: KillSwitchP<'_> = fields(params)?;
            let account = field::account(required(p.account, "account")?, "account")?;
            let on = field::boolean(required(p.on, "on")?, "on")?;
            Method::AdminKillSwitch { account, on }
        }
        "admin.set_fees" => {
            let p: FeesP<'_> = fields(params)?;
            Method::AdminSetFees {
                symbol: field::symbol(required(p.symbol, "symbol")?, "symbol")?,
                maker_fee_bps: field::fee_bps(
                    required(p.maker_fee_bps, "maker_fee_bps")?,
                    "maker_fee_bps",
                )?,
                taker_fee_bps: field::fee_bps(
                    required(p.taker_fee_bps, "taker_fee_bps")?,
                    "taker_fee_bps",
                )?,
            }
        }
        "admin.set_protection" => Method::AdminSetProtection(protection::set(fields(params)?)?),
        "admin.reset_protection" => protection::reset(fields(params)?)?,
        _ => return Ok(None),
    }))
}

const SIDES: [(&str, Side); 2] = [("buy", Side::Buy), ("sell", Side::Sell)];
const TYPES: [(&str, OrderType); 2] = [("limit", OrderType::Limit), ("market", OrderType::Market)];
const TIFS: [(&str, Tif); 4] = [
    ("gtc", Tif::Gtc),
    ("ioc", Tif::Ioc),
    ("fok", Tif::Fok),
    ("gtd", Tif::Gtd(0)),
];
const STPS: [(&str, SelfTradePrevention); 4] = [
    ("none", SelfTradePrevention::None),
    ("cancel_taker", SelfTradePrevention::CancelTaker),
    ("cancel_maker", SelfTradePrevention::CancelMaker),
    ("cancel_both", SelfTradePrevention::CancelBoth),
];

fn place(p: PlaceP<'_>) -> Result<Place, Bad> {
    let symbol = field::symbol(required(p.symbol, "symbol")?, "symbol")?;
    let side = field::choice(required(p.side, "side")?, "side", &SIDES)?;
    let order_type = match p.order_type {
        Some(t) => field::choice(t, "type", &TYPES)?,
        None => OrderType::Limit,
    };
    let price = p.price.map(|v| field::decimal(v, "price")).transpose()?;
    match (order_type, price) {
        (OrderType::Limit, None) => return Err(bad("price", "required for limit orders")),
        (OrderType::Market, Some(_)) => return Err(bad("price", "market orders take no price")),
        _ => {}
    }
    let qty = field::decimal(required(p.qty, "qty")?, "qty")?;
    let tif = match p.tif {
        Some(t) => field::choice(t, "tif", &TIFS)?,
        None => Tif::Gtc,
    };
    let expire_at = p
        .expire_at
        .map(|v| field::integer(v, "expire_at"))
        .transpose()?;
    let tif = match (tif, expire_at) {
        (Tif::Gtd(_), Some(t)) => Tif::Gtd(t),
        (Tif::Gtd(_), None) => return Err(bad("expire_at", "required with tif \"gtd\"")),
        (_, Some(_)) => return Err(bad("expire_at", "only allowed with tif \"gtd\"")),
        (tif, None) => tif,
    };
    let post_only = field::flag(p.post_only, "post_only")?;
    let stp = match p.stp {
        Some(s) => field::choice(s, "stp", &STPS)?,
        None => SelfTradePrevention::None,
    };
    let client_order_id = p
        .client_order_id
        .map(|c| field::client_order_id(c, "client_order_id"))
        .transpose()?;
    Ok(Place {
        symbol,
        side,
        order_type,
        price,
        qty,
        tif,
        post_only,
        stp,
        client_order_id,
    })
}

fn order_ref(p: &OrderP<'_>) -> Result<(String, tradestream_model::ClientOrderId), Bad> {
    let symbol = field::symbol(required(p.symbol, "symbol")?, "symbol")?;
    let raw = required(p.client_order_id, "client_order_id")?;
    Ok((symbol, field::client_order_id(raw, "client_order_id")?))
}

fn amend(p: OrderP<'_>) -> Result<Method, Bad> {
    let (symbol, client_order_id) = order_ref(&p)?;
    let price = p.price.map(|v| field::decimal(v, "price")).transpose()?;
    let qty = p.qty.map(|v| field::decimal(v, "qty")).transpose()?;
    if price.is_none() && qty.is_none() {
        return Err(Bad {
            code: ErrorCode::InvalidParams,
            message: "params.price, params.qty: amend needs a new price, a new qty, or both".into(),
        });
    }
    Ok(Method::Amend {
        symbol,
        client_order_id,
        price,
        qty,
    })
}

/// True for 8 to 64 characters of `[A-Za-z0-9_-]`.
pub(crate) fn valid_nonce(s: &str) -> bool {
    (8..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn logon(p: LogonP<'_>) -> Result<Logon, Bad> {
    let api_key = field::string(required(p.api_key, "api_key")?, "api_key")?;
    if api_key.is_empty() {
        return Err(bad("api_key", "must not be empty"));
    }
    let timestamp = field::integer(required(p.timestamp, "timestamp")?, "timestamp")?;
    let nonce = field::string(required(p.nonce, "nonce")?, "nonce")?;
    if !valid_nonce(&nonce) {
        return Err(bad(
            "nonce",
            "expected 8 to 64 characters of A-Z, a-z, 0-9, '_', '-'",
        ));
    }
    let signature = field::string(required(p.signature, "signature")?, "signature")?;
    if signature.is_empty() || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("signature", "expected hex digits"));
    }
    Ok(Logon {
        api_key: api_key.into_owned(),
        timestamp,
        nonce: nonce.into_owned(),
        signature: signature.into_owned(),
        cancel_on_disconnect: field::flag(p.cancel_on_disconnect, "cancel_on_disconnect")?,
    })
}

fn channels(p: ChannelsP<'_>) -> Result<Vec<Channel>, Bad> {
    let raw = required(p.channels, "channels")?;
    if !raw.get().starts_with('[') {
        return Err(bad("channels", "expected an array of channel names"));
    }
    let items: Vec<&RawValue> = serde_json::from_str(raw.get()).map_err(|e| {
        bad(
            "channels",
            format_args!("expected an array of channel names: {e}"),
        )
    })?;
    if items.is_empty() {
        return Err(bad("channels", "list at least one channel"));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let name = format!("channels[{i}]");
        let s =
            field::string(item, &name).map_err(|_| bad(&name, "expected a channel name string"))?;
        let ch = Channel::parse(&s).map_err(|e| Bad {
            code: ErrorCode::UnknownChannel,
            message: format!("params.{name}: {e}"),
        })?;
        out.push(ch);
    }
    Ok(out)
}
