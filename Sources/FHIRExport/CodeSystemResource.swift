import MuscleBalanceCore

/// The protocol's codes as a FHIR R4 CodeSystem resource, published with the project beside
/// the protocol (`Protocols/<id>.codesystem.json`): every code the export writes (tests, their
/// asymmetries, ratios, instruments, exercises, adjunct therapies, the index and the
/// components), with its display and, for a test, how it is measured.
public enum CodeSystemResource {
    /// The protocol's canonical URL: its `codeSystem`, or `urn:musclebalance:protocol:<id>`.
    public static func url(of p: BalanceProtocol) -> String {
        p.codeSystem ?? "urn:musclebalance:protocol:" + p.id
    }

    /// A region's index: `imbalance-index.hip`, "Imbalance index, hip region".
    public static func regionIndexCode(_ region: BodyRegion) -> (code: String, display: String) {
        ("imbalance-index." + region.rawValue, "Imbalance index, " + region.rawValue + " region")
    }

    /// Every (code, display, definition) the export can write, in the protocol's order.
    public static func concepts(of p: BalanceProtocol) -> [(code: String, display: String, definition: String?)] {
        var out: [(String, String, String?)] = [(p.id, p.title, "The session's report against this protocol (DiagnosticReport.code).")]
        for t in p.tests {
            out.append((t.id, t.name, t.position))
            out.append((t.id + ".asymmetry", "Asymmetry, " + t.name, "The side-to-side difference of the test, by the protocol's formula."))
        }
        for r in p.ratios { out.append((r.id, r.name, nil)) }
        for i in p.instruments { out.append((i.id, i.name, nil)) }
        for e in p.exercises { out.append((e.id, e.name, "A corrective exercise of the plan (ServiceRequest.code).")) }
        for a in p.adjuncts { out.append((a.id, a.name, "An adjunct therapy screened against contraindications (ServiceRequest.code).")) }
        out.append(("imbalance-index", "Overall imbalance index", "The graded imbalance index over the regions, 0-100, lower is better."))
        for region in BodyRegion.allCases {
            let (code, display) = regionIndexCode(region)
            out.append((code, display, "The \(region.rawValue) region's imbalance index: the mean of its graded figures' points, 0-100, lower is better."))
        }
        out.append(("trial", "trial", "One trial of a test, in the unit entered (Observation.component)."))
        out.append(("z-score", "z-score", "The result's z against the norm; negative is worse (Observation.component)."))
        out.append(("percentile", "percentile", "The result's percentile against the norm (Observation.component)."))
        return out
    }

    /// The resource as one line of JSON.
    public static func json(_ p: BalanceProtocol) -> [UInt8] {
        var w = JSONWriter()
        w.object { w in
            w.string("resourceType", "CodeSystem")
            w.string("url", url(of: p))
            w.string("version", p.version)
            w.string("name", "MuscleBalance" + p.id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined())
            w.string("title", p.title + " (MuscleBalance codes)")
            w.string("status", "active")
            w.bool("experimental", false)
            w.string("publisher", "MuscleBalance")
            w.bool("caseSensitive", true)
            w.string("content", "complete")
            let concepts = concepts(of: p)
            w.integer("count", concepts.count)
            w.array("concept", concepts) { w, c in
                w.object { w in
                    w.string("code", c.code)
                    w.string("display", c.display)
                    w.string("definition", c.definition)
                }
            }
        }
        return w.bytes
    }
}
