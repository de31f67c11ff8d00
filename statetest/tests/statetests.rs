//! Conformance: Ethereum state tests from `../shared/statetests` through the tracing executor
//! and the replay check. Every entry must pass: those plain revm 43 fails (a create over an
//! account with storage, EIP-7610; a transaction value wider than 256 bits) included, since
//! the executor handles both. Skips with a message when the folder is absent.

use std::path::{Path, PathBuf};

use zkevm_statetest::{self as statetest, Outcome};

/// Files of 50,000 calls or returns, or 1,024 nested 1 MB calls (tens of millions of steps per
/// entry): for the CLI, not this suite.
fn is_huge(file: &Path) -> bool {
    file.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n.contains("50000") || n.contains("1MB1024Calldepth")
    })
}

/// Files whose entries loop on transient storage until the gas runs out: one to a few million
/// RWs each, about 450 s together on two cores. They run in the ignored test [`giants`].
fn is_long(file: &Path) -> bool {
    file.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n.contains("tstoreCannotBeDosd") || n.contains("run_until_out_of_gas")
    })
}

fn is_giant(file: &Path) -> bool {
    is_huge(file) || is_long(file)
}

/// Entries whose trace would exceed this many RWs are skipped, as the CLI does by default;
/// the fast suite's folders stay well below it.
const MAX_RWS: usize = 8_000_000;

fn root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/statetests");
    if root.is_dir() {
        Some(root)
    } else {
        eprintln!("skipping: {} is absent", root.display());
        None
    }
}

/// Runs every Cancun entry under `folders` (but the giant files) and checks the outcomes.
fn run_folders(folders: &[&str]) {
    run_files(folders, |file| !is_giant(file));
}

/// Runs the Cancun entries of the files under `folders` that `keep` keeps.
fn run_files(folders: &[&str], keep: impl Fn(&Path) -> bool) {
    let Some(root) = root() else { return };
    let fork = statetest::parse_fork("Cancun").expect("fork");
    let paths: Vec<PathBuf> = folders.iter().map(|f| root.join(f)).collect();
    let files = statetest::collect_files(&paths).expect("folders exist");
    let (mut passed, mut invalid, mut failures) = (0usize, 0usize, Vec::new());
    for file in files.iter().filter(|f| keep(f)) {
        let entries = match statetest::load_entries(file, &fork) {
            Ok(entries) => entries,
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        for entry in &entries {
            let report = statetest::run_entry(entry, Some(MAX_RWS));
            match &report.outcome {
                Outcome::Passed => passed += 1,
                // The executor rejects the invalid transaction, as the test expects.
                Outcome::InvalidTx(_) => invalid += 1,
                outcome => failures.push(format!("{}: {outcome:?}", report.id)),
            }
        }
    }
    assert!(failures.is_empty(), "{} entries failed:\n{}", failures.len(), failures.join("\n"));
    assert!(passed > 0, "no entry ran under {folders:?}");
    eprintln!("{folders:?}: {passed} passed, {invalid} invalid transactions rejected");
}

#[test]
fn vm_tests() {
    run_folders(&[
        "VMTests/vmArithmeticTest",
        "VMTests/vmBitwiseLogicOperation",
        "VMTests/vmIOandFlowOperations",
        "VMTests/vmLogTest",
        "VMTests/vmTests",
    ]);
}

#[test]
fn calls_and_creates() {
    run_folders(&[
        "stCallCodes",
        "stCreate2",
        "stCreateTest",
        "stDelegatecallTestHomestead",
        "stStaticFlagEnabled",
        "stCallDelegateCodesCallCodeHomestead",
        "stSystemOperationsTest",
    ]);
}

#[test]
fn storage_refunds_and_reverts() {
    run_folders(&[
        "stSStoreTest",
        "stRefundTest",
        "stRevertTest",
        "stTransactionTest",
        "stEIP2930",
    ]);
}

#[test]
fn memory_logs_and_return_data() {
    run_folders(&[
        "stMemoryTest",
        "stLogTests",
        "stReturnDataTest",
        "stCodeCopyTest",
        "stExtCodeHash",
    ]);
}

#[test]
fn cancun_and_shanghai() {
    run_folders(&["Cancun", "Shanghai", "stSelfBalance", "stChainId", "stEIP1559"]);
}

#[test]
fn precompiles_and_zero_knowledge() {
    run_folders(&[
        "stPreCompiledContracts",
        "stPreCompiledContracts2",
        "stZeroKnowledge",
        "stZeroKnowledge2",
    ]);
}

#[test]
fn bad_opcodes_stack_and_gas_prices() {
    run_folders(&[
        "stBadOpcode",
        "stStackTests",
        "stEIP150singleCodeGasPrices",
        "stShift",
        "stSpecialTest",
    ]);
}

#[test]
fn static_calls_and_call_variants() {
    run_folders(&[
        "stStaticCall",
        "stCallCreateCallCodeTest",
        "stCallDelegateCodesHomestead",
        "stZeroCallsTest",
        "stZeroCallsRevert",
        "stNonZeroCallsTest",
        "stMemExpandingEIP150Calls",
        "stRecursiveCreate",
    ]);
}

#[test]
fn remaining_legacy_folders() {
    run_folders(&[
        "stArgsZeroOneBalance",
        "stInitCodeTest",
        "stCodeSizeLimit",
        "stEIP150Specific",
        "stEIP158Specific",
        "stHomesteadSpecific",
        "stEIP3607",
        "stExample",
        "stTransitionTest",
        "stSLoadTest",
        "stMemoryStressTest",
    ]);
}

#[test]
fn pyspecs() {
    run_folders(&["Pyspecs"]);
}

/// The long transient-storage loops the other tests leave out.
#[test]
#[ignore = "a few million RWs per entry: about 8 minutes on two cores"]
fn giants() {
    run_files(&["Cancun", "Pyspecs"], is_long);
}
