//! The workspace's shape, checked: no import cycle between the modules of any crate, and no
//! source file longer than about 600 lines (data tables excepted).
//!
//! A cycle is counted between modules that are not each other's ancestor: for every module
//! that refers to another (through `use crate::…`, `use super::…`, or a `crate::…` path in
//! code), the reference is lifted to the two children of their lowest common ancestor, and
//! the children of each module must form a graph without cycles. A parent using its own
//! children, and a child using its parent, are the ordinary shape of a module tree and are not
//! counted; siblings that import each other (directly or round a longer loop) are. Names
//! re-exported by a module (`pub use child::Name`) are followed to where they come from, so a
//! cycle cannot hide behind a crate root's re-exports. Test modules are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest a source file may be, in lines ("about 600"), outside the data tables below.
const MAX_LINES: usize = 650;

/// Files that are data tables (names, word lists) rather than logic.
const DATA_TABLES: &[&str] = &["crates/synth/src/names.rs"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name()
                .is_some_and(|n| n == "target" || n == "node_modules")
            {
                continue;
            }
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn crates() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(workspace().join("crates"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").exists())
        .collect();
    v.sort();
    v
}

#[test]
fn no_source_file_is_over_about_600_lines() {
    let root = workspace().canonicalize().unwrap();
    let mut long = Vec::new();
    for krate in crates() {
        let mut files = Vec::new();
        for sub in ["src", "tests", "examples", "benches"] {
            rust_files(&krate.join(sub), &mut files);
        }
        for f in files {
            let rel = f
                .canonicalize()
                .unwrap()
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let lines = std::fs::read_to_string(&f).unwrap().lines().count();
            if lines > MAX_LINES && !DATA_TABLES.contains(&rel.as_str()) {
                long.push(format!("{rel}: {lines} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "split these files by topic (at most {MAX_LINES} lines):\n{}",
        long.join("\n")
    );
}

/// A module path within its crate: `[]` is the crate root.
type ModPath = Vec<String>;

/// The module a source file is, from its path under `src/`.
fn module_of(src: &Path, file: &Path) -> Option<ModPath> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?.to_owned();
    if parts.is_empty() && (stem == "lib" || stem == "main") {
        return Some(Vec::new());
    }
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    if stem != "mod" {
        parts.push(stem);
    }
    if parts.iter().any(|p| p == "tests") {
        return None;
    }
    Some(parts)
}

/// The file's text without its test module(s) and comments.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            // `#[cfg(test)] mod tests { … }` to the end of its braces.
            let mut depth = 0i32;
            let mut opened = false;
            for l in lines.by_ref() {
                for ch in l.chars() {
                    match ch {
                        '{' => {
                            depth += 1;
                            opened = true;
                        }
                        '}' => depth -= 1,
                        _ => {}
                    }
                }
                if (opened && depth <= 0) || (!opened && l.trim_end().ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Expands a `use` tree such as `crate::{a::B, c::{D, E}}` into full paths.
fn expand_use(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let prefix = &tree[..open];
    let close = tree.rfind('}').filter(|c| *c > open).unwrap_or(tree.len());
    let inner = &tree[open + 1..close];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand_use(&format!("{prefix}{p}")))
        .collect()
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every path this module's code names that starts at `crate`, `super`, `self` or one of its
/// own child modules (`known` holds every module of the crate), resolved against `module`.
/// Also returns the names it re-exports (`pub use path::Name` → (Name, path)).
fn references(
    module: &ModPath,
    code: &str,
    known: &BTreeSet<ModPath>,
) -> (Vec<ModPath>, Vec<(String, ModPath)>) {
    let mut paths = Vec::new();
    let mut reexports = Vec::new();
    let mut push = |raw: &str, reexport: bool| {
        let raw = raw.split(" as ").next().unwrap_or(raw);
        let segs: Vec<&str> = raw.split("::").collect();
        let mut path: ModPath = match segs.first() {
            Some(&"crate") => Vec::new(),
            Some(&"super") | Some(&"self") => module.clone(),
            Some(first) => {
                let mut child = module.clone();
                child.push((*first).to_owned());
                if !known.contains(&child) {
                    return;
                }
                module.clone()
            }
            None => return,
        };
        let mut rest = &segs[..];
        if rest.first() == Some(&"crate") {
            rest = &rest[1..];
        }
        while let Some(&s) = rest.first() {
            match s {
                "super" => {
                    path.pop();
                }
                "self" => {}
                _ => break,
            }
            rest = &rest[1..];
        }
        for s in rest {
            if is_ident(s) {
                path.push((*s).to_owned());
            } else {
                break;
            }
        }
        if reexport {
            if let Some(name) = path.last().cloned() {
                reexports.push((name, path.clone()));
            }
        }
        paths.push(path);
    };
    // `use` statements (at the start of a line, possibly spanning lines).
    let lines: Vec<&str> = code.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim_start();
        let (reexport, rest) = if let Some(r) = t.strip_prefix("use ") {
            (false, r)
        } else if let Some(r) = t.strip_prefix("pub use ") {
            (true, r)
        } else if let Some(r) = t
            .strip_prefix("pub(crate) use ")
            .or(t.strip_prefix("pub(super) use "))
        {
            (true, r)
        } else {
            i += 1;
            continue;
        };
        let mut tree = rest.to_owned();
        while !tree.contains(';') && i + 1 < lines.len() {
            i += 1;
            tree.push_str(lines[i]);
        }
        let tree = tree.split(';').next().unwrap_or_default();
        if tree.matches('{').count() == tree.matches('}').count() {
            for p in expand_use(tree) {
                push(&p, reexport);
            }
        }
        i += 1;
    }
    // `crate::a::b` written inline in code.
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(i) = code[from..].find("crate::") {
        let at = from + i;
        let boundary = at == 0
            || !(bytes[at - 1].is_ascii_alphanumeric()
                || bytes[at - 1] == b'_'
                || bytes[at - 1] == b'$');
        let tail: String = code[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        if boundary {
            push(tail.trim_end_matches(':'), false);
        }
        from = at + tail.len().max(1);
    }
    (paths, reexports)
}

/// Cycles among one module's children, as chains of module names.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Tarjan's strongly connected components; a component of two or more is a cycle.
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        if let Some(ws) = t.edges.get(v) {
            for w in ws {
                let w = w.as_str();
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let lw = t.low[w];
                    let lv = t.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.found.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    let nodes: BTreeSet<&str> = edges
        .iter()
        .flat_map(|(k, vs)| std::iter::once(k.as_str()).chain(vs.iter().map(String::as_str)))
        .collect();
    for n in nodes {
        if !t.index.contains_key(n) {
            visit(&mut t, n);
        }
    }
    t.found
}

/// Finds cycles between sibling modules of one crate's `src/`.
fn module_cycles(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut modules: BTreeMap<ModPath, String> = BTreeMap::new();
    for f in &files {
        if let Some(m) = module_of(src, f) {
            modules.insert(m, code_of(&std::fs::read_to_string(f).unwrap()));
        }
    }
    let known: BTreeSet<ModPath> = modules.keys().cloned().collect();
    let mut refs = BTreeMap::new();
    let mut reexports: BTreeMap<ModPath, BTreeMap<String, ModPath>> = BTreeMap::new();
    for (m, code) in &modules {
        let (paths, re) = references(m, code, &known);
        refs.insert(m.clone(), paths);
        reexports.insert(m.clone(), re.into_iter().collect());
    }
    // The module a referenced path lands in: its longest known module prefix, following that
    // module's re-exports of the next name.
    let resolve = |path: &ModPath| -> ModPath {
        let mut p = path.clone();
        for _ in 0..8 {
            let mut len = p.len();
            while len > 0 && !modules.contains_key(&p[..len]) {
                len -= 1;
            }
            let module = p[..len].to_vec();
            let Some(name) = p.get(len) else {
                return module;
            };
            match reexports.get(&module).and_then(|r| r.get(name)) {
                Some(target) if target != &p[..=len].to_vec() && !target.is_empty() => {
                    let mut next = target.clone();
                    next.extend_from_slice(&p[len + 1..]);
                    p = next;
                }
                _ => return module,
            }
        }
        p
    };
    let mut graphs: BTreeMap<ModPath, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (from, paths) in &refs {
        for path in paths {
            let to = resolve(path);
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue; // the same module, or an ancestor and its descendant
            }
            graphs
                .entry(from[..common].to_vec())
                .or_default()
                .entry(from[common].clone())
                .or_default()
                .insert(to[common].clone());
        }
    }
    let mut found = Vec::new();
    for (parent, g) in &graphs {
        for c in cycles(g) {
            let at = if parent.is_empty() {
                "crate".to_owned()
            } else {
                format!("crate::{}", parent.join("::"))
            };
            let krate = src
                .parent()
                .and_then(Path::file_name)
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            found.push(format!(
                "crates/{krate}: modules {} of {at} import each other",
                c.join(", ")
            ));
        }
    }
    found
}

#[test]
fn no_crate_has_an_import_cycle_between_its_modules() {
    let mut found = Vec::new();
    for krate in crates() {
        found.extend(module_cycles(&krate.join("src")));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_cycle_check_finds_a_cycle_through_a_re_export() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\npub use b::Thing;\n").unwrap();
    std::fs::write(src.join("a.rs"), "use crate::Thing;\npub fn f() {}\n").unwrap();
    std::fs::write(
        src.join("b.rs"),
        "pub struct Thing;\nfn g() { crate::a::f() }\n",
    )
    .unwrap();
    let found = module_cycles(src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("a, b"), "{found:?}");
    // Parent and child using each other is not a cycle; nor is a test module.
    std::fs::write(
        src.join("b.rs"),
        "pub struct Thing;\n#[cfg(test)]\nmod tests {\n    use crate::a::f;\n}\n",
    )
    .unwrap();
    assert!(module_cycles(src).is_empty());
    std::fs::create_dir(src.join("a")).unwrap();
    std::fs::write(
        src.join("a.rs"),
        "mod inner;\nuse inner::X;\npub fn f() {}\n",
    )
    .unwrap();
    std::fs::write(src.join("a/inner.rs"), "use super::f;\npub struct X;\n").unwrap();
    assert!(module_cycles(src).is_empty());
    // Nested siblings: a::x and a::y.
    std::fs::write(src.join("a.rs"), "mod x;\nmod y;\n").unwrap();
    std::fs::remove_file(src.join("a/inner.rs")).unwrap();
    std::fs::write(src.join("a/x.rs"), "use super::y::Y;\npub struct X;\n").unwrap();
    std::fs::write(src.join("a/y.rs"), "use crate::a::x::{X};\npub struct Y;\n").unwrap();
    let found = module_cycles(src);
    assert!(
        found.len() == 1 && found[0].contains("x, y of crate::a"),
        "{found:?}"
    );
}

/// The container image's build stage has every folder outside `crates/` that the code
/// compiles in (`include_str!` of the shipped rules and mappings): without one, the image
/// does not build (a council's IT found it so).
#[test]
fn the_container_build_stage_copies_every_folder_the_code_compiles_in() {
    let root = workspace();
    let root = root.canonicalize().unwrap();
    let mut needed = BTreeSet::new();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    for f in files
        .iter()
        .filter(|f| f.components().any(|c| c.as_os_str() == "src"))
    {
        let text = std::fs::read_to_string(f).unwrap();
        for part in text
            .split("include_str!(\"")
            .skip(1)
            .chain(text.split("include_bytes!(\"").skip(1))
        {
            let rel = &part[..part.find('"').unwrap()];
            let Ok(target) = f.parent().unwrap().join(rel).canonicalize() else {
                continue;
            };
            if let Ok(inside) = target.strip_prefix(&root) {
                let top = inside
                    .components()
                    .next()
                    .unwrap()
                    .as_os_str()
                    .to_string_lossy()
                    .into_owned();
                if top != "crates" {
                    needed.insert(top);
                }
            }
        }
    }
    assert!(
        needed.contains("rules"),
        "the shipped rules are compiled in: {needed:?}"
    );
    let docker = std::fs::read_to_string(root.join("deploy/Dockerfile")).unwrap();
    let build = &docker[..docker
        .find("RUN cargo build")
        .expect("the build stage builds")];
    for dir in &needed {
        assert!(
            build.contains(&format!("COPY {dir} ./{dir}")),
            "deploy/Dockerfile's build stage does not copy {dir}/, which the code compiles in"
        );
    }
}
