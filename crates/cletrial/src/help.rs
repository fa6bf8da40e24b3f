//! What every command's `--help` shows the same way: its examples, and the password rule.
//!
//! Help is printed as written (`term_width = 0` on the root command), so an example is never
//! wrapped and each line pastes as one complete command. The examples name files of `examples/`
//! and `protocols/` (paths from the repository's root) and the record `cletrial demo --no-serve`
//! creates (`cletrial-demo.db`, with its logins); the integration test `docs` runs every one.

/// The `Examples:` section a command's help ends with: one command a line, indented.
macro_rules! examples {
    ($($line:literal),+ $(,)?) => {
        concat!("Examples:", $("\n  ", $line),+)
    };
}
pub(crate) use examples;

/// A command that sets a password: the rule every new password must pass (the store's
/// `Password::new`), then the command's examples.
pub fn with_password_rule(examples: &str) -> String {
    format!(
        "A new password needs at least {} characters and must be hard to guess: it is refused when \
         it is found in lists of breached passwords, dictionary words or names, or built from the \
         account's login or name (a passphrase of several unrelated words passes).\n\n{examples}",
        store::Password::MIN_CHARS
    )
}
