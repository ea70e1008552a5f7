//! The FIX data dictionary (QuickFIX's XML format): fields with their types and enumerations,
//! the header, the trailer, every message with its fields, required fields and repeating
//! groups (components expanded). Loaded once at start-up; the FIX 4.4 dictionary is embedded.

mod load;
mod types;

pub use types::FieldType;

use rustc_hash::{FxHashMap, FxHashSet};

/// QuickFIX's FIX 4.4 data dictionary, embedded.
pub const FIX44_XML: &str = include_str!("../../spec/FIX44.xml");

/// One field definition.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// Its name (e.g. `ClOrdID`).
    pub name: String,
    /// Its type.
    pub ty: FieldType,
    /// The allowed values, when the dictionary enumerates them.
    pub values: Option<FxHashSet<Vec<u8>>>,
}

/// The fields of a message, the header, the trailer or a repeating group.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// Every field tag that may appear at this level (group count tags included).
    pub fields: FxHashSet<i32>,
    /// The fields in dictionary order (the order of a group's fields).
    pub order: Vec<i32>,
    /// Required tags, ascending.
    pub required: Vec<i32>,
    /// Repeating groups at this level, by count tag.
    pub groups: FxHashMap<i32, Section>,
    /// For a group: its delimiter (first field).
    pub delim: i32,
}

/// One message definition.
#[derive(Debug, Clone)]
pub struct MessageDef {
    /// Its name (e.g. `NewOrderSingle`).
    pub name: String,
    /// True for session-level messages.
    pub admin: bool,
    /// Its fields, required fields and groups.
    pub section: Section,
}

/// A loaded data dictionary.
#[derive(Debug, Clone)]
pub struct Dictionary {
    /// `FIX.4.4` etc.
    pub begin_string: String,
    fields: FxHashMap<i32, FieldDef>,
    by_name: FxHashMap<String, i32>,
    /// Header fields.
    pub header: Section,
    /// Trailer fields.
    pub trailer: Section,
    messages: FxHashMap<Vec<u8>, MessageDef>,
}

/// Why a dictionary could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DictError {
    /// Not well-formed XML.
    #[error("data dictionary: {0}")]
    Xml(#[from] roxmltree::Error),
    /// Well-formed, but not a dictionary QuickFIX would load.
    #[error("data dictionary: {0}")]
    Invalid(String),
}

impl Dictionary {
    /// The embedded FIX 4.4 dictionary.
    pub fn fix44() -> Dictionary {
        Dictionary::from_xml(FIX44_XML).expect("the embedded FIX 4.4 dictionary loads")
    }

    /// Loads a dictionary in QuickFIX's XML format.
    pub fn from_xml(xml: &str) -> Result<Dictionary, DictError> {
        load::load(xml)
    }

    /// A field's definition.
    pub fn field(&self, tag: i32) -> Option<&FieldDef> {
        self.fields.get(&tag)
    }

    /// A field's tag by name.
    pub fn tag(&self, name: &str) -> Option<i32> {
        self.by_name.get(name).copied()
    }

    /// A message's definition by MsgType.
    pub fn message(&self, msg_type: &[u8]) -> Option<&MessageDef> {
        self.messages.get(msg_type)
    }

    /// True for header fields.
    pub fn is_header(&self, tag: i32) -> bool {
        self.header.fields.contains(&tag)
    }

    /// True for trailer fields.
    pub fn is_trailer(&self, tag: i32) -> bool {
        self.trailer.fields.contains(&tag)
    }
}

impl crate::codec::parse::DataFields for Dictionary {
    fn is_data(&self, tag: i32) -> bool {
        self.field(tag).is_some_and(|f| f.ty == FieldType::Data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fix44_dictionary_loads() {
        let d = Dictionary::fix44();
        assert_eq!(d.begin_string, "FIX.4.4");
        let nos = d.message(b"D").unwrap();
        assert_eq!(nos.name, "NewOrderSingle");
        assert!(nos.section.required.contains(&11));
        assert!(nos.section.fields.contains(&55), "Instrument is expanded");
        let sessions = &nos.section.groups[&386];
        assert_eq!(sessions.delim, 336);
        assert!(d.is_header(34) && d.is_trailer(10) && !d.is_header(11));
        assert_eq!(d.field(40).unwrap().ty, FieldType::Char);
        assert!(d
            .field(21)
            .unwrap()
            .values
            .as_ref()
            .unwrap()
            .contains(&b"1"[..]));
        assert_eq!(d.header.required, vec![8, 9, 34, 35, 49, 52, 56]);
        assert!(d.message(b"0").unwrap().admin);
    }
}
