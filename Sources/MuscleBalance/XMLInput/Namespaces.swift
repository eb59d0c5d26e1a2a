/// The namespaces that tell mbt's two kinds of file apart.
public enum MBTNamespace {
    public static let protocolDefinition = "urn:musclebalance:protocol:1"
    public static let measurements = "urn:musclebalance:measurements:1"
    public static let report = "urn:musclebalance:report:1"
}
