extension Array {
    /// Calls `body` with a pointer to each element in turn, so that the element's fields are
    /// read where they lie.
    ///
    /// `for x in array`, `map` and `array[i]` copy each element, and so does lending one to a
    /// `borrowing` parameter of a function that mutates anything (the compiler cannot prove
    /// the element unchanged meanwhile). Copying a result retains every String and array
    /// inside it, and releases them after: a `TestResult` holds four. `pointer.pointee.field`
    /// reads one field alone. The pointer is valid only inside `body`: never keep it.
    ///
    /// Used only where it was re-measured to pay; the list, and the figures, are in
    /// Benchmarks/RESULTS.md ("Pointer-level loops"). `-Xswiftc -DMBT_PLAIN_LOOPS` makes every
    /// call a copying loop, to measure them again.
    @inlinable @inline(__always)
    public func forEachInPlace(_ body: (UnsafePointer<Element>) throws -> Void) rethrows {
        #if MBT_PLAIN_LOOPS
        for element in self { try withUnsafePointer(to: element) { try body($0) } }
        return
        #endif
        try withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for i in 0..<buffer.count { try body(base + i) }
        }
    }
}

extension Array {
    /// `forEachInPlace` with each element's index, for numbered lists.
    @inlinable @inline(__always)
    public func forEachInPlace(_ body: (Int, UnsafePointer<Element>) throws -> Void) rethrows {
        #if MBT_PLAIN_LOOPS
        for (i, element) in self.enumerated() { try withUnsafePointer(to: element) { try body(i, $0) } }
        return
        #endif
        try withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for i in 0..<buffer.count { try body(i, base + i) }
        }
    }
}
