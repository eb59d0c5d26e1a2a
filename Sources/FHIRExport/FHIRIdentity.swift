import FastText

/// The names FHIR gives what mbt exports, made from the clinic, patient, date, figure and
/// side, so that exporting the same session twice gives the same bytes and a server's
/// conditional update finds the resource it made before (never a duplicate).
///
/// Made from bytes in pieces (the resource type and clinic once, the patient and date once a
/// session, the figure for each entry) rather than as a String per resource: the Strings,
/// their hashing and percent-encoding were a fifth of `score --fhir` (perf, RESULTS.md).
enum FHIRIdentity {
    /// A UUID from a key (two FNV-1a 64-bit hashes with different offsets), marked version 8
    /// (RFC 9562: custom) with the RFC 4122 variant: the same key, the same UUID, on any
    /// machine. The key is fed in pieces: the hash of the whole is the hash of its pieces in turn.
    struct UUIDHash {
        private var a: UInt64 = 0xcbf2_9ce4_8422_2325
        private var b: UInt64 = 0x8422_2325_cbf2_9ce4

        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
            for byte in bytes {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                b = (b << 13) | (b >> 51)
            }
        }

        mutating func add(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { add($0) } }

        mutating func add(_ text: String) {
            var text = text
            text.withUTF8 { add($0) }
        }

        var uuid: FHIRUUID {
            FHIRUUID(a: (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_8000, b: (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
        }
    }

    /// `bytes` percent-encoded for a URL's query value: every byte but the unreserved ones.
    /// Encoding pieces one after the other gives the encoding of the whole.
    static func percentEncode<Out: ByteAppending & ~Copyable>(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout Out) {
        let hex: StaticString = "0123456789ABCDEF"
        var runStart = 0
        for (i, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                continue
            default:
                if runStart < i { out.appendBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                out.append(UInt8(ascii: "%"))
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0xF)])
                runStart = i + 1
            }
        }
        if runStart < bytes.count { out.appendBytes(UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }

    static func percentEncoded(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { percentEncode($0, into: &out) }
        return out
    }
}

/// A UUID made by `FHIRIdentity.UUIDHash`, as its `urn:uuid:` text (45 bytes): made once
/// per entry and copied where it is written (its fullUrl and each reference to it).
struct FHIRUUID {
    private var text: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)

    init(a: UInt64, b: UInt64) {
        withUnsafeMutableBytes(of: &text) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let prefix: StaticString = "urn:uuid:"
            p.initialize(from: prefix.utf8Start, count: 9)
            // 8-4-4-4-12 hex digits: a's 16 are 8, 4, 4; b's are 4, 12.
            Self.hex(a >> 32, digits: 8, at: p + 9)
            p[17] = UInt8(ascii: "-")
            Self.hex(a >> 16, digits: 4, at: p + 18)
            p[22] = UInt8(ascii: "-")
            Self.hex(a, digits: 4, at: p + 23)
            p[27] = UInt8(ascii: "-")
            Self.hex(b >> 48, digits: 4, at: p + 28)
            p[32] = UInt8(ascii: "-")
            Self.hex(b, digits: 12, at: p + 33)
        }
    }

    func write<Out: ByteAppending & ~Copyable>(into out: inout Out) {
        withUnsafeBytes(of: text) { raw in
            out.appendBytes(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 45))
        }
    }

    /// The text in quotes, as a JSON string (it has nothing to escape).
    func writeQuoted<Out: ByteAppending & ~Copyable>(into out: inout Out) {
        out.append(0x22)
        write(into: &out)
        out.append(0x22)
    }

    /// The low `digits` hex digits of `word`, most significant first.
    @inline(__always)
    private static func hex(_ word: UInt64, digits: Int, at p: UnsafeMutablePointer<UInt8>) {
        var word = word
        var i = digits - 1
        while i >= 0 {
            let d = UInt8(truncatingIfNeeded: word & 0xF)
            p[i] = d < 10 ? UInt8(ascii: "0") + d : UInt8(ascii: "a") + d - 10
            word >>= 4
            i -= 1
        }
    }
}
