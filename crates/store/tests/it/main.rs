//! The one integration-test binary of `store`. Every repository test runs against SQLite and
//! PostgreSQL (a server started by the test itself from the installed binaries).

/// Runs each listed `async fn name(backend)` as two tests, `name::sqlite` and `name::postgres`.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name(store::Backend::Sqlite).await;
                }
                #[tokio::test]
                async fn postgres() {
                    super::$name(store::Backend::Postgres).await;
                }
            }
        )*
    };
}

mod fixture;

mod accounts;
mod assessments;
mod audit;
mod batch;
mod casebook;
mod concurrency;
mod corrections;
mod course;
mod crash;
mod doses;
mod engine;
mod enrolment;
mod extension;
mod free_text;
mod group;
mod incremental;
mod migration;
mod missing;
mod patient_link;
mod people;
mod photos;
mod questionnaire;
mod randomisation;
mod records;
mod refusals;
mod retrospective;
mod review;
mod signatures;
mod subjects;
mod tamper;
mod throttle;
mod trail;
