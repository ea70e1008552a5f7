//! Loading QuickFIX's XML dictionary format, expanding components into the messages and
//! groups that use them. A field is required when it and every component around it are.

use super::{DictError, Dictionary, FieldDef, FieldType, MessageDef, Section};
use roxmltree::{Document, Node};
use rustc_hash::{FxHashMap, FxHashSet};

struct Loader<'a, 'i> {
    by_name: FxHashMap<String, i32>,
    components: FxHashMap<&'a str, Node<'a, 'i>>,
}

fn invalid(s: impl Into<String>) -> DictError {
    DictError::Invalid(s.into())
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name(name))
}

pub(super) fn load(xml: &str) -> Result<Dictionary, DictError> {
    let doc = Document::parse(xml)?;
    let root = doc.root_element();
    let begin_string = format!(
        "{}.{}.{}",
        root.attribute("type").unwrap_or("FIX"),
        root.attribute("major").unwrap_or("4"),
        root.attribute("minor").unwrap_or("4")
    );
    let mut fields = FxHashMap::default();
    let mut by_name = FxHashMap::default();
    for f in child(root, "fields")
        .ok_or_else(|| invalid("no <fields>"))?
        .children()
        .filter(|n| n.has_tag_name("field"))
    {
        let number: i32 = f
            .attribute("number")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| invalid("a field without a number"))?;
        let name = f.attribute("name").unwrap_or_default().to_string();
        let values: FxHashSet<Vec<u8>> = f
            .children()
            .filter(|n| n.has_tag_name("value"))
            .filter_map(|v| v.attribute("enum").map(|e| e.as_bytes().to_vec()))
            .collect();
        by_name.insert(name.clone(), number);
        fields.insert(
            number,
            FieldDef {
                name,
                ty: FieldType::from_name(f.attribute("type").unwrap_or("STRING")),
                values: (!values.is_empty()).then_some(values),
            },
        );
    }
    let mut loader = Loader {
        by_name,
        components: FxHashMap::default(),
    };
    if let Some(comps) = child(root, "components") {
        for c in comps.children().filter(|n| n.has_tag_name("component")) {
            loader
                .components
                .insert(c.attribute("name").unwrap_or_default(), c);
        }
    }
    let mut header = Section::default();
    let mut trailer = Section::default();
    for (section, name) in [(&mut header, "header"), (&mut trailer, "trailer")] {
        let node = child(root, name).ok_or_else(|| invalid(format!("no <{name}>")))?;
        loader.add_items(node, section, true)?;
        section.required.sort_unstable();
    }
    let mut messages = FxHashMap::default();
    for m in child(root, "messages")
        .ok_or_else(|| invalid("no <messages>"))?
        .children()
        .filter(|n| n.has_tag_name("message"))
    {
        let mut section = Section::default();
        loader.add_items(m, &mut section, true)?;
        section.required.sort_unstable();
        let msg_type = m
            .attribute("msgtype")
            .ok_or_else(|| invalid("a message without msgtype"))?;
        messages.insert(
            msg_type.as_bytes().to_vec(),
            MessageDef {
                name: m.attribute("name").unwrap_or_default().to_string(),
                admin: m.attribute("msgcat") == Some("admin"),
                section,
            },
        );
    }
    Ok(Dictionary {
        begin_string,
        fields,
        by_name: loader.by_name,
        header,
        trailer,
        messages,
    })
}

impl<'a, 'i> Loader<'a, 'i> {
    fn tag(&self, name: &str) -> Result<i32, DictError> {
        self.by_name
            .get(name)
            .copied()
            .ok_or_else(|| invalid(format!("unknown field {name}")))
    }

    fn add_items(
        &self,
        node: Node<'a, 'i>,
        section: &mut Section,
        required: bool,
    ) -> Result<(), DictError> {
        for item in node.children().filter(|n| n.is_element()) {
            let name = item.attribute("name").unwrap_or_default();
            let req = required && item.attribute("required") == Some("Y");
            match item.tag_name().name() {
                "field" => {
                    let tag = self.tag(name)?;
                    self.add_field(section, tag, req);
                }
                "group" => {
                    let tag = self.tag(name)?;
                    self.add_field(section, tag, req);
                    let mut group = Section::default();
                    self.add_items(item, &mut group, true)?;
                    group.required.sort_unstable();
                    group.delim = *group
                        .order
                        .first()
                        .ok_or_else(|| invalid(format!("empty group {name}")))?;
                    section.groups.insert(tag, group);
                }
                "component" => {
                    let comp = *self
                        .components
                        .get(name)
                        .ok_or_else(|| invalid(format!("unknown component {name}")))?;
                    self.add_items(comp, section, req)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn add_field(&self, section: &mut Section, tag: i32, required: bool) {
        if section.fields.insert(tag) {
            section.order.push(tag);
        }
        if required && !section.required.contains(&tag) {
            section.required.push(tag);
        }
    }
}
