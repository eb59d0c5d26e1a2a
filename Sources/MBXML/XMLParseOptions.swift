import CLibXML2

/// The only parser options mbt uses. Never NOENT (entity substitution: the door for XXE), never
/// DTDLOAD, never HUGE (it lifts the limits that stop entity bombs and 10,000-deep nesting).
/// BIG_LINES: without it line numbers past 65,535 come back wrong.
let mbxmlSafeParseOptions: Int32 = Int32(
    XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOCDATA.rawValue)

let mbxmlDoctypeRefusal =
    "DOCTYPE declarations are not accepted (they can define entities that read local files or expand without bound); remove the <!DOCTYPE ...> block"
