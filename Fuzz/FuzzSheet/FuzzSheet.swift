import MuscleBalanceTestSupport

/// Built once per process: schemas compiled, the default protocol loaded.
let harness = RobustnessHarness.forCheckout()

/// libFuzzer's entry point: any bytes, read as a CSV sheet; a crash, or a broken invariant,
/// is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSheet(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    RobustnessHarness.fuzz(harness, data, count, RobustnessHarness.sheet)
}
