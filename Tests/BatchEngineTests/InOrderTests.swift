@testable import BatchEngine
import Foundation
import Locks
import Testing

@Suite("InOrder")
struct InOrderTests {
    @Test("batches deposited out of turn by several threads are taken in their order; a failure stops both sides")
    func takenInOrder() {
        let order = InOrder<Int>(limit: 3)
        let count = 200
        // Four threads of their own, each taking the next index as a worker takes the next
        // batch (`HandOff.takeNumbered`), finishing in any order.
        let next = Locked(0)
        let threads = (0..<4).map { _ in
            Thread {
                while true {
                    let index = next.withLock { n in defer { n += 1 }; return n }
                    guard index < count else { return }
                    if index % 7 == 0 { usleep(200) }
                    order.deposit([index, index], at: index)
                }
            }
        }
        threads.forEach { $0.start() }
        order.finish(count: count)
        var taken: [Int] = []
        while let batch = order.take() { taken += batch }
        #expect(taken == (0..<count).flatMap { [$0, $0] })
        order.fail()
        #expect(order.take() == nil)
        #expect(!order.deposit([1], at: count))
    }
}

@Suite("SpilledRecords")
struct SpilledRecordsTests {
    @Test("records read back in order and whole, from memory and from the unnamed file past the spill size; nothing left in the folder")
    func readBack() throws {
        let folder = NSTemporaryDirectory() + "mbt-records-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let records = SpilledRecords(folder: folder)
        // Lengths from 0 to 70,000 bytes: records cut across the reader's 64 KB pieces.
        let made = (0..<300).map { i in [UInt8](repeating: UInt8(i % 251), count: (i * 7_919) % 70_001) }
        for record in made { try records.append(record) }
        #expect(records.count == 300)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [])
        let reader = records.makeReader()
        var back: [[UInt8]] = []
        while let record = try reader.next() { back.append(record) }
        #expect(back == made)
    }
}
