//! Validation of an inbound message against the data dictionary, in QuickFIX's order: field
//! order (header, body, trailer), MsgType, required fields (header, trailer, body, each group
//! entry; lowest tag first), then every field in ascending tag order (repeated tag, empty
//! value, format, enumeration, unknown tag, tag not in this message, group count), header and
//! trailer before the body. The first problem found is the one reported, with the session
//! reject reason and text a QuickFIX acceptor sends.

use crate::codec::parse::Message;
use crate::dict::{Dictionary, FieldType, Section};

/// What is wrong with a message, and the tag it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// A tag the dictionary does not define (371 = the tag).
    InvalidTag(i32),
    /// A required tag is missing.
    RequiredMissing(i32),
    /// A defined tag that this message type does not have.
    TagNotDefined(i32),
    /// `tag=` with no value.
    NoValue(i32),
    /// A value outside the tag's enumeration.
    BadValue(i32),
    /// A value in the wrong format for its type.
    BadFormat(i32),
    /// A tag outside a repeating group appears twice.
    Repeated(i32),
    /// A header tag after the body, or a body tag after the trailer.
    OutOfOrder(i32),
    /// A NumInGroup count that does not match the entries.
    GroupCount(i32),
    /// A MsgType the dictionary does not define.
    InvalidMsgType,
}

impl Invalid {
    /// The SessionRejectReason (373) and the RefTagID (371), if any.
    pub fn reason(self) -> (u32, Option<i32>) {
        match self {
            Invalid::InvalidTag(t) => (0, Some(t)),
            Invalid::RequiredMissing(t) => (1, Some(t)),
            Invalid::TagNotDefined(t) => (2, Some(t)),
            Invalid::NoValue(t) => (4, Some(t)),
            Invalid::BadValue(t) => (5, Some(t)),
            Invalid::BadFormat(t) => (6, Some(t)),
            Invalid::Repeated(t) => (13, Some(t)),
            Invalid::OutOfOrder(t) => (14, Some(t)),
            Invalid::GroupCount(t) => (16, Some(t)),
            Invalid::InvalidMsgType => (11, None),
        }
    }
}

/// QuickFIX's text for a SessionRejectReason.
pub fn reject_text(reason: u32) -> Option<&'static str> {
    Some(match reason {
        0 => "Invalid tag number",
        1 => "Required tag missing",
        2 => "Tag not defined for this message type",
        3 => "Undefined Tag",
        4 => "Tag specified without a value",
        5 => "Value is incorrect (out of range) for this tag",
        6 => "Incorrect data format for value",
        7 => "Decryption problem",
        8 => "Signature problem",
        9 => "CompID problem",
        10 => "SendingTime accuracy problem",
        11 => "Invalid MsgType",
        13 => "Tag appears more than once",
        14 => "Tag specified out of required order",
        15 => "Repeating group fields out of order",
        16 => "Incorrect NumInGroup count for repeating group",
        17 => "Non Data Value includes Field Delimiter",
        99 => "Other",
        _ => return None,
    })
}

/// Fields at one level: indexes into the message's fields, and groups by count tag.
#[derive(Debug, Default, Clone)]
pub struct Level {
    /// Field indexes, in the order received.
    pub fields: Vec<usize>,
    /// Repeating groups: the count tag and the entries.
    pub groups: Vec<(i32, Vec<Level>)>,
}

/// A message split into header, body and trailer, with repeating groups resolved.
#[derive(Debug, Default, Clone)]
pub struct Tree {
    /// Header fields.
    pub header: Level,
    /// Body fields.
    pub body: Level,
    /// Trailer fields.
    pub trailer: Level,
    /// The first field out of place (header after body or body after trailer).
    pub out_of_order: Option<i32>,
}

/// Splits `msg` by the dictionary (QuickFIX's `Message::setString`).
pub fn tree(msg: &Message, dict: &Dictionary) -> Tree {
    #[derive(PartialEq)]
    enum Part {
        Header,
        Body,
        Trailer,
    }
    let fields = msg.fields();
    let body_def = dict.message(msg.msg_type()).map(|m| &m.section);
    let mut t = Tree::default();
    let mut part = Part::Header;
    let mut i = 0;
    while i < fields.len() {
        let tag = fields[i].tag;
        let mut misplaced = false;
        let (level, def) = if dict.is_header(tag) {
            misplaced = part != Part::Header;
            (&mut t.header, Some(&dict.header))
        } else if dict.is_trailer(tag) {
            part = Part::Trailer;
            (&mut t.trailer, Some(&dict.trailer))
        } else {
            misplaced = part == Part::Trailer;
            part = Part::Body;
            (&mut t.body, body_def)
        };
        if misplaced && t.out_of_order.is_none() {
            t.out_of_order = Some(tag);
        }
        level.fields.push(i);
        i += 1;
        if let Some(group) = def.and_then(|d| d.groups.get(&tag)) {
            parse_group(fields, &mut i, tag, group, level);
        }
    }
    t
}

