@testable import BatchEngine
import Testing

@Suite("HandOff")
struct HandOffTests {
    @Test("a full hand-off gives the oldest batch back to the reader; the rest keep their order")
    func fullHandOffGivesTheOldestBack() {
        let queue = HandOff<Int>(capacity: 2)
        func queued(_ put: HandOff<Int>.Put) -> Bool { if case .queued = put { true } else { false } }
        #expect(queued(queue.put([10])) && queued(queue.put([11])))
        guard case .yours(let index, let batch) = queue.put([12]) else {
            Issue.record("a full queue must hand the oldest batch back")
            return
        }
        #expect(index == 0 && batch == [10])
        #expect(queue.takeNumbered()?.index == 1)
        let last = queue.takeNumbered()
        #expect(last?.index == 2 && last?.batch == [12])
        queue.abandon()
        guard case .refused = queue.put([13]) else {
            Issue.record("an abandoned queue refuses")
            return
        }
    }
}
