import MBXML
import MuscleBalanceCore

extension ReportXML {
    /// `<courseOfCare>`: the episode's baseline and visits, and each figure over them with its
    /// best and its changes since the previous visit and the baseline (report.xsd, Course).
    /// Written only for a session that has one, so a report without it is as before.
    mutating func writeCourse(_ course: CourseOfCare) {
        w.start("courseOfCare")
        date("baseline", course.baseline)
        if course.discharge { w.attribute("discharge", word: "true") }
        for visit in course.visits {
            w.start("visit")
            date("date", visit)
            w.end()
        }
        for change in course.findingChanges {
            w.start("findingChange")
            w.attribute("kind", change.kind.rawValue)
            w.attribute("grade", word: change.grade.xmlWord)
            w.attribute("previousGrade", word: change.previousGrade?.xmlWord)
            w.text(change.text)
            w.end()
        }
        for line in course.tests + course.asymmetries + course.ratios + course.indices + course.outcomes { write(line) }
        w.end()
    }

    private mutating func write(_ line: CourseLine) {
        w.start("line")
        w.attribute("kind", line.kind.rawValue)
        w.attribute("id", line.id)
        w.attribute("side", word: line.side?.xmlWord)
        number("bandLow", line.baselineBand?.lowerBound)
        number("bandHigh", line.baselineBand?.upperBound)
        number("normalLow", line.normalRange?.low)
        number("normalHigh", line.normalRange?.high)
        for point in line.points { write(point, as: "point") }
        if let best = line.best { write(best, as: "best") }
        if let c = line.sincePrevious { write(c, as: "sincePrevious") }
        if let c = line.sinceBaseline { write(c, as: "sinceBaseline") }
        for t in line.gradeThresholds {
            w.start("threshold")
            w.attribute("grade", word: t.grade.xmlWord)
            number("value", t.value)
            w.end()
        }
        w.end()
    }

    private mutating func write(_ point: CoursePoint, as element: StaticString) {
        w.start(element)
        date("date", point.date)
        integer("day", point.day)
        number("value", point.value)
        w.attribute("grade", word: point.grade?.xmlWord)
        w.attribute("side", word: point.side?.xmlWord)
        if let label = point.label { w.attribute("label", label) }
        w.end()
    }

    private mutating func write(_ change: CourseChange, as element: StaticString) {
        w.start(element)
        date("from", change.from)
        number("previous", change.previous)
        number("change", change.amount)
        number("percent", change.percent)
        integer("days", change.days)
        w.attribute("verdict", change.verdict.rawValue)
        sources("source", change.sources)
        if let caveat = change.caveat { w.attribute("caveat", caveat) }
        w.end()
    }
}
