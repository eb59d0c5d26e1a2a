import CSV
import Foundation

/// CSVCompare yaslab|mbt FILE: reads every record of FILE and prints the count of records and
/// of fields and a checksum of the fields' bytes, so the two readers can be checked against
/// each other as well as timed.
let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write("usage: CSVCompare yaslab|mbt FILE\n".data(using: .utf8)!)
    exit(2)
}
struct Tally {
    var records = 0, fields = 0, checksum: UInt64 = 0
    mutating func count(_ row: [String]) {
        records += 1
        fields += row.count
        for f in row { for b in f.utf8 { checksum = checksum &* 31 &+ UInt64(b) } }
    }
}
var tally = Tally()
switch arguments[1] {
case "yaslab":
    guard let stream = InputStream(fileAtPath: arguments[2]) else { exit(2) }
    let reader = try CSVReader(stream: stream)
    while let row = reader.next() { tally.count(row) }
case "mbt":
    let fd = open(arguments[2], O_RDONLY)
    guard fd >= 0 else { exit(2) }
    var parser = CSVRecordReader()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        chunk.withUnsafeBufferPointer { parser.feed(UnsafeBufferPointer(rebasing: $0[0..<n])) { tally.count($0.fields) } }
    }
    try parser.finish { tally.count($0.fields) }
default:
    exit(2)
}
print("\(tally.records) records, \(tally.fields) fields, checksum \(tally.checksum)")
