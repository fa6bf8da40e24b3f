//! CDISC ODM 1.3.2 XML: the study's metadata, its users, sites and signature meanings, and every
//! subject's data as the audit trail wrote it.
//!
//! The file is `FileType="Transactional"` with `Archival="Yes"` (ODM 1.3.2 section 2.5: an archive
//! holds the complete history, so each change is a transaction carrying its own AuditRecord).
//! Each run of audit events that one command wrote about one record becomes one `SubjectData`
//! transaction: the record's form inside `StudyEventData` `SE.VISIT` (repeat key: the visit's id)
//! when it was taken at a visit, else `SE.COURSE`; the record is an `ItemGroupData` whose repeat
//! key is its id; each field event is an `ItemData` with `TransactionType` Insert or Update and an
//! `AuditRecord` (user, site, UTC time, reason, and the event's sequence number and hash as
//! `SourceID`). A withdrawn record is an `ItemGroupData` with `TransactionType="Remove"`. A visit
//! signature adds an ODM `Signature` (signer, meaning, time) to its visit's `StudyEventData`.
//! Not done, not applicable and unknown are `IsNull="Yes"` with an `Annotation` `Flag` from the
//! code list `CL.MISSING`. Study-wide changes (users, sites, grants) are in the audit CSV.

use std::borrow::Cow;
use std::io::Write;

use crate::ExportError;
use crate::dataset::Missing;
use crate::source::{
    AuditEvent, Casebook, FieldType, FormDef, Forms, Recorded, SUBJECT_REF, StudyInfo, VISIT_REF,
};

/// Text safe inside an XML attribute or element: markup characters escaped, characters XML 1.0
/// forbids replaced by U+FFFD.
pub fn escape(text: &str) -> Cow<'_, str> {
    let forbidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !text
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'') || forbidden(c))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if forbidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn upper(name: &str) -> String {
    name.to_uppercase()
}

fn form_oid(form: &FormDef) -> String {
    format!("F.{}", upper(&form.name))
}

fn group_oid(form: &FormDef) -> String {
    format!("IG.{}", upper(&form.name))
}

fn item_oid(form: &FormDef, field: &str) -> String {
    format!("IT.{}.{}", upper(&form.name), upper(field))
}

fn user_oid(login: &str) -> String {
    format!("USR.{login}")
}

fn location_oid(site: &str) -> String {
    format!("LOC.{site}")
}

/// The ODM data type of a field.
fn data_type(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::Integer => "integer",
        FieldType::Boolean => "boolean",
        FieldType::Date => "date",
    }
}

/// Writes one ODM file as casebooks arrive.
pub struct OdmWriter<W: Write> {
    out: W,
    forms: Forms,
    study: StudyInfo,
    visit_form: Option<usize>,
    signature_form: Option<usize>,
    transactions: u64,
}

const CL_MISSING: &str = "CL.MISSING";

