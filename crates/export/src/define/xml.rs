//! The elements of define.xml, in the order the Define-XML 2.1 schema requires, written with
//! quick-xml (which escapes every attribute value and text).

use std::collections::BTreeMap;
use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{CT_VERSION, CodeList, DEFINE_VERSION, DataType, Standard, Table, ValueDef, data_type};
use crate::dataset::{Dataset, Origin, Variable};
use crate::source::StudyInfo;

const ODM_NS: &str = "http://www.cdisc.org/ns/odm/v1.3";
const DEF_NS: &str = "http://www.cdisc.org/ns/def/v2.1";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";

/// Text XML 1.0 can hold: characters it forbids (controls other than tab and line breaks)
/// become U+FFFD, so a stray control character in a title cannot make the file unreadable.
fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    let forbidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if text.chars().any(forbidden) {
        text.chars()
            .map(|c| if forbidden(c) { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// An indented XML writer of elements with attributes.
pub(super) struct Xml<W: Write>(Writer<W>);

impl<W: Write> Xml<W> {
    pub(super) fn new(out: W) -> Xml<W> {
        Xml(Writer::new_with_indent(out, b' ', 2))
    }

    fn start(name: &str, attributes: &[(&str, &str)]) -> BytesStart<'static> {
        let mut start = BytesStart::new(name.to_owned());
        for (key, value) in attributes {
            start.push_attribute((*key, clean(value).as_ref()));
        }
        start
    }

    fn open(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        self.0
            .write_event(Event::Start(Self::start(name, attributes)))
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.0.write_event(Event::End(BytesEnd::new(name)))
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        self.0
            .write_event(Event::Empty(Self::start(name, attributes)))
    }

    fn text(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) -> io::Result<()> {
        self.open(name, attributes)?;
        self.0
            .write_event(Event::Text(BytesText::new(clean(text).as_ref())))?;
        self.close(name)
    }

    /// `<Description><TranslatedText xml:lang="en">text</TranslatedText></Description>`.
    fn description(&mut self, text: &str) -> io::Result<()> {
        self.open("Description", &[])?;
        self.text("TranslatedText", &[("xml:lang", "en")], text)?;
        self.close("Description")
    }

    pub(super) fn finish(self) -> io::Result<()> {
        let mut out = self.0.into_inner();
        out.write_all(b"\n")?;
        out.flush()
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "Yes" } else { "No" }
}

fn method_oid(item_oid: &str) -> String {
    format!("MT.{}", item_oid.trim_start_matches("IT."))
}

fn leaf_oid(dataset: &Dataset) -> String {
    format!("LF.{}", dataset.name)
}

fn value_list_oid(dataset: &Dataset, variable: &str) -> String {
    format!("VL.{}.{variable}", dataset.name)
}

/// A value as part of an OID: spaces become underscores (`DISPOSITION_EVENT`).
fn oid_part(value: &str) -> String {
    value.replace(' ', "_")
}

fn where_oid(dataset: &Dataset, by: &str, when: &str) -> String {
    format!("WC.{}.{by}.{}", dataset.name, oid_part(when))
}

/// The item OID of a variable's values where its value list's selector equals `when`.
fn value_oid(dataset: &Dataset, variable: &str, when: &str) -> String {
    format!("IT.{}.{variable}.{}", dataset.name, oid_part(when))
}

/// The whole document: ODM, Study, MetaDataVersion and their children in schema order.
pub(super) fn document<W: Write>(
    doc: &mut Xml<W>,
    study: &StudyInfo,
    standards: &[Standard],
    codelists: &BTreeMap<String, CodeList>,
    created: &str,
    version: &str,
) -> io::Result<()> {
    doc.0
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let file_oid = format!("DEFINE.{}.{created}", study.code);
    // A Define-XML file is an ODM snapshot whose def:Context says what it is for.
    doc.open(
        "ODM",
        &[
            ("xmlns", ODM_NS),
            ("xmlns:def", DEF_NS),
            ("xmlns:xlink", XLINK_NS),
            ("ODMVersion", "1.3.2"),
            ("FileType", "Snapshot"),
            ("FileOID", &file_oid),
            ("CreationDateTime", created),
            ("Originator", "cletrial"),
            ("SourceSystem", "cletrial"),
            ("SourceSystemVersion", version),
            ("def:Context", "Submission"),
        ],
    )?;
    doc.open("Study", &[("OID", &format!("ST.{}", study.code))])?;
    doc.open("GlobalVariables", &[])?;
    doc.text("StudyName", &[], &study.code)?;
    doc.text("StudyDescription", &[], &study.title)?;
    doc.text("ProtocolName", &[], &study.code)?;
    doc.close("GlobalVariables")?;
    doc.open(
        "MetaDataVersion",
        &[
            ("OID", &study.define_metadata_version_oid()),
            ("Name", &format!("{} submission datasets", study.code)),
            (
                "Description",
                &format!(
                    "Data definitions of the submission datasets of {}, protocol version {}",
                    study.code, study.protocol_version
                ),
            ),
            ("def:DefineVersion", DEFINE_VERSION),
        ],
    )?;
    standards_element(doc, standards, codelists)?;
    for standard in standards {
        for table in &standard.tables {
            value_lists(doc, table)?;
        }
    }
    let mut wheres = std::collections::BTreeSet::new();
    for standard in standards {
        for table in &standard.tables {
            where_clauses(doc, table, &mut wheres)?;
        }
    }
    for standard in standards {
        for table in &standard.tables {
            item_group(doc, standard, table)?;
        }
    }
    for standard in standards {
        for table in &standard.tables {
            item_defs(doc, table)?;
        }
    }
    for list in codelists.values() {
        codelist(doc, list)?;
    }
    for standard in standards {
        for table in &standard.tables {
            methods(doc, table)?;
        }
    }
    doc.close("MetaDataVersion")?;
    doc.close("Study")?;
    doc.close("ODM")
}

/// `def:Standards`: each implementation guide used, and the CDISC terminology
/// when a codelist comes from it.
fn standards_element<W: Write>(
    doc: &mut Xml<W>,
    standards: &[Standard],
    codelists: &BTreeMap<String, CodeList>,
) -> io::Result<()> {
    doc.open("def:Standards", &[])?;
    let mut models: Vec<_> = standards.iter().map(|s| s.model).collect();
    models.dedup();
    for model in models {
        doc.empty(
            "def:Standard",
            &[
                ("OID", &model.oid()),
                ("Name", model.name()),
                ("Type", "IG"),
                ("Version", model.version()),
                ("Status", "Final"),
            ],
        )?;
    }
    if codelists.values().any(|list| list.nci.is_some()) {
        doc.empty(
            "def:Standard",
            &[
                ("OID", &ct_oid()),
                ("Name", "CDISC/NCI"),
                ("Type", "CT"),
                ("PublishingSet", "SDTM"),
                ("Version", CT_VERSION),
                ("Status", "Final"),
            ],
        )?;
    }
    doc.close("def:Standards")
}

fn ct_oid() -> String {
    format!("STD.CT.SDTM.{CT_VERSION}")
}

/// `def:ValueListDef`: one item per value of the selector, each with its where
/// clause.
fn value_lists<W: Write>(doc: &mut Xml<W>, table: &Table) -> io::Result<()> {
    let dataset = &table.dataset;
    for list in &table.value_lists {
        doc.open(
            "def:ValueListDef",
            &[("OID", &value_list_oid(dataset, &list.variable))],
        )?;
        for (order, value) in list.values.iter().enumerate() {
            let oid = value_oid(dataset, &list.variable, &value.when);
            let order = (order + 1).to_string();
            let method = method_oid(&oid);
            let mut attributes = vec![
                ("ItemOID", oid.as_str()),
                ("OrderNumber", order.as_str()),
                ("Mandatory", "No"),
            ];
            if matches!(value.origin, Origin::Derived(_)) {
                attributes.push(("MethodOID", &method));
            }
            doc.open("ItemRef", &attributes)?;
            doc.empty(
                "def:WhereClauseRef",
                &[("WhereClauseOID", &where_oid(dataset, &list.by, &value.when))],
            )?;
            doc.close("ItemRef")?;
        }
        doc.close("def:ValueListDef")?;
    }
    Ok(())
}

/// `def:WhereClauseDef`: the selector equals the value; one per selector value
/// however many variables it selects.
fn where_clauses<W: Write>(
    doc: &mut Xml<W>,
    table: &Table,
    written: &mut std::collections::BTreeSet<String>,
) -> io::Result<()> {
    let dataset = &table.dataset;
    for list in &table.value_lists {
        let by = dataset
            .variables
            .iter()
            .find(|v| v.name == list.by)
            .map(|v| dataset.item_oid(v))
            .unwrap_or_default();
        for value in &list.values {
            let oid = where_oid(dataset, &list.by, &value.when);
            if !written.insert(oid.clone()) {
                continue;
            }
            doc.open("def:WhereClauseDef", &[("OID", &oid)])?;
            doc.open(
                "RangeCheck",
                &[
                    ("Comparator", "EQ"),
                    ("SoftHard", "Soft"),
                    ("def:ItemOID", &by),
                ],
            )?;
            doc.text("CheckValue", &[], &value.when)?;
            doc.close("RangeCheck")?;
            doc.close("def:WhereClauseDef")?;
        }
    }
    Ok(())
}

/// `ItemGroupDef`: the dataset, its variables in order with key sequence,
/// mandatory flag and method, its class and its file.
fn item_group<W: Write>(doc: &mut Xml<W>, standard: &Standard, table: &Table) -> io::Result<()> {
    let dataset = &table.dataset;
    // One record per subject exactly when the subject identifies a record.
    let repeating = dataset.keys.len() != 2 || dataset.keys[1] != "USUBJID";
    let leaf = leaf_oid(dataset);
    let standard_oid = standard.model.oid();
    let mut attributes = vec![
        ("OID", dataset.oid()),
        ("Name", dataset.name.clone()),
        ("SASDatasetName", dataset.name.clone()),
        ("Repeating", yes_no(repeating).to_owned()),
        ("IsReferenceData", "No".to_owned()),
        ("Purpose", standard.model.purpose().to_owned()),
        ("def:Structure", table.structure.clone()),
        ("def:StandardOID", standard_oid),
        ("def:ArchiveLocationID", leaf.clone()),
    ];
    if standard.model == super::Model::Sdtmig {
        attributes.insert(1, ("Domain", dataset.name.clone()));
    }
    let attributes: Vec<(&str, &str)> = attributes.iter().map(|(k, v)| (*k, v.as_str())).collect();
    doc.open("ItemGroupDef", &attributes)?;
    doc.description(&dataset.label)?;
    for (order, variable) in dataset.variables.iter().enumerate() {
        let oid = dataset.item_oid(variable);
        let order = (order + 1).to_string();
        let mandatory = table.mandatory.contains(&variable.name);
        let key = dataset
            .key_sequence(&variable.name)
            .map(|sequence| sequence.to_string());
        let method = method_oid(&oid);
        let mut attributes = vec![
            ("ItemOID", oid.as_str()),
            ("OrderNumber", order.as_str()),
            ("Mandatory", yes_no(mandatory)),
        ];
        if let Some(key) = &key {
            attributes.push(("KeySequence", key));
        }
        if let Some(role) = table.roles.get(&variable.name) {
            attributes.push(("Role", role));
        }
        if matches!(variable.origin, Origin::Derived(_)) {
            attributes.push(("MethodOID", &method));
        }
        doc.empty("ItemRef", &attributes)?;
    }
    doc.open("def:Class", &[("Name", table.class.name())])?;
    if let Some(subclass) = table.subclass {
        doc.empty("def:SubClass", &[("Name", subclass.name())])?;
    }
    doc.close("def:Class")?;
    doc.open("def:leaf", &[("ID", &leaf), ("xlink:href", &table.file)])?;
    doc.text("def:title", &[], &table.file)?;
    doc.close("def:leaf")?;
    doc.close("ItemGroupDef")
}

/// `ItemDef`: every variable of the table, then the items of its value lists.
fn item_defs<W: Write>(doc: &mut Xml<W>, table: &Table) -> io::Result<()> {
    let dataset = &table.dataset;
    for variable in &dataset.variables {
        let oid = dataset.item_oid(variable);
        let value_list = table
            .value_lists
            .iter()
            .any(|list| list.variable == variable.name)
            .then(|| value_list_oid(dataset, &variable.name));
        item_def(
            doc,
            &Item {
                oid: &oid,
                variable,
                label: &variable.label,
                data_type: data_type(variable),
                origin: &variable.origin,
                codelist: table.codelists.get(&variable.name),
                value_list: value_list.as_deref(),
                display_format: variable.display_format.map(|format| format.text()),
            },
        )?;
    }
    for list in &table.value_lists {
        let Some(variable) = dataset.variables.iter().find(|v| v.name == list.variable) else {
            continue;
        };
        for value in &list.values {
            let ValueDef {
                when,
                label,
                data_type,
                origin,
                codelist,
            } = value;
            let oid = value_oid(dataset, &list.variable, when);
            item_def(
                doc,
                &Item {
                    oid: &oid,
                    variable,
                    label,
                    data_type: *data_type,
                    origin,
                    codelist: codelist.as_ref(),
                    value_list: None,
                    display_format: None,
                },
            )?;
        }
    }
    Ok(())
}

/// What one `ItemDef` says: a variable, or its values where a value list selects them.
struct Item<'a> {
    oid: &'a str,
    variable: &'a Variable,
    label: &'a str,
    data_type: DataType,
    origin: &'a Origin,
    codelist: Option<&'a CodeList>,
    value_list: Option<&'a str>,
    /// `def:DisplayFormat`: a SAS date's DATE9.
    display_format: Option<&'static str>,
}

fn item_def<W: Write>(doc: &mut Xml<W>, item: &Item) -> io::Result<()> {
    let Item {
        oid,
        variable,
        label,
        data_type,
        origin,
        codelist,
        value_list,
        display_format,
    } = *item;
    // Length is the longest value a text holds; for numbers, the 8 bytes of a
    // SAS numeric in the transport file. A date has no length.
    let (ty, length) = match data_type {
        DataType::Text(length) => ("text", Some(length.to_string())),
        DataType::Integer => ("integer", Some("8".to_owned())),
        DataType::Float => ("float", Some("8".to_owned())),
        DataType::Date => ("date", None),
    };
    let mut attributes = vec![
        ("OID", oid),
        ("Name", variable.name.as_str()),
        ("SASFieldName", variable.name.as_str()),
        ("DataType", ty),
    ];
    if let Some(length) = &length {
        attributes.push(("Length", length));
    }
    if let Some(format) = display_format {
        attributes.push(("def:DisplayFormat", format));
    }
    doc.open("ItemDef", &attributes)?;
    doc.description(label)?;
    if let Some(list) = codelist {
        doc.empty("CodeListRef", &[("CodeListOID", &list.oid)])?;
    }
    origin_element(doc, origin)?;
    if let Some(list) = value_list {
        doc.empty("def:ValueListRef", &[("ValueListOID", list)])?;
    }
    doc.close("ItemDef")
}

/// `def:Origin` of a variable's `dataset::Origin`: a collected value comes from
/// the investigator, an assigned one from the sponsor; a predecessor names its source variable.
fn origin_element<W: Write>(doc: &mut Xml<W>, origin: &Origin) -> io::Result<()> {
    match origin {
        Origin::Collected => doc.empty(
            "def:Origin",
            &[("Type", "Collected"), ("Source", "Investigator")],
        ),
        Origin::Assigned => doc.empty("def:Origin", &[("Type", "Assigned"), ("Source", "Sponsor")]),
        Origin::Derived(_) => doc.empty("def:Origin", &[("Type", "Derived")]),
        Origin::Protocol => doc.empty("def:Origin", &[("Type", "Protocol")]),
        Origin::Predecessor(source) => {
            doc.open("def:Origin", &[("Type", "Predecessor")])?;
            doc.description(source)?;
            doc.close("def:Origin")
        }
    }
}

/// `CodeList`: enumerated values, or coded values with their decode; a CDISC
/// codelist and each of its terms carry their NCI code as an `nci:ExtCodeID` alias.
fn codelist<W: Write>(doc: &mut Xml<W>, list: &CodeList) -> io::Result<()> {
    let ct = ct_oid();
    let mut attributes = vec![
        ("OID", list.oid.as_str()),
        ("Name", list.name.as_str()),
        ("DataType", "text"),
    ];
    if list.nci.is_some() {
        attributes.push(("def:StandardOID", &ct));
    }
    doc.open("CodeList", &attributes)?;
    let decoded = list.terms.iter().any(|term| term.decode.is_some());
    for (order, term) in list.terms.iter().enumerate() {
        let order = (order + 1).to_string();
        let mut attributes = vec![
            ("CodedValue", term.value.as_str()),
            ("OrderNumber", order.as_str()),
        ];
        if list.nci.is_some() && term.nci.is_none() {
            attributes.push(("def:ExtendedValue", "Yes"));
        }
        let element = if decoded {
            "CodeListItem"
        } else {
            "EnumeratedItem"
        };
        doc.open(element, &attributes)?;
        if decoded {
            doc.open("Decode", &[])?;
            doc.text(
                "TranslatedText",
                &[("xml:lang", "en")],
                term.decode.as_deref().unwrap_or(&term.value),
            )?;
            doc.close("Decode")?;
        }
        if let Some(code) = &term.nci {
            doc.empty("Alias", &[("Context", "nci:ExtCodeID"), ("Name", code)])?;
        }
        doc.close(element)?;
    }
    if let Some(code) = list.nci {
        doc.empty("Alias", &[("Context", "nci:ExtCodeID"), ("Name", code)])?;
    }
    doc.close("CodeList")
}

/// `MethodDef`: one computation per derived variable and per derived value.
fn methods<W: Write>(doc: &mut Xml<W>, table: &Table) -> io::Result<()> {
    let dataset = &table.dataset;
    let derived = |oid: String, origin: &Origin, name: String| match origin {
        Origin::Derived(how) => Some((method_oid(&oid), name, how.clone())),
        _ => None,
    };
    let variables = dataset.variables.iter().filter_map(|variable| {
        derived(
            dataset.item_oid(variable),
            &variable.origin,
            format!("Derivation of {}.{}", dataset.name, variable.name),
        )
    });
    let values = table.value_lists.iter().flat_map(|list| {
        list.values.iter().filter_map(move |value| {
            derived(
                value_oid(dataset, &list.variable, &value.when),
                &value.origin,
                format!(
                    "Derivation of {}.{} where {} is {}",
                    dataset.name, list.variable, list.by, value.when
                ),
            )
        })
    });
    for (oid, name, how) in variables.chain(values) {
        doc.open(
            "MethodDef",
            &[("OID", &oid), ("Name", &name), ("Type", "Computation")],
        )?;
        doc.description(&how)?;
        doc.close("MethodDef")?;
    }
    Ok(())
}
