import MuscleBalanceCore

/// A unit as FHIR's Quantity writes it: the printable unit and its UCUM code
/// (http://unitsofmeasure.org). UCUM spells the pound-force `[lbf_av]` and the inch `[in_i]`;
/// a kilogram (`kg`) is a mass, never a force, so a force is never written in it.
public struct UCUMUnit: Sendable, Hashable {
    public var unit: String
    public var code: String

    public static let system = "http://unitsofmeasure.org"

    public init(unit: String, code: String) {
        self.unit = unit
        self.code = code
    }

    public init(_ measurement: MeasurementUnit) {
        switch measurement {
        case .newton: self.init(unit: "N", code: "N")
        case .kilogramForce: self.init(unit: "kgf", code: "kgf")
        case .poundForce: self.init(unit: "lbf", code: "[lbf_av]")
        case .degree: self.init(unit: "deg", code: "deg")
        case .centimetre: self.init(unit: "cm", code: "cm")
        case .millimetre: self.init(unit: "mm", code: "mm")
        case .inch: self.init(unit: "in", code: "[in_i]")
        case .second: self.init(unit: "s", code: "s")
        }
    }

    public static let percent = UCUMUnit(unit: "%", code: "%")
    /// A z-score, a ratio, an index: dimensionless.
    public static let one = UCUMUnit(unit: "1", code: "1")
    public static let years = UCUMUnit(unit: "years", code: "a")
    /// An outcome score's points: a count with an annotation.
    public static let points = UCUMUnit(unit: "points", code: "{score}")
}
