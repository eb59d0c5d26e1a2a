// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "MuscleBalance",
    // Linux only: the code calls Glibc (O_DIRECT, pthread, fcntl) directly. No platforms line
    // claims otherwise.
    products: [
        .executable(name: "mbt", targets: ["mbt"]),
        .library(name: "MuscleBalance", targets: ["MuscleBalance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Workbooks (.xlsx) are zip archives of XML: ZIPFoundation unzips, libxml2 reads.
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        // The history store (one SQLite file per clinic): GRDB over Debian's SQLite
        // (libsqlite3-dev). Only the History module imports it.
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // libxml2 from the system (Debian: libxml2-dev). Only MBXML imports it.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev", "libxslt1-dev"])]
        ),
        // zlib from the system (Debian: zlib1g-dev). Only History imports it: a session's
        // stored text is compressed as SQLite's own archive format does (sqlar), so the
        // `sqlite3` shell reads it back with sqlar_uncompress.
        .systemLibrary(name: "CMBZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // SHA-256's block function in C, to reach the processor's SHA extensions (intrinsics);
        // the portable rounds beside them. Only History's SHA256 calls it.
        .target(name: "CMBSHA256"),
        // Pure bytes, no clinical type and no libxml2: the byte buffer the report writers fill,
        // and the one system-call wrapper that retries EINTR.
        .target(name: "FastText"),
        // Locks over pthread (which ThreadSanitizer sees): a value behind a mutex, and a mutex
        // with a condition variable for the hand-offs. No clinical type.
        .target(name: "Locks"),
        // The one module where C pointers live: owned documents, schemas and readers.
        .target(name: "MBXML", dependencies: ["CLibXML2", "FastText"]),
        // Pure domain: protocol and measurement models, units, semantic rules. No I/O. FastText
        // gives it the one rule for text a person reads (VisibleText), for its diagnostics.
        .target(name: "MuscleBalanceCore", dependencies: ["FastText"]),
        // The batch engine knows no clinical type: hand-offs between threads, locks, the write
        // order of batches, files in flight, and output files written whole or not at all.
        .target(name: "BatchEngine", dependencies: ["FastText", "Locks"]),
        // Sheets as rows of text, whatever the file: CSV through FastText's reader, Excel
        // workbooks unzipped by ZIPFoundation and read by MBXML. No clinical type. The one
        // module that imports Foundation (ZIPFoundation needs its URL and Data).
        .target(
            name: "Spreadsheets",
            dependencies: ["FastText", "MBXML", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Reading clinic and protocol files: the streamed clinic file, the protocol loader and
        // the library of schemas and protocols, into the core's values; a spreadsheet's rows
        // made into the measurement format on the fly (the layouts, the mapping of a device's
        // export).
        .target(name: "ClinicFiles", dependencies: ["MuscleBalanceCore", "MBXML", "FastText", "Locks", "Spreadsheets"]),
        // The reports a clinician and a registry read: the XML report and the printable text
        // report, from scored values. No file is opened here.
        .target(name: "ClinicReports", dependencies: ["MuscleBalanceCore", "MBXML", "FastText", "Locks"]),
        // A patient's course of care: every session stored in a local SQLite file (GRDB), as
        // entered and as scored, with revisions and an audit trail. GRDB, SQLite and Foundation
        // stay here; the clinical core never learns that a database exists. It is given the
        // core's values and canonical text of the inputs, and opens no clinic file.
        .target(name: "History", dependencies: ["MuscleBalanceCore", "FastText", "CMBZlib", "CMBSHA256", .product(name: "GRDB", package: "GRDB.swift")]),
        // FHIR R4 for the clinic's record: a session as a transaction Bundle of newline-delimited
        // JSON, from the core's values. Its own JSON writer (no FHIR library in the package
        // mirror, and six resources do not need a generated model); no XML in the path.
        .target(name: "FHIRExport", dependencies: ["MuscleBalanceCore", "FastText"]),
        // Edges: XML files in, Swift values out; file-level validation; reports; the use cases.
        .target(name: "MuscleBalance", dependencies: ["MBXML", "MuscleBalanceCore", "FastText", "Locks", "BatchEngine", "ClinicFiles", "ClinicReports", "Spreadsheets", "History", "FHIRExport"]),
        .executableTarget(
            name: "mbt",
            dependencies: [
                "MuscleBalance", "ClinicFiles", "ClinicReports", "BatchEngine", "Locks", "FastText", "History",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The release binary allocates with mimalloc (Debian: libmimalloc-dev) instead of
            // glibc's malloc: the reading thread makes each patient and a worker frees it, and
            // glibc then takes the reading thread's arena lock (perf: the reader slept on it
            // some 200 times in a 20,000-patient run). 20,000 patients 6% faster, 2,000 small
            // files 17% (Benchmarks/RESULTS.md, ninth round). Debug builds and the sanitizers
            // keep glibc's.
            linkerSettings: [.linkedLibrary("mimalloc", .when(platforms: [.linux], configuration: .release))]
        ),
        // What only tests need, in no product (mbt and the library do not ship it).
        // The checkout's paths, the one protocol library, a scratch folder, running a program.
        .target(name: "TestSupport", dependencies: ["ClinicFiles", "MuscleBalanceCore"], path: "Tests/TestSupport"),
        // libxml2's own text writer, the reference the fragment writer is held to. The one
        // place outside MBXML that touches C pointers, and it is test code.
        .target(name: "MBXMLTestSupport", dependencies: ["CLibXML2", "MBXML"], path: "Tests/MBXMLTestSupport"),
        // A seeded generator for randomised tests, depending on nothing.
        .target(name: "SeededRandom", path: "Tests/SeededRandom"),
        // The robustness harness (every invariant a scored file must keep), for the fuzz
        // targets and their regression tests.
        .target(
            name: "MuscleBalanceTestSupport",
            dependencies: ["MuscleBalance", "MuscleBalanceCore", "ClinicFiles", "ClinicReports", "MBXML", "FastText"],
            path: "Tests/MuscleBalanceTestSupport"
        ),
        // One test target per module, each using only what its module may use.
        .testTarget(name: "FastTextTests", dependencies: ["FastText", "SeededRandom"]),
        .testTarget(name: "MBXMLTests", dependencies: ["MBXML", "MBXMLTestSupport", "SeededRandom"]),
        .testTarget(name: "BatchEngineTests", dependencies: ["BatchEngine", "Locks", "SeededRandom"]),
        .testTarget(name: "SpreadsheetsTests", dependencies: ["Spreadsheets", "SeededRandom"]),
        // The history store alone, from the core's values: SQLite files on disk, no clinic file.
        .testTarget(name: "HistoryTests", dependencies: ["History", "MuscleBalanceCore", "TestSupport", "SeededRandom"]),
        // The clinical core alone, from Swift values: no XML, no files.
        .testTarget(name: "MuscleBalanceCoreTests", dependencies: ["MuscleBalanceCore"]),
        // Protocols and clinic files read from disk into the core's values; the default
        // protocol's clinical content (its safety screen, its progress limits) read that way.
        .testTarget(name: "ClinicFilesTests", dependencies: ["ClinicFiles", "MuscleBalanceCore", "TestSupport"]),
        // Bundles from example patients, checked by Scripts/fhir-check.py (fhirkit-rs,
        // fhirpathpy, ucumvert); errors planted in copies, so that the checks can fail.
        // `mbt` built first: a test makes its generated batch with `mbt generate`.
        .testTarget(name: "FHIRExportTests", dependencies: ["FHIRExport", "MuscleBalanceCore", "ClinicFiles", "TestSupport", "mbt"]),
        .testTarget(name: "ClinicReportsTests", dependencies: ["ClinicReports", "MuscleBalanceCore", "MBXML", "FastText", "SeededRandom"]),
        // The use cases end to end. Fixtures are read from the source tree
        // (Tests/MuscleBalanceTests/Fixtures), as real files; `mbt` is a dependency so that the
        // CLI tests can run the built binary.
        .testTarget(
            name: "MuscleBalanceTests",
            dependencies: ["MuscleBalance", "MuscleBalanceCore", "MBXML", "FastText", "Locks", "BatchEngine", "ClinicFiles", "ClinicReports", "FHIRExport", "TestSupport", "MuscleBalanceTestSupport", "mbt"],
            exclude: ["Fixtures", "Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets: executables without a main, so they exist only for Scripts/fuzz
// (MBT_FUZZ=1 swift build --sanitize=fuzzer ...); a plain `swift build` would fail to link them.
if Context.environment["MBT_FUZZ"] != nil {
    package.targets += [
        .executableTarget(name: "FuzzClinicFile", dependencies: ["MuscleBalanceTestSupport"], path: "Fuzz/FuzzClinicFile"),
        .executableTarget(name: "FuzzProtocol", dependencies: ["MuscleBalanceTestSupport"], path: "Fuzz/FuzzProtocol"),
        .executableTarget(name: "FuzzSheet", dependencies: ["MuscleBalanceTestSupport"], path: "Fuzz/FuzzSheet"),
    ]
}
