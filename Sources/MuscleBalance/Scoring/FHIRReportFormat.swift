import ClinicReports
import FHIRExport
import FastText
import MuscleBalanceCore

/// `<stem>.fhir.ndjson` (`--fhir`): each scored session as a FHIR R4 transaction Bundle, one
/// per line (`SessionBundle`): one more implementation of the report formats' seam. A patient
/// not scored has no Bundle (the XML and text reports say why); nor has a session with neither a
/// result nor an outcome score (a Bundle needs an Observation): both are left out, as README says.
final class FHIRReportFormat: ReportFormat {
    let bundle: SessionBundle
    let fileKind = "fhir.ndjson"
    let header: [UInt8] = []
    let footer: [UInt8] = []

    /// `codeSystem` nil: the protocol's (`codeSystem`, or `urn:musclebalance:protocol:<id>`).
    init(index: ProtocolIndex, patientSystem: String, codeSystem: String?) throws(FHIRExportError) {
        bundle = try SessionBundle(
            settings: FHIRExportSettings(patientSystem: patientSystem, codeSystem: codeSystem ?? Self.defaultCodeSystem(index.balanceProtocol)), index: index)
    }

    static func defaultCodeSystem(_ p: BalanceProtocol) -> String { CodeSystemResource.url(of: p) }

    func makeRenderer(own: ReportTables?) -> any ReportRenderer { Renderer(bundle: bundle) }

    struct Renderer: ReportRenderer {
        let bundle: SessionBundle

        func append(_ entries: [ReportEntry], xml: UnsafeBufferPointer<UInt8>, onto out: inout ByteBuffer) {
            for case .scored(let score) in entries {
                for i in score.sessions.indices {
                    // Written straight into the batch's buffer; nothing is written for a session
                    // refused (`SessionBundle.write` checks before it writes).
                    guard (try? bundle.write(score, session: i, into: &out)) != nil else { continue }
                    out.append(0x0A)
                }
            }
        }
    }
}
