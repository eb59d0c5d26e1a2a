import FastText
import SeededRandom
import Testing

@Suite("Byte buffer")
struct ByteBufferTests {
    static let alphabet = ["a", "Z", "0", " ", "<", "&", "\t", "\n", "\r", "\u{0}", "é", "中", "😀", "\u{7F}", "\u{80}"]

    func randomString(_ r: inout SplitMix64) -> String {
        r.string(from: Self.alphabet)
    }

    @Test("a byte buffer grows past its capacity and keeps every byte, as an array would")
    func byteBufferGrows() {
        var r = SplitMix64(state: 5)
        var buffer = ByteBuffer(capacity: 16)
        var array: [UInt8] = []
        for _ in 0..<2000 {
            switch r.below(4) {
            case 0:
                let byte = UInt8(truncatingIfNeeded: r.next())
                buffer.append(byte)
                array.append(byte)
            case 1:
                let n = r.below(40)
                buffer.append(repeating: 0x20, count: n)
                array.append(contentsOf: repeatElement(0x20, count: n))
            case 2:
                let text = randomString(&r)
                buffer.appendBytes(text)
                array.appendBytes(text)
            default:
                if r.below(50) == 0 {
                    let keep = r.below(buffer.count + 1)
                    buffer.truncate(to: keep)
                    array.removeLast(array.count - keep)
                }
            }
        }
        #expect(buffer.count == array.count)
        #expect(buffer.withBytes { Array($0) } == array)
        #expect(buffer.withBytes(from: 10) { Array($0) } == Array(array[10...]))
    }

}
