//! The architecture's invariants, read from `cargo metadata`: the crate graph has exactly the
//! edges ARCHITECTURE.md draws, and the functional core pulls in no runtime, database or web
//! stack. `cargo xtask test` fetches every locked crate first, so the metadata is read offline.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

use crate::support::workspace_root;

/// The crates that do no I/O (ARCHITECTURE.md, "Invariants").
const PURE: [&str; 6] = [
    "instruments",
    "protocol",
    "stats",
    "analysis",
    "simulate",
    "export",
];
/// What the pure crates must not reach, directly or through another crate.
const SHELL_STACK: [&str; 4] = ["tokio", "sqlx", "axum", "hyper"];

/// The resolved graph: each package's name and its normal (not dev or build) dependencies on the
/// build host.
struct Graph {
    names: BTreeMap<String, String>,
    deps: BTreeMap<String, Vec<String>>,
    members: BTreeSet<String>,
}

fn graph() -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .current_dir(workspace_root())
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo metadata failed (run `cargo xtask test`, or `cargo fetch`, to fetch every locked crate): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let names: BTreeMap<String, String> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().expect("id").to_owned(),
                p["name"].as_str().expect("name").to_owned(),
            )
        })
        .collect();
    let members = metadata["workspace_members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|id| id.as_str().expect("id").to_owned())
        .collect();
    let deps = metadata["resolve"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|node| {
            let normal = node["deps"]
                .as_array()
                .expect("deps")
                .iter()
                .filter(|dep| {
                    dep["dep_kinds"]
                        .as_array()
                        .is_some_and(|kinds| kinds.iter().any(|kind| kind["kind"].is_null()))
                })
                .map(|dep| dep["pkg"].as_str().expect("pkg").to_owned())
                .collect();
            (node["id"].as_str().expect("id").to_owned(), normal)
        })
        .collect();
    Graph {
        names,
        deps,
        members,
    }
}

impl Graph {
    fn id(&self, name: &str) -> &str {
        self.members
            .iter()
            .find(|id| self.names[*id] == name)
            .unwrap_or_else(|| panic!("no workspace crate {name}"))
    }

    /// The names of every package `name` depends on, directly or not.
    fn reaches(&self, name: &str) -> BTreeSet<&str> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![self.id(name)];
        while let Some(id) = todo.pop() {
            for dep in self.deps.get(id).into_iter().flatten() {
                if seen.insert(self.names[dep].as_str()) {
                    todo.push(dep);
                }
            }
        }
        seen
    }

    /// Every direct edge between workspace crates, but the test runner's.
    fn edges(&self) -> BTreeSet<(String, String)> {
        self.members
            .iter()
            .filter(|id| self.names[*id] != "xtask")
            .flat_map(|id| {
                self.deps[id]
                    .iter()
                    .filter(|dep| self.members.contains(*dep))
                    .map(|dep| (self.names[id].clone(), self.names[dep].clone()))
            })
            .collect()
    }
}

/// The edges of the chains written in backticks (`a -> (b, c)`, `(a, b) -> c -> d`) in the
/// bullet of ARCHITECTURE.md that starts with `marker`.
fn drawn(text: &str, marker: &str) -> BTreeSet<(String, String)> {
    let start = text.find(marker).expect("the bullet is in ARCHITECTURE.md");
    let bullet = &text[start..];
    let bullet = &bullet[..bullet[2..].find("\n- ").map_or(bullet.len(), |end| end + 2)];
    let group = |part: &str| -> Vec<String> {
        part.trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .split(',')
            .map(|name| name.trim().to_owned())
            .collect()
    };
    let mut edges = BTreeSet::new();
    for chain in bullet
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| c.contains("->"))
    {
        let parts: Vec<Vec<String>> = chain.split("->").map(group).collect();
        for pair in parts.windows(2) {
            for from in &pair[0] {
                for to in &pair[1] {
                    edges.insert((from.clone(), to.clone()));
                }
            }
        }
    }
    edges
}

#[test]
fn the_crate_graph_is_the_one_architecture_md_draws() {
    let graph = graph();
    let doc = std::fs::read_to_string(workspace_root().join("ARCHITECTURE.md")).expect("doc");
    let drawn = drawn(&doc, "- **Dependencies point one way");
    let actual = graph.edges();
    let missing: Vec<_> = actual.difference(&drawn).collect();
    let extra: Vec<_> = drawn.difference(&actual).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "ARCHITECTURE.md does not draw {missing:?}; it draws {extra:?} that the code lacks"
    );
}

#[test]
fn the_functional_core_has_no_runtime_database_or_web_stack() {
    let graph = graph();
    for name in PURE {
        let reached = graph.reaches(name);
        let shell: Vec<&&str> = SHELL_STACK
            .iter()
            .filter(|s| reached.contains(**s))
            .collect();
        assert!(shell.is_empty(), "{name} reaches {shell:?}");
    }
    // The check can fail: the shell does reach them.
    assert!(graph.reaches("store").contains("sqlx"));
    assert!(graph.reaches("web").contains("axum"));
}

#[test]
fn chains_are_read_as_drawn() {
    let text = "x\n- **Deps:** `(a, b) -> c -> (d, e)`, not `f`; `g -> h`.\n- **Next:** `y -> z`";
    let edges: Vec<(String, String)> = drawn(text, "- **Deps").into_iter().collect();
    let expect: Vec<(String, String)> =
        [("a", "c"), ("b", "c"), ("c", "d"), ("c", "e"), ("g", "h")]
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
    assert_eq!(edges, expect);
}
