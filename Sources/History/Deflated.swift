import CMBZlib

/// Text kept small in the store as SQLite's own archive format keeps a file (sqlar): zlib's
/// `compress` of the bytes, or the bytes themselves when that is no smaller, beside the size
/// of the original. A session's inputs and figures, 7 KB as text, take about 2 KB so
/// (Benchmarks/RESULTS.md, issue 29), and the `sqlite3` shell reads them back with no mbt:
/// `SELECT CAST(sqlar_uncompress(inputs, inputsSize) AS TEXT) FROM session`.
public enum Deflated {
    /// The stored bytes of `bytes`: compressed, or as they are when that is no smaller.
    public static func pack(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return bytes }
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in compress2(o.baseAddress, &size, i.baseAddress, uLong(i.count), Z_DEFAULT_COMPRESSION) }
        }
        guard status == Z_OK, Int(size) < bytes.count else { return bytes }
        out.removeSubrange(Int(size)...)
        return out
    }

    /// The original bytes of `stored`, `size` long; nil when they cannot be (a damaged store).
    public static func unpack(_ stored: [UInt8], size: Int) -> [UInt8]? {
        if stored.count == size { return stored }
        guard size >= 0, size <= 1 << 30 else { return nil }
        var length = uLongf(size)
        var out = [UInt8](repeating: 0, count: size)
        let status = out.withUnsafeMutableBufferPointer { o in
            stored.withUnsafeBufferPointer { i in uncompress(o.baseAddress, &length, i.baseAddress, uLong(i.count)) }
        }
        guard status == Z_OK, Int(length) == size else { return nil }
        return out
    }
}
