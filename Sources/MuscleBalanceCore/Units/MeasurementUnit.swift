/// What a measurement measures; a unit of one dimension can never stand for another.
public enum Dimension: String, Sendable, Hashable, CaseIterable {
    case force, time, angle, length

    /// The unit every value of this dimension is scored in.
    public var canonicalUnit: MeasurementUnit {
        switch self {
        case .force: .newton
        case .time: .second
        case .angle: .degree
        case .length: .centimetre
        }
    }
}

/// The units a clinic file may use. Conversion factors are exact by definition
/// (kgf = 9.80665 N, lbf = 4.4482216152605 N, in = 2.54 cm).
public enum MeasurementUnit: String, Sendable, Hashable, CaseIterable {
    case newton = "N"
    case kilogramForce = "kgf"
    case poundForce = "lbf"
    case degree = "deg"
    case centimetre = "cm"
    case millimetre = "mm"
    case inch = "in"
    case second = "s"

    public var dimension: Dimension {
        switch self {
        case .newton, .kilogramForce, .poundForce: .force
        case .degree: .angle
        case .centimetre, .millimetre, .inch: .length
        case .second: .time
        }
    }

    /// How many canonical units one of this unit is.
    public var canonicalFactor: Double {
        switch self {
        case .newton, .degree, .centimetre, .second: 1
        case .kilogramForce: standardGravity
        case .poundForce: 4.4482216152605
        case .millimetre: 0.1
        case .inch: 2.54
        }
    }

    public func toCanonical(_ value: Double) -> Double { value * canonicalFactor }
    public func fromCanonical(_ value: Double) -> Double { value / canonicalFactor }
}

/// Standard gravity, m/s^2: exact by definition (CGPM 1901).
public let standardGravity = 9.80665
