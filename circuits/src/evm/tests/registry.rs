//! The registry is the only list of gadgets: it lists every execution state once, in selector
//! order; no two gadgets claim the same step; and the modules of `circuits/src/evm` import
//! each other without a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use zkevm_executor::trace::{ExecError, StepKind};

use crate::evm::gadgets::{descriptors, state_of};
use crate::evm::ExecutionState;

#[test]
fn the_registry_lists_every_state_once_in_selector_order() {
    // A state's selector index is its declaration order: the registry must follow it.
    let indices: Vec<usize> = descriptors().iter().map(|d| d.state.index()).collect();
    assert_eq!(indices, (0..descriptors().len()).collect::<Vec<_>>());
    let names: BTreeSet<&str> = descriptors().iter().map(|d| d.name).collect();
    assert_eq!(names.len(), descriptors().len(), "two gadgets share a name");
}

/// Every step kind a trace can hold (errors with each label at each opcode).
fn step_kinds() -> Vec<StepKind> {
    let errors = [
        ExecError::OutOfGas,
        ExecError::StackUnderflow,
        ExecError::StackOverflow,
        ExecError::InvalidJump,
        ExecError::InvalidOpcode,
        ExecError::WriteInStaticContext,
        ExecError::ReturnDataOutOfBounds,
        ExecError::InvalidOperand,
        ExecError::InvalidCodePrefix,
        ExecError::CodeSizeLimit,
        ExecError::Other("any".into()),
    ];
    let mut kinds = vec![StepKind::BeginTx, StepKind::EndTx, StepKind::EndBlock];
    for opcode in 0..=255u8 {
        kinds.push(StepKind::Op(opcode));
        kinds.extend(errors.iter().map(|error| StepKind::Error { opcode, error: error.clone() }));
    }
    kinds
}

#[test]
fn no_two_gadgets_claim_the_same_step() {
    let mut claimed = 0;
    for kind in step_kinds() {
        let claimers: Vec<&str> =
            descriptors().iter().filter(|d| (d.claims)(&kind)).map(|d| d.name).collect();
        assert!(claimers.len() <= 1, "{kind:?} is claimed by {claimers:?}");
        claimed += claimers.len();
        match claimers.first() {
            Some(_) => assert!(state_of(&kind).is_ok()),
            None => assert!(state_of(&kind).is_err(), "{kind:?} has no gadget but a state"),
        }
    }
    // Every opcode state claims at least one step; padding none (the framework places it).
    for d in descriptors() {
        let any = step_kinds().iter().any(|kind| (d.claims)(kind));
        assert_eq!(any, d.state != ExecutionState::Padding, "{}", d.name);
    }
    assert!(claimed > 150, "only {claimed} step kinds are claimed");
}

#[test]
fn a_step_without_a_gadget_is_named() {
    let err = state_of(&StepKind::Op(0xf1)).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("CALL"), "{err}");
    let err = state_of(&StepKind::Error { opcode: 0x55, error: ExecError::WriteInStaticContext })
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("WriteInStaticContext") && err.contains("SSTORE"), "{err}");
}

/// The module graph of `circuits/src/evm` as read from its sources: an edge `a → b` when a
/// path in `a` (a `use`, or any `super::`/`crate::evm::` path outside comments) names `b` or
/// an item `b` re-exports. `mod.rs` files are the modules that declare their children; their
/// own constants are leaves.
fn evm_module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<(Vec<String>, PathBuf)> = Vec::new();
    collect(&root.join("evm"), &["evm".to_string()], &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(m, _)| m.clone()).collect();
    // Items a parent module re-exports, resolved to the module that defines them.
    let mut aliases: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for (module, path) in files.iter().filter(|(_, p)| p.ends_with("mod.rs")) {
        let source = std::fs::read_to_string(path).expect("source");
        for line in source.lines().filter(|l| l.trim_start().starts_with("pub use ")) {
            for full in paths(line.trim_start().trim_start_matches("pub ")) {
                let target = resolve(module, &full);
                if let Some(item) = target.last() {
                    let mut alias = module.clone();
                    alias.push(item.clone());
                    aliases.insert(alias, target);
                }
            }
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path) in &files {
        let source = std::fs::read_to_string(path).expect("source");
        // Inline test modules (`use super::*` there is the file itself) are not the circuit's.
        let source = source.split("#[cfg(test)]").next().unwrap_or_default();
        let code: String = source
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        let edges = graph.entry(module.join("::")).or_default();
        // A parent module names its children by relative paths (`storage::SloadGadget`).
        if path.ends_with("mod.rs") {
            let tokens = tokenize(&code);
            for (i, token) in tokens.iter().enumerate() {
                let mut child = module.clone();
                child.push(token.clone());
                let relative = i == 0 || tokens[i - 1] != "::";
                if relative
                    && tokens.get(i + 1).is_some_and(|t| t == "::")
                    && modules.contains(&child)
                {
                    edges.insert(child.join("::"));
                }
            }
        }
        for full in paths(&code) {
            let mut target = resolve(module, &full);
            if let Some(real) = aliases.get(&target) {
                target = real.clone();
            }
            // The longest prefix that is a module of the tree (a parent's own items are
            // leaves: they import nothing).
            let found = (1..=target.len())
                .rev()
                .map(|n| target[..n].to_vec())
                .find(|m| modules.contains(m) && !(m.len() < target.len() && is_parent(&files, m)));
            if let Some(found) =
                found.filter(|f| f != module && f.first().map(|s| s.as_str()) == Some("evm"))
            {
                edges.insert(found.join("::"));
            }
        }
    }
    graph
}

