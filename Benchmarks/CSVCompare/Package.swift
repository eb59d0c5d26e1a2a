// swift-tools-version: 6.0
// Issue 18's comparison: yaslab/CSV.swift 2.5.2 against mbt's own streaming RFC 4180 reader
// (FastText/CSVRecordReader.swift, linked here, not copied) on the benchmark's sheet. Not part
// of mbt: Benchmarks/run builds and runs it, and RESULTS.md keeps the figures.
import PackageDescription

let package = Package(
    name: "CSVCompare",
    dependencies: [.package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2")],
    targets: [
        .executableTarget(name: "CSVCompare", dependencies: [.product(name: "CSV", package: "CSV.swift")])
    ]
)
