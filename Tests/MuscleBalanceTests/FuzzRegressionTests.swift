import MuscleBalanceTestSupport
import TestSupport
import Foundation
import MuscleBalance
import Testing

/// Every input the fuzzers kept (Fuzz/corpus) or that once found a bug (Fuzz/crashes) goes
/// through the same harness as the fuzzers: no crash, and every invariant holds.
@Suite("Fuzz corpus and crash regressions")
struct FuzzRegressionTests {
    static let harness: RobustnessHarness? = try? RobustnessHarness(
        library: sharedLibrary, protocolPath: Paths.defaultProtocol, reportSchemaPath: Paths.packageRoot + "/Reports/report.xsd")

    static func files(_ folder: String, prefix: String? = nil) -> [String] {
        let dir = Paths.packageRoot + "/Fuzz/" + folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { prefix == nil || $0.hasPrefix(prefix!) }.sorted().map { dir + "/" + $0 }
    }

    static let clinicInputs = files("corpus/FuzzClinicFile") + files("crashes", prefix: "FuzzClinicFile-")
    static let protocolInputs = files("corpus/FuzzProtocol") + files("crashes", prefix: "FuzzProtocol-")
    /// The sheet fuzzer's corpus, and the spreadsheet fixtures themselves (CSV only: the
    /// harness reads any bytes as CSV).
    static let sheetInputs = files("corpus/FuzzSheet") + files("crashes", prefix: "FuzzSheet-")
        + ((try? FileManager.default.contentsOfDirectory(atPath: Paths.fixtures + "/sheets")) ?? [])
        .filter { $0.hasSuffix(".csv") }.sorted().map { Paths.fixtures + "/sheets/" + $0 }

    @Test("the corpora are there")
    func corpora() {
        #expect(Self.clinicInputs.count >= 20)
        #expect(Self.protocolInputs.count >= 20)
    }

    @Test("clinic files: no broken invariant", arguments: clinicInputs)
    func clinic(path: String) throws {
        let harness = try #require(Self.harness)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(harness.clinicFile(bytes) == [], "\(path)")
    }

    @Test("sheets: every problem inside the sheet; a sheet that passes imports", arguments: sheetInputs)
    func sheet(path: String) throws {
        let harness = try #require(Self.harness)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(harness.sheet(bytes) == [], "\(path)")
    }

    @Test("protocols: no broken invariant", arguments: protocolInputs)
    func protocolDefinition(path: String) throws {
        let harness = try #require(Self.harness)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(harness.protocolDefinition(bytes) == [], "\(path)")
    }
}
