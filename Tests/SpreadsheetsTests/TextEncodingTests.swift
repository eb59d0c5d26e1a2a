import Foundation
import Spreadsheets
import Testing

/// `--encoding`: every byte of Latin-1 and Windows-1252 converted as Python's codecs convert it
/// (a second client), the five bytes Windows-1252 leaves undefined kept as C1 controls.
@Suite("Text encodings")
struct TextEncodingTests {
    func converted(_ encoding: TextEncoding, _ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { encoding.appendUTF8($0, to: &out) }
        return out
    }

    @Test("all 256 bytes, as Python decodes them", arguments: [TextEncoding.latin1, .windows1252])
    func everyByte(encoding: TextEncoding) throws {
        let codec = encoding == .latin1 ? "latin-1" : "cp1252"
        // Per byte, its UTF-8 in hex, or "-" where Python's codec has no character (cp1252's
        // 0x81, 0x8D, 0x8F, 0x90, 0x9D): mbt keeps those as C1 controls, which a sheet's cell
        // then refuses as control characters.
        let script = """
            for b in range(256):
                try: print(bytes([b]).decode('\(codec)').encode('utf-8').hex())
                except UnicodeDecodeError: print('-')
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        let lines = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        python.waitUntilExit()
        #expect(python.terminationStatus == 0 && lines.count == 256)
        var expected: [UInt8] = []
        for (byte, line) in lines.enumerated() {
            if line == "-" {
                #expect(encoding == .windows1252 && [0x81, 0x8D, 0x8F, 0x90, 0x9D].contains(byte))
                expected += [0xC2, UInt8(byte)]
            } else {
                var hex = Substring(line)
                while !hex.isEmpty {
                    expected.append(UInt8(hex.prefix(2), radix: 16)!)
                    hex = hex.dropFirst(2)
                }
            }
        }
        #expect(converted(encoding, Array(0...255)) == expected)
        #expect(converted(.utf8, Array(0...255)) == Array(0...255))
    }

    @Test("the names --encoding takes")
    func names() {
        #expect(TextEncoding(argument: "UTF8") == .utf8)
        #expect(TextEncoding(argument: "ISO-8859-1") == .latin1)
        #expect(TextEncoding(argument: "cp1252") == .windows1252)
        #expect(TextEncoding(argument: "utf-16") == nil)
    }
}
