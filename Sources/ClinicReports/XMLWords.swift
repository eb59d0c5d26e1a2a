import MuscleBalanceCore

/// The report's enumerated attribute values as `StaticString`s, the same text as their raw
/// values (a test holds every case to it): written with no String made and no escaping check,
/// as `XMLFragmentWriter.attribute(_:word:)` needs. About 280,000 such attributes per 1,000
/// patients.
protocol XMLWord: RawRepresentable<String>, CaseIterable {
    var xmlWord: StaticString { get }
}

extension Grade: XMLWord {
    var xmlWord: StaticString {
        switch self {
        case .normal: "normal"
        case .mild: "mild"
        case .moderate: "moderate"
        case .severe: "severe"
        }
    }
}

extension BodySide: XMLWord {
    var xmlWord: StaticString {
        switch self {
        case .left: "left"
        case .right: "right"
        }
    }
}

extension BodyRegion: XMLWord {
    var xmlWord: StaticString {
        switch self {
        case .hip: "hip"
        case .pelvis: "pelvis"
        case .spine: "spine"
        }
    }
}

extension MeasurementUnit: XMLWord {
    var xmlWord: StaticString {
        switch self {
        case .newton: "N"
        case .kilogramForce: "kgf"
        case .poundForce: "lbf"
        case .degree: "deg"
        case .centimetre: "cm"
        case .millimetre: "mm"
        case .inch: "in"
        case .second: "s"
        }
    }
}

extension TrialCombination: XMLWord {
    var xmlWord: StaticString {
        switch self {
        case .max: "max"
        case .min: "min"
        case .mean: "mean"
        case .median: "median"
        case .last: "last"
        }
    }
}

extension AsymmetryFormula: XMLWord {
    var xmlWord: StaticString {
        switch self {
        case .percentOfStronger: "percent-of-stronger"
        case .limbSymmetryIndex: "limb-symmetry-index"
        case .absoluteDifference: "absolute-difference"
        }
    }
}

extension MuscleProblem: XMLWord {
    var xmlWord: StaticString {
        switch self {
        case .weak: "weak"
        case .tight: "tight"
        case .lowEndurance: "low-endurance"
        case .asymmetric: "asymmetric"
        case .outOfRange: "out-of-range"
        }
    }
}

extension RatioTerm: XMLWord {
    var xmlWord: StaticString {
        switch self {
        case .numerator: "numerator"
        case .denominator: "denominator"
        }
    }
}

extension ProgressItem.Verdict: XMLWord {
    var xmlWord: StaticString {
        switch self {
        case .improved: "improved"
        case .worsened: "worsened"
        case .withinMDC: "within-mdc"
        case .noMDC: "no-mdc"
        }
    }
}

extension NormUnit {
    /// `symbol` as a word.
    var word: StaticString {
        switch self {
        case .absolute(let unit): unit.xmlWord
        case .percentOfBodyWeight: "%BW"
        }
    }
}
