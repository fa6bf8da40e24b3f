//! The architecture's invariants, read from `cargo metadata`: the crate graph has exactly the
//! edges ARCHITECTURE.md draws, and the functional core pulls in no runtime, database or web
//! stack. `cargo xtask test` fetches every locked crate first, so the metadata is read offline.
//! Within each crate, the module graph (`crate::` paths between top-level modules) has only
//! the cycles ARCHITECTURE.md names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
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

/// The modules of one crate (a file `src/x.rs` or a folder `src/x/`) and, for each, the others
/// its code names by a `crate::` path (in `use` or inline). The crate root (`lib.rs`, `main.rs`)
/// is left out: it declares and wires every module.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    let mut todo = vec![src.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    let top = |path: &Path| -> String {
        let first = path
            .strip_prefix(src)
            .expect("under src")
            .components()
            .next();
        let name = first.expect("a file").as_os_str().to_string_lossy();
        name.trim_end_matches(".rs").to_owned()
    };
    let modules: BTreeSet<String> = files
        .iter()
        .map(|path| top(path))
        .filter(|name| name != "lib" && name != "main")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for path in &files {
        let from = top(path);
        let Some(named) = graph.get_mut(&from) else {
            continue;
        };
        let code = std::fs::read_to_string(path).expect("a source file");
        named.extend(
            crate_paths(&code)
                .into_iter()
                .filter(|to| *to != from && modules.contains(to)),
        );
    }
    graph
}

/// The first segment of every `crate::` path in `code`, outside `//` comments (both of
/// `crate::a::b` and `crate::{a, b::c}`).
fn crate_paths(code: &str) -> BTreeSet<String> {
    let ident = |text: &str| -> String {
        text.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or_default();
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().next_back();
            let path = &rest[at + "crate::".len()..];
            rest = path;
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let Some(group) = path.strip_prefix('{') else {
                found.insert(ident(path));
                continue;
            };
            // The items of the group at its own depth: `a`, `b` of `{a::{x, y}, b}`.
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        found.insert(ident(&group[start..i]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.insert(ident(&group[start..i]));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        }
    }
    found.retain(|name| !name.is_empty() && name != "self");
    found
}

/// The cycles of `graph`: each set of two or more modules that all reach each other.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<BTreeSet<String>> {
    let reaches = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(at) = todo.pop() {
            for next in &graph[&at] {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reaches(m))).collect();
    graph
        .keys()
        .map(|m| {
            reach[m]
                .iter()
                .filter(|other| reach[other].contains(m))
                .cloned()
                .collect::<BTreeSet<String>>()
        })
        .filter(|cycle| cycle.len() > 1)
        .collect()
}

/// The cycles ARCHITECTURE.md names, as `crate: a, b` in backticks in the bullet that starts
/// with `marker`.
fn named_cycles(text: &str, marker: &str) -> BTreeSet<(String, BTreeSet<String>)> {
    let start = text.find(marker).expect("the bullet is in ARCHITECTURE.md");
    let bullet = &text[start..];
    let bullet = &bullet[..bullet[2..].find("\n- ").map_or(bullet.len(), |end| end + 2)];
    bullet
        .split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|item| item.split_once(": "))
        .map(|(name, modules)| {
            let modules = modules.split(',').map(|m| m.trim().to_owned()).collect();
            (name.trim().to_owned(), modules)
        })
        .collect()
}

#[test]
fn module_cycles_are_the_ones_architecture_md_names() {
    let root = workspace_root();
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(root.join("crates")).expect("crates") {
        let dir = entry.expect("a crate").path();
        let name = dir
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if dir.join("src").is_dir() {
            for cycle in cycles(&module_graph(&dir.join("src"))) {
                found.insert((name.clone(), cycle));
            }
        }
    }
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("doc");
    let named = named_cycles(&doc, "- **No module import cycle crosses a concern");
    let unnamed: Vec<_> = found.difference(&named).collect();
    let gone: Vec<_> = named.difference(&found).collect();
    assert!(
        unnamed.is_empty() && gone.is_empty(),
        "module cycles ARCHITECTURE.md does not name: {unnamed:?}; named but gone: {gone:?}"
    );
}

#[test]
fn crate_paths_and_cycles_are_read_as_written() {
    let code = "use crate::a::x;\nuse crate::{b::{y, z}, c, self};\n\
                // crate::d\nlet v = crate::e::f(); $crate::g!(); not_crate::h;";
    let paths: Vec<String> = crate_paths(code).into_iter().collect();
    assert_eq!(paths, ["a", "b", "c", "e", "g"]);
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", &["b"][..]),
        ("b", &["c"]),
        ("c", &["a"]),
        ("d", &["a"]),
        ("e", &["f"]),
        ("f", &["e"]),
    ]
    .into_iter()
    .map(|(from, to)| {
        let to = to.iter().map(|m| (*m).to_owned()).collect();
        (from.to_owned(), to)
    })
    .collect();
    let found: Vec<Vec<String>> = cycles(&graph)
        .into_iter()
        .map(|cycle| cycle.into_iter().collect())
        .collect();
    assert_eq!(found, [vec!["a", "b", "c"], vec!["e", "f"]]);
}