fn parse_group(
    fields: &[crate::codec::parse::Field],
    i: &mut usize,
    count_tag: i32,
    def: &Section,
    level: &mut Level,
) {
    let mut entries: Vec<Level> = Vec::new();
    let mut current: Option<Level> = None;
    while *i < fields.len() {
        let tag = fields[*i].tag;
        let member = def.fields.contains(&tag);
        let seen = current
            .as_ref()
            .is_some_and(|c| c.fields.iter().any(|f| fields[*f].tag == tag));
        if tag == def.delim || (member && (current.is_none() || seen)) {
            entries.extend(current.take());
            current = Some(Level::default());
        } else if !member {
            break;
        }
        let Some(cur) = current.as_mut() else { break };
        cur.fields.push(*i);
        *i += 1;
        if let Some(sub) = def.groups.get(&tag) {
            parse_group(fields, i, tag, sub, cur);
        }
    }
    entries.extend(current);
    level.groups.push((count_tag, entries));
}

/// Validates `msg` (already split into `tree`) against `dict`.
pub fn validate(msg: &Message, tree: &Tree, dict: &Dictionary) -> Result<(), Invalid> {
    if let Some(tag) = tree.out_of_order {
        return Err(Invalid::OutOfOrder(tag));
    }
    let def = dict
        .message(msg.msg_type())
        .ok_or(Invalid::InvalidMsgType)?;
    let v = Validator { msg, dict };
    v.required(&tree.header, &dict.header)?;
    v.required(&tree.trailer, &dict.trailer)?;
    v.required(&tree.body, &def.section)?;
    v.iterate(&tree.header, &dict.header, false)?;
    v.iterate(&tree.trailer, &dict.trailer, false)?;
    v.iterate(&tree.body, &def.section, true)
}

struct Validator<'a> {
    msg: &'a Message,
    dict: &'a Dictionary,
}

impl Validator<'_> {
    fn tag(&self, i: usize) -> i32 {
        self.msg.fields()[i].tag
    }

    fn required(&self, level: &Level, def: &Section) -> Result<(), Invalid> {
        for req in &def.required {
            if !level.fields.iter().any(|i| self.tag(*i) == *req) {
                return Err(Invalid::RequiredMissing(*req));
            }
        }
        for (count_tag, entries) in &level.groups {
            if let Some(g) = def.groups.get(count_tag) {
                for e in entries {
                    self.required(e, g)?;
                }
            }
        }
        Ok(())
    }

    fn iterate(&self, level: &Level, def: &Section, body: bool) -> Result<(), Invalid> {
        let mut idx = level.fields.clone();
        idx.sort_by_key(|i| self.tag(*i));
        let mut last = None;
        for i in idx {
            let field = &self.msg.fields()[i];
            let tag = field.tag;
            if last == Some(tag) {
                return Err(Invalid::Repeated(tag));
            }
            let value = self.msg.value(field);
            if value.is_empty() {
                return Err(Invalid::NoValue(tag));
            }
            let Some(fdef) = self.dict.field(tag) else {
                return Err(Invalid::InvalidTag(tag));
            };
            if !fdef.ty.accepts(value) {
                return Err(Invalid::BadFormat(tag));
            }
            if let Some(values) = &fdef.values {
                let ok = if fdef.ty == FieldType::MultipleValue {
                    value
                        .split(|b| *b == b' ')
                        .filter(|v| !v.is_empty())
                        .all(|v| values.contains(v))
                } else {
                    values.contains(value)
                };
                if !ok {
                    return Err(Invalid::BadValue(tag));
                }
            }
            if body && !self.dict.is_header(tag) && !self.dict.is_trailer(tag) {
                if !def.fields.contains(&tag) {
                    return Err(Invalid::TagNotDefined(tag));
                }
                if def.groups.contains_key(&tag) {
                    let count = crate::codec::parse::parse_u64(value);
                    let entries = level
                        .groups
                        .iter()
                        .find(|(t, _)| *t == tag)
                        .map_or(0, |(_, e)| e.len());
                    if count != Some(entries as u64) {
                        return Err(Invalid::GroupCount(tag));
                    }
                }
            }
            last = Some(tag);
        }
        for (count_tag, entries) in &level.groups {
            if let Some(g) = def.groups.get(count_tag) {
                for e in entries {
                    self.iterate(e, g, true)?;
                }
            }
        }
        Ok(())
    }
}