fn is_parent(files: &[(Vec<String>, PathBuf)], module: &[String]) -> bool {
    files.iter().any(|(m, p)| m == module && p.ends_with("mod.rs"))
}

fn collect(dir: &Path, module: &[String], out: &mut Vec<(Vec<String>, PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("evm sources").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if path.is_dir() {
            // Tests read everything; they are not part of the circuit's graph.
            if name != "tests" {
                let mut child = module.to_vec();
                child.push(name);
                collect(&path, &child, out);
            }
        } else if name == "mod" {
            out.push((module.to_vec(), path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let mut child = module.to_vec();
            child.push(name);
            out.push((child, path));
        }
    }
}

/// `path` (starting with `super` or `crate`) made absolute from `module` (a file's module;
/// a `mod.rs` file is its directory's module).
fn resolve(module: &[String], path: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = path;
    if path.first().map(String::as_str) == Some("crate") {
        rest = &path[1..];
    } else {
        out = module.to_vec();
        while rest.first().map(String::as_str) == Some("super") {
            out.pop();
            rest = &rest[1..];
        }
    }
    out.extend(rest.iter().cloned());
    out
}

/// Every path starting at `super` or `crate` in `code`, with `{…}` groups expanded.
fn paths(code: &str) -> Vec<Vec<String>> {
    let tokens = tokenize(code);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // `pub(super)` and `pub(crate)` are visibilities, not paths.
        let visibility = i >= 2 && tokens[i - 1] == "(" && tokens[i - 2] == "pub";
        let starts = matches!(tokens[i].as_str(), "super" | "crate")
            && (i == 0 || tokens[i - 1] != "::")
            && !visibility;
        if starts {
            i = expand(&tokens, i, Vec::new(), &mut out);
        } else {
            i += 1;
        }
    }
    out
}

/// Reads a path at `i` after `prefix`; returns the index after it.
fn expand(
    tokens: &[String],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        match tokens.get(i).map(String::as_str) {
            Some("{") => {
                i += 1;
                while tokens.get(i).is_some_and(|t| t != "}") {
                    i = expand(tokens, i, prefix.clone(), out);
                    if tokens.get(i).is_some_and(|t| t == ",") {
                        i += 1;
                    }
                }
                return i + 1;
            }
            Some(t) if t.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                prefix.push(t.to_string());
                i += 1;
                if tokens.get(i).is_some_and(|t| t == "::") {
                    i += 1;
                } else {
                    out.push(prefix);
                    return i;
                }
            }
            _ => {
                out.push(prefix);
                return i;
            }
        }
    }
}

fn tokenize(code: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push("::".into());
            i += 2;
        } else {
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
            i += 1;
        }
    }
    tokens
}

/// A cycle of `graph`, if it has one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_evm_modules_import_each_other_without_a_cycle() {
    let graph = evm_module_graph();
    assert!(graph.len() > 40, "only {} modules found", graph.len());
    // The reader sees real edges: every gadget uses the builder, the registry every gadget.
    assert!(graph["evm::gadgets::storage"].contains("evm::builder"));
    assert!(graph["evm::gadgets"].contains("evm::gadgets::storage"));
    let mut cycles = Vec::new();
    let mut remaining = graph.clone();
    while let Some(cycle) = find_cycle(&remaining) {
        // Report every cycle: cut each one found at its first edge and look again.
        remaining.get_mut(&cycle[0]).map(|edges| edges.remove(&cycle[1]));
        cycles.push(cycle.join(" → "));
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
    // Neither the states nor the witness types know any gadget.
    for module in ["evm::execution_state", "evm::witness"] {
        let gadgets: Vec<_> = graph[module].iter().filter(|m| m.contains("gadgets")).collect();
        assert!(gadgets.is_empty(), "{module} imports {gadgets:?}");
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&graph), None);
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&graph), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
}