impl<W: Write> OdmWriter<W> {
    /// Writes the root element, the study's metadata and the administrative data, and opens the
    /// clinical data. `created` is the file's creation time (UTC, RFC 3339); `version` the
    /// writing program's version, stamped as the SourceSystemVersion of SourceSystem cletrial
    /// (`0.9.0 (abc1234 2026-12-06)`).
    pub fn new(
        mut out: W,
        study: &StudyInfo,
        forms: &Forms,
        created: &str,
        version: &str,
    ) -> Result<OdmWriter<W>, ExportError> {
        let code = escape(&study.code);
        let study_oid = escape(&study.oid()).into_owned();
        let mdv_oid = escape(&study.metadata_version_oid()).into_owned();
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Transactional" Archival="Yes" Granularity="All" FileOID="cletrial.{code}.{created}" CreationDateTime="{created}" Originator="cletrial" SourceSystem="cletrial" SourceSystemVersion="{}">"#,
            escape(version)
        )?;
        writeln!(out, r#"  <Study OID="{study_oid}">"#)?;
        writeln!(
            out,
            "    <GlobalVariables><StudyName>{code}</StudyName><StudyDescription>{}</StudyDescription><ProtocolName>{code}</ProtocolName></GlobalVariables>",
            escape(&study.title)
        )?;
        writeln!(
            out,
            r#"    <MetaDataVersion OID="{mdv_oid}" Name="Protocol version {}">"#,
            study.protocol_version
        )?;
        writeln!(out, "      <Protocol>")?;
        writeln!(
            out,
            r#"        <StudyEventRef StudyEventOID="SE.COURSE" OrderNumber="1" Mandatory="Yes"/>"#
        )?;
        writeln!(
            out,
            r#"        <StudyEventRef StudyEventOID="SE.VISIT" OrderNumber="2" Mandatory="No"/>"#
        )?;
        writeln!(out, "      </Protocol>")?;
        for (oid, name, repeating, ty, at_visit) in [
            ("SE.COURSE", "Course", "No", "Common", false),
            ("SE.VISIT", "Visit", "Yes", "Scheduled", true),
        ] {
            writeln!(
                out,
                r#"      <StudyEventDef OID="{oid}" Name="{name}" Repeating="{repeating}" Type="{ty}">"#
            )?;
            for form in forms
                .0
                .iter()
                .filter(|f| !at_visit || f.at_visits() || f.name == "visit")
            {
                writeln!(
                    out,
                    r#"        <FormRef FormOID="{}" Mandatory="No"/>"#,
                    form_oid(form)
                )?;
            }
            writeln!(out, "      </StudyEventDef>")?;
        }
        for form in &forms.0 {
            writeln!(
                out,
                r#"      <FormDef OID="{}" Name="{}" Repeating="No"><ItemGroupRef ItemGroupOID="{}" Mandatory="Yes"/></FormDef>"#,
                form_oid(form),
                escape(&form.name),
                group_oid(form)
            )?;
        }
        for form in &forms.0 {
            writeln!(
                out,
                r#"      <ItemGroupDef OID="{}" Name="{}" Repeating="Yes">"#,
                group_oid(form),
                escape(&form.name)
            )?;
            for field in items(form) {
                writeln!(
                    out,
                    r#"        <ItemRef ItemOID="{}" Mandatory="{}"/>"#,
                    item_oid(form, &field.name),
                    if field.required { "Yes" } else { "No" }
                )?;
            }
            writeln!(out, "      </ItemGroupDef>")?;
        }
        for form in &forms.0 {
            for field in items(form) {
                writeln!(
                    out,
                    r#"      <ItemDef OID="{}" Name="{}" DataType="{}"/>"#,
                    item_oid(form, &field.name),
                    escape(&field.name),
                    data_type(field.ty)
                )?;
            }
        }
        writeln!(
            out,
            r#"      <CodeList OID="{CL_MISSING}" Name="Reason a value is missing" DataType="text">"#
        )?;
        for missing in &Missing::ALL[1..] {
            writeln!(
                out,
                r#"        <CodeListItem CodedValue="{}"><Decode><TranslatedText xml:lang="en">{}</TranslatedText></Decode></CodeListItem>"#,
                missing.csv_code(),
                missing.meaning()
            )?;
        }
        writeln!(out, "      </CodeList>")?;
        writeln!(out, "    </MetaDataVersion>")?;
        writeln!(out, "  </Study>")?;
        writeln!(out, "  <AdminData StudyOID=\"{study_oid}\">")?;
        for (_, login, name) in &study.users {
            writeln!(
                out,
                r#"    <User OID="{}"><LoginName>{}</LoginName><FullName>{}</FullName></User>"#,
                escape(&user_oid(login)),
                escape(login),
                escape(name)
            )?;
        }
        let effective = created.get(..10).unwrap_or(created);
        for (site, name) in &study.sites {
            writeln!(
                out,
                r#"    <Location OID="{}" Name="{}" LocationType="Site"><MetaDataVersionRef StudyOID="{study_oid}" MetaDataVersionOID="{mdv_oid}" EffectiveDate="{effective}"/></Location>"#,
                escape(&location_oid(site)),
                escape(name)
            )?;
        }
        for meaning in &study.signature_meanings {
            writeln!(
                out,
                r#"    <SignatureDef OID="SD.{0}" Methodology="Electronic"><Meaning>{0}</Meaning><LegalReason>21 CFR 11.50: printed name, date and time, and meaning ({0}) of an electronic signature, linked to the signed record (11.70)</LegalReason></SignatureDef>"#,
                escape(meaning)
            )?;
        }
        writeln!(out, "  </AdminData>")?;
        writeln!(
            out,
            r#"  <ClinicalData StudyOID="{study_oid}" MetaDataVersionOID="{mdv_oid}">"#
        )?;
        Ok(OdmWriter {
            out,
            forms: forms.clone(),
            study: study.clone(),
            visit_form: forms.index("visit"),
            signature_form: forms.index("signature"),
            transactions: 0,
        })
    }

