import MuscleBalance

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Built once per process: schemas compiled, the default protocol loaded.
let harness: RobustnessHarness? = {
    guard let directory = ProtocolLibrary.locateDefaultDirectory(),
        let library = try? ProtocolLibrary(directory: directory)
    else { return nil }
    return try? RobustnessHarness(
        library: library, protocolPath: directory + "/lumbopelvic-balance.xml",
        reportSchemaPath: directory + "/../Reports/report.xsd")
}()

/// libFuzzer's entry point: any bytes in; a crash, or a broken invariant, is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClinicFile(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let harness else {
        _ = write(2, "fuzz: cannot find Protocols/ and Reports/\n", 40)
        abort()
    }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    let broken = harness.clinicFile(bytes)
    if !broken.isEmpty {
        let message = "fuzz: invariant broken: \(broken)\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        abort()
    }
    return 0
}