/// A builder for a made-up gadget called `probe` over a small grid.
fn probe_builder() -> crate::evm::builder::EvmBuilder<halo2_proofs::halo2curves::bn256::Fr> {
    use crate::evm::cell::{CellManager, CellType};
    use crate::evm::step::StepColumns;
    let mut meta =
        halo2_proofs::plonk::ConstraintSystem::<halo2_proofs::halo2curves::bn256::Fr>::default();
    let step = StepColumns::configure(&mut meta);
    let grid = vec![(CellType::General, meta.advice_column()); 4];
    let selectors = crate::evm::layout::Selectors::configure(&mut meta, 1);
    let height = crate::evm::layout::MAX_STEP_HEIGHT;
    crate::evm::builder::EvmBuilder::new(
        "probe",
        step.at(0),
        step.at(height as i32),
        CellManager::new(&grid, height),
        selectors,
        height,
        crate::constraint_builder::constant(0),
        &[],
    )
}

#[test]
fn a_constraint_above_the_degree_bound_names_its_gadget_and_itself() {
    use crate::constraint_builder::constant;
    let mut cb = probe_builder();
    let cells: Vec<_> = (0..4).map(|_| cb.query_cell().expr()).collect();
    // Degree 3 is the bound: accepted, also as a lookup entry.
    cb.require_zero("cubic", cells[0].clone() * cells[1].clone() * cells[2].clone());
    cb.fixed_lookup(
        "cubic entry",
        crate::table::FixedTableTag::Range8,
        vec![cells[0].clone() * cells[1].clone() * cells[2].clone()],
    );
    let quartic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut cb = probe_builder();
        let c: Vec<_> = (0..4).map(|_| cb.query_cell().expr()).collect();
        cb.when(c[0].clone(), |cb| {
            cb.require_equal("too high", c[1].clone() * c[2].clone() * c[3].clone(), constant(0))
        });
    }));
    let message = quartic.expect_err("a degree-4 constraint is refused");
    let message = message.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("probe") && message.contains("too high"), "{message}");
    let lookup = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut cb = probe_builder();
        let c: Vec<_> = (0..4).map(|_| cb.query_cell().expr()).collect();
        let entry = c[0].clone() * c[1].clone() * c[2].clone() * c[3].clone();
        cb.fixed_lookup("quartic entry", crate::table::FixedTableTag::Range8, vec![entry]);
    }));
    let message = lookup.expect_err("a degree-4 lookup entry is refused");
    let message = message.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("probe") && message.contains("quartic entry"), "{message}");
}

/// The two transitions calls need, stated over a probe: entering sets every callee register
/// (pc, stack and memory from zero) and keeps the transaction and log id; returning restores
/// every caller register. Each names what it constrains.
#[test]
fn entering_a_call_and_returning_state_every_register() {
    use crate::evm::transition::{CallFrame, StepTransition};
    let frame = |cb: &mut crate::evm::builder::EvmBuilder<_>| {
        let mut cell = || cb.query_cell().expr();
        CallFrame {
            call_id: cell(),
            code_hash: (cell(), cell()),
            pc: cell(),
            stack_pointer: cell(),
            memory_word_size: cell(),
            reversible_write_counter: cell(),
            gas_left: cell(),
            is_persistent: cell(),
            rw_counter_end_of_reversion: cell(),
        }
    };
    let names = |enter: bool| {
        let mut cb = probe_builder();
        let frame = frame(&mut cb);
        let transition = match enter {
            true => StepTransition::enter_call(&cb, frame),
            false => StepTransition::return_to_caller(&cb, frame),
        };
        transition.constrain(&mut cb);
        cb.finish().constraints.into_iter().map(|(name, _)| name).collect::<Vec<_>>()
    };
    for (enter, follows) in
        [(true, "a callee's opcode follows"), (false, "the caller's opcode follows")]
    {
        let names = names(enter);
        for field in [
            "gas is charged",
            "same call",
            "same transaction",
            "same code",
            "program counter",
            "stack pointer",
            "memory size",
            "reversible writes counted",
            "same persistence",
            "same reversion range",
            follows,
        ] {
            assert!(names.contains(&field), "{field} missing from {names:?}");
        }
    }
}