    /// Writes the subject's audit events as transactions.
    pub fn casebook(&mut self, book: &Casebook) -> Result<(), ExportError> {
        let mut start = 0;
        while start < book.events.len() {
            let first = &book.events[start];
            let end = start
                + book.events[start..]
                    .iter()
                    .take_while(|e| {
                        e.entity == first.entity
                            && e.entity_id == first.entity_id
                            && e.recorded_at == first.recorded_at
                            && e.actor == first.actor
                    })
                    .count();
            self.transaction(book, &book.events[start..end])?;
            start = end;
        }
        Ok(())
    }

    fn transaction(&mut self, book: &Casebook, events: &[AuditEvent]) -> Result<(), ExportError> {
        let first = &events[0];
        let form_index = self.forms.index(&first.entity).ok_or_else(|| {
            ExportError::invalid(
                format!("audit event {}", first.seq),
                format!("names '{}', which is no form of a subject", first.entity),
            )
        })?;
        let form = self.forms.get(form_index);
        let visit = if Some(form_index) == self.visit_form {
            Some(first.entity_id)
        } else {
            book.find(form_index, first.entity_id)
                .and_then(|record| self.forms.entry(record, VISIT_REF).integer())
        };
        let site = location_oid(&book.site);
        let out = &mut self.out;
        writeln!(
            out,
            r#"    <SubjectData SubjectKey="{}" TransactionType="Upsert"><SiteRef LocationOID="{}"/>"#,
            escape(&book.code),
            escape(&site)
        )?;
        match visit {
            Some(visit) => writeln!(
                out,
                r#"      <StudyEventData StudyEventOID="SE.VISIT" StudyEventRepeatKey="{visit}" TransactionType="Upsert">"#
            )?,
            None => writeln!(
                out,
                r#"      <StudyEventData StudyEventOID="SE.COURSE" TransactionType="Upsert">"#
            )?,
        }
        if Some(form_index) == self.signature_form && first.action == "create" {
            let value = |field: &str| {
                events
                    .iter()
                    .find(|e| e.field.as_deref() == Some(field))
                    .map(|e| e.new_entry.clone())
                    .unwrap_or(Recorded::BLANK)
            };
            let signer = value("signer_id").integer();
            let login = self
                .study
                .users
                .iter()
                .find(|(id, ..)| Some(*id) == signer)
                .map_or(first.actor.as_str(), |(_, login, _)| login.as_str());
            // The ID is optional in the ODM 1.3.2 schema but odmlib's model requires it; the
            // creating event's sequence number makes it unique in the file, as AuditRecord's.
            writeln!(
                out,
                r#"        <Signature ID="SG.{}"><UserRef UserOID="{}"/><LocationRef LocationOID="{}"/><SignatureRef SignatureOID="SD.{}"/><DateTimeStamp>{}</DateTimeStamp></Signature>"#,
                first.seq,
                escape(&user_oid(login)),
                escape(&site),
                escape(value("meaning").text().unwrap_or_default()),
                escape(value("signed_at").text().unwrap_or(&first.recorded_at))
            )?;
        }
        let action = match first.action.as_str() {
            "create" => "Insert",
            "remove" => "Remove",
            _ => "Update",
        };
        writeln!(
            out,
            r#"        <FormData FormOID="{}" TransactionType="Upsert"><ItemGroupData ItemGroupOID="{}" ItemGroupRepeatKey="{}" TransactionType="{action}">"#,
            form_oid(form),
            group_oid(form),
            first.entity_id
        )?;
        for event in events {
            match &event.field {
                None => audit_record(out, event, &site, "          ")?,
                Some(field) if field == SUBJECT_REF => {}
                Some(field) => {
                    let kind = if event.action == "create" {
                        "Insert"
                    } else {
                        "Update"
                    };
                    write!(
                        out,
                        r#"          <ItemData ItemOID="{}" TransactionType="{kind}""#,
                        escape(&item_oid(form, field))
                    )?;
                    match &event.new_entry {
                        Recorded::Value(datum) => {
                            writeln!(out, r#" Value="{}">"#, escape(&datum.plain()))?
                        }
                        Recorded::Missing(_) => writeln!(out, r#" IsNull="Yes">"#)?,
                    }
                    audit_record(out, event, &site, "            ")?;
                    if let Recorded::Missing(missing) = &event.new_entry
                        && *missing != Missing::Blank
                    {
                        writeln!(
                            out,
                            r#"            <Annotation SeqNum="1"><Flag><FlagValue CodeListOID="{CL_MISSING}">{}</FlagValue></Flag></Annotation>"#,
                            missing.csv_code()
                        )?;
                    }
                    writeln!(out, "          </ItemData>")?;
                }
            }
        }
        writeln!(out, "        </ItemGroupData></FormData>")?;
        writeln!(out, "      </StudyEventData>")?;
        writeln!(out, "    </SubjectData>")?;
        self.transactions += 1;
        Ok(())
    }

    /// Closes the file; returns the number of transactions written.
    pub fn finish(mut self) -> Result<u64, ExportError> {
        writeln!(self.out, "  </ClinicalData>")?;
        writeln!(self.out, "</ODM>")?;
        self.out.flush()?;
        Ok(self.transactions)
    }
}

/// The fields written as items: all but the subject reference (given by `SubjectData`).
fn items(form: &FormDef) -> impl Iterator<Item = &crate::source::FieldDef> {
    form.fields.iter().filter(|field| field.name != SUBJECT_REF)
}

fn audit_record<W: Write>(
    out: &mut W,
    event: &AuditEvent,
    site: &str,
    indent: &str,
) -> Result<(), ExportError> {
    write!(
        out,
        r#"{indent}<AuditRecord EditPoint="DBAudit" UsedImputationMethod="No" ID="AR.{}"><UserRef UserOID="{}"/><LocationRef LocationOID="{}"/><DateTimeStamp>{}</DateTimeStamp>"#,
        event.seq,
        escape(&user_oid(&event.actor)),
        escape(site),
        escape(&event.recorded_at)
    )?;
    if let Some(reason) = &event.reason {
        write!(out, "<ReasonForChange>{}</ReasonForChange>", escape(reason))?;
    }
    writeln!(
        out,
        "<SourceID>audit event {} sha256 {}</SourceID></AuditRecord>",
        event.seq, event.hash
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_forbidden_characters() {
        for (text, expect) in [
            ("plain", "plain"),
            ("a & b", "a &amp; b"),
            ("<x>", "&lt;x&gt;"),
            ("say \"no\" isn't", "say &quot;no&quot; isn&apos;t"),
            ("bell\u{7}", "bell\u{FFFD}"),
            ("tab\tline\n", "tab\tline\n"),
        ] {
            assert_eq!(escape(text), expect, "{text:?}");
        }
    }
}
