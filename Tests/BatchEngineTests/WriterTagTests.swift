@testable import BatchEngine
import Glibc
import Testing

/// Whose a temporary is, from its name: only a dead process of this machine may be cleaned up
/// after by its pid.
@Suite("Writer tag")
struct WriterTagTests {
    @Test("this process, a dead process here, another machine, no tag")
    func writers() {
        #expect(WriterTag.current == "\(getpid())-\(WriterTag.hostHash)")
        #expect(WriterTag.writer(of: Substring(WriterTag.current + "-AbCdEf")) == .this)
        // Above Linux's pid_max: no such process on this machine.
        #expect(WriterTag.writer(of: Substring("999999-\(WriterTag.hostHash)-AbCdEf")) == .deadHere)
        let other = WriterTag.hostHash == "0badc0de" ? "0badc0df" : "0badc0de"
        #expect(WriterTag.writer(of: Substring("999999-\(other)-AbCdEf")) == .unknown)
        // pid 1 is alive on every machine.
        #expect(WriterTag.writer(of: Substring("1-\(WriterTag.hostHash)-AbCdEf")) == .unknown)
        for untagged in ["AbCdEf", "999999-AbCdEf", "", "-", "x-y-z"] {
            #expect(WriterTag.writer(of: Substring(untagged)) == .unknown, "\(untagged)")
        }
    }
}
