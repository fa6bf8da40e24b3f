//! The web application, served for real on 127.0.0.1:0 over a fresh study record.

mod access;
mod api;
mod authz;
mod browser;
mod downloads;
mod extension;
mod language;
mod limits;
mod login;
mod outcomes;
mod pages;
mod patient_links;
mod photos;
mod randomisation;
mod requests;
mod support;
mod verification;
mod words;
mod worklists;
