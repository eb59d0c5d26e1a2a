import MuscleBalanceTestSupport

/// Built once per process: schemas compiled, the default protocol loaded.
let harness = RobustnessHarness.forCheckout()

/// libFuzzer's entry point: any bytes in; a crash, or a broken invariant, is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtocol(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    RobustnessHarness.fuzz(harness, data, count, RobustnessHarness.protocolDefinition)
}
