/// The namespaces that tell mbt's kinds of file apart: shared by the readers of clinic and
/// protocol files and the writer of reports, so they live below both.
public enum MBTNamespace {
    public static let protocolDefinition = "urn:musclebalance:protocol:1"
    public static let measurements = "urn:musclebalance:measurements:1"
    public static let report = "urn:musclebalance:report:1"
}
