@testable import BatchEngine
import Dispatch
import Locks
import Testing

/// A batch for the tests: the write order needs nothing of a batch but that it can be made and
/// reset, so the tests use a number where the scorer's batches hold rendered reports.
final class NumberedBatch: ReusableBatch {
    var number = -1
    init() {}
    func reset() { number = -1 }
}

@Suite("WriteOrder")
struct WriteOrderTests {
    @Test("batches finished out of order, on many threads, are written in input order, each once")
    func writeOrder() {
        let order = WriteOrder<NumberedBatch>(limit: 1_000)
        let written = Locked([Int]())
        let answers = Locked([Bool]())
        let count = 400
        DispatchQueue.concurrentPerform(iterations: count) { i in
            // A permutation of 0..<400 (7919 is prime, so coprime with 400): deposits come
            // scrambled, from several threads at once.
            let index = (i * 7919) % count
            let admitted = order.admit()
            let batch = order.spareBatch()
            batch.number = index
            let deposited = order.deposit(batch, at: index) { b in
                written.withLock { $0.append(b.number) }
                return true
            }
            answers.withLock { $0.append(admitted && deposited) }
        }
        #expect(written.withLock { $0 } == Array(0..<count))
        #expect(answers.withLock { $0 }.allSatisfy { $0 })
    }

    @Test("after a batch cannot be written, nothing after it is, and nothing more is admitted")
    func writeOrderAfterFailure() {
        let order = WriteOrder<NumberedBatch>(limit: 8)
        var written: [Int] = []
        var answers: [Bool] = []
        var admitted: [Bool] = []
        for index in [1, 0, 3, 2, 4] {
            admitted.append(order.admit())
            let batch = order.spareBatch()
            batch.number = index
            answers.append(order.deposit(batch, at: index) { b in
                written.append(b.number)
                return b.number != 2
            })
        }
        #expect(written == [0, 1, 2])
        #expect(answers == [true, true, true, false, false])
        #expect(admitted == [true, true, true, true, false])
        // A reader waiting for room is let go when the run stops.
        let full = WriteOrder<NumberedBatch>(limit: 1)
        #expect(full.admit())
        full.fail()
        #expect(full.admit() == false)
    }


    @Test("a written batch comes back as a spare, reset")
    func sparesAreReset() {
        let order = WriteOrder<NumberedBatch>(limit: 2)
        #expect(order.admit())
        let batch = order.spareBatch()
        batch.number = 7
        #expect(order.deposit(batch, at: 0) { _ in true })
        let again = order.spareBatch()
        #expect(again === batch && again.number == -1)
    }
}
