/// The names FHIR gives what mbt exports, made from the clinic, patient, date, figure and
/// side, so that exporting the same session twice gives the same bytes and a server's
/// conditional update finds the resource it made before (never a duplicate).
enum FHIRIdentity {
    /// A UUID from `key` (two FNV-1a 64-bit hashes with different offsets), marked version 8
    /// (RFC 9562: custom) with the RFC 4122 variant: the same key, the same UUID, on any machine.
    static func uuid(_ key: String) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in key.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b << 13) | (b >> 51)
        }
        a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_8000
        b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex: StaticString = "0123456789abcdef"
        var out: [UInt8] = Array("urn:uuid:".utf8)
        out.reserveCapacity(45)
        for (i, word) in [a, b].enumerated() {
            for shift in stride(from: 60, through: 0, by: -4) {
                let n = 16 * i + (60 - shift) / 4
                if n == 8 || n == 12 || n == 16 || n == 20 { out.append(UInt8(ascii: "-")) }
                out.append(hex.utf8Start[Int((word >> UInt64(shift)) & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` percent-encoded for a URL's query value: every byte but the unreserved ones.
    static func percentEncoded(_ text: String) -> String {
        // Bytes, then one String: a Character appended at a time was a cost of its own (perf).
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 2)
        let hex: StaticString = "0123456789ABCDEF"
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The conditional update that makes a re-export idempotent: `Observation?identifier=system|value`.
    static func conditionalURL(_ resourceType: String, system: String, value: String) -> String {
        resourceType + "?identifier=" + percentEncoded(system + "|" + value)
    }
}
