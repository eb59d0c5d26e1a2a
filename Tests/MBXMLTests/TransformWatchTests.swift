@testable import MBXML
import Testing

/// The watch's judgement of one running transformation, at the edges: past the time limit or the
/// memory limit, just under each, and a transformation that began after the watch read the
/// clock (its start later than `now`: no time has passed, and nothing traps).
@Suite("Transform watch")
struct TransformWatchTests {
    static func entry(started: UInt64, resident: Int = 1000) -> TransformWatch.Running {
        TransformWatch.Running(context: 1, started: started, residentAtStart: resident, timeLimit: 10_000_000_000, memoryLimit: 1 << 30, stopped: nil)
    }

    @Test("time and memory, at and past their limits; a start after the clock was read")
    func verdicts() {
        let start: UInt64 = 5_000_000_000
        #expect(TransformWatch.verdict(Self.entry(started: start), now: start + 10_000_000_000, resident: 1000) == nil)
        #expect(TransformWatch.verdict(Self.entry(started: start), now: start + 10_000_000_001, resident: 1000) == .time(seconds: 10))
        #expect(TransformWatch.verdict(Self.entry(started: start), now: start, resident: 1000 + (1 << 30)) == nil)
        #expect(TransformWatch.verdict(Self.entry(started: start), now: start, resident: 1001 + (1 << 30)) == .memory(mebibytes: 1024))
        // Began between the watch's reading of the clock and its taking the lock.
        #expect(TransformWatch.verdict(Self.entry(started: start), now: start - 1, resident: 0) == nil)
        #expect(TransformWatch.verdict(Self.entry(started: UInt64.max), now: 0, resident: 0) == nil)
    }
}
