import CLibXML2

/// One-time, process-wide libxml2 set-up. Runs before any parse, on whichever thread gets
/// there first; Swift's `static let` makes it happen exactly once.
enum LibXML {
    private static let initialized: Bool = {
        // Both initialise global tables lazily without a lock; concurrent first use has crashed
        // other projects (php-src PR 20150, rust-libxml PR 159), so they run here, once.
        xmlInitParser()
        xmlSchemaInitTypes()
        // mbt never loads anything it was not handed: every external entity, DTD or XSD
        // include/import is refused, local files included (the stock no-net loader still
        // lets `file://` through).
        xmlSetExternalEntityLoader(mbxmlRefuseExternalEntity)
        return true
    }()

    static func ensureInitialized() {
        _ = initialized
    }
}

/// The external entity loader: refuses everything and says what was refused.
private func mbxmlRefuseExternalEntity(
    _ url: UnsafePointer<CChar>?,
    _ id: UnsafePointer<CChar>?,
    _ context: xmlParserCtxtPtr?
) -> xmlParserInputPtr? {
    return nil
}
