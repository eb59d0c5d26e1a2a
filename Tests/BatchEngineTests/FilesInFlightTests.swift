@testable import BatchEngine
import Locks
import Testing

@Suite("FilesInFlight")
struct FilesInFlightTests {
    @Test("every file of a batch is taken exactly once, with more files than cores or fewer", arguments: [1, 2, 3, 97])
    func filesInFlight(count: Int) {
        let seen = Locked([Int](repeating: 0, count: count))
        FilesInFlight.forEach(count, cores: 2) { index in
            seen.withLock { $0[index] += 1 }
        }
        #expect(seen.withLock { $0 } == [Int](repeating: 1, count: count))
    }
}
