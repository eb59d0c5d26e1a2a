import ClinicFiles
import Testing

/// libxml2's schema errors in a person's words (issue 27, item 6): the value, what is allowed,
/// and "did you mean" where one allowed value is close, with no namespace in braces; in a
/// sheet's words (columns, not attributes) when the file is a sheet.
@Suite("Schema errors in plain words")
struct SchemaWordsTests {
    static let ns = "{urn:musclebalance:measurements:1}"

    @Test("each slip a clinic makes in an XML file, with its allowed values and the value meant", arguments: [
        ("Element '\(ns)measure', attribute 'side': [facet 'enumeration'] The value 'L' is not an element of the set {'left', 'right'}.",
         "side=\"L\" on <measure> is not one of left, right; did you mean side=\"left\"?"),
        ("Element '\(ns)patient', attribute 'sex': [facet 'enumeration'] The value 'M' is not an element of the set {'female', 'male'}.",
         "sex=\"M\" on <patient> is not one of female, male; did you mean sex=\"male\"?"),
        ("Element '\(ns)patient', attribute 'sex': [facet 'enumeration'] The value 'femal' is not an element of the set {'female', 'male'}.",
         "sex=\"femal\" on <patient> is not one of female, male; did you mean sex=\"female\"?"),
        ("Element '\(ns)measure', attribute 'unit': [facet 'enumeration'] The value 'kg' is not an element of the set {'N', 'kgf', 'lbf', 'deg', 'cm', 'mm', 'in', 's'}.",
         "unit=\"kg\" on <measure> is not one of N, kgf, lbf, deg, cm, mm, in, s; did you mean unit=\"kgf\"?"),
        ("Element '\(ns)measure', attribute 'unit': [facet 'enumeration'] The value 'degrees' is not an element of the set {'N', 'kgf', 'lbf', 'deg', 'cm', 'mm', 'in', 's'}.",
         "unit=\"degrees\" on <measure> is not one of N, kgf, lbf, deg, cm, mm, in, s; did you mean unit=\"deg\"?"),
        // Minutes are not inches: no guess where a short unit is one letter from another.
        ("Element '\(ns)measure', attribute 'unit': [facet 'enumeration'] The value 'min' is not an element of the set {'N', 'kgf', 'lbf', 'deg', 'cm', 'mm', 'in', 's'}.",
         "unit=\"min\" on <measure> is not one of N, kgf, lbf, deg, cm, mm, in, s"),
        ("Element '\(ns)measure', attribute 'value': '-8,5' is not a valid value of the atomic type '\(ns)Reading'.",
         "value=\"-8,5\" on <measure> is not a number written with a decimal point, e.g. 12.5; did you mean value=\"-8.5\"?"),
        ("Element '\(ns)trial': '12,5' is not a valid value of the atomic type '\(ns)Reading'.",
         "<trial> '12,5' is not a number written with a decimal point, e.g. 12.5; did you mean <trial>12.5</trial>?"),
        ("Element '\(ns)session', attribute 'date': '05/12/2026' is not a valid value of the atomic type 'xs:date'.",
         "date=\"05/12/2026\" on <session> is not a date written yyyy-mm-dd (e.g. 2026-11-02); did you mean date=\"2026-12-05\" (day first) or date=\"2026-05-12\" (month first)?"),
        ("Element '\(ns)session', attribute 'date': '25/12/2026' is not a valid value of the atomic type 'xs:date'.",
         "date=\"25/12/2026\" on <session> is not a date written yyyy-mm-dd (e.g. 2026-11-02); did you mean date=\"2026-12-25\"?"),
        ("Element '\(ns)patient', attribute 'birthDate': '05.12.1980' is not a valid value of the atomic type 'xs:date'.",
         "birthDate=\"05.12.1980\" on <patient> is not a date written yyyy-mm-dd (e.g. 2026-11-02); did you mean birthDate=\"1980-12-05\"?"),
        ("Element '\(ns)session', attribute 'date': '2026-02-30' is not a valid value of the atomic type 'xs:date'.",
         "date=\"2026-02-30\" on <session> is not a day of the calendar; check the day and the month"),
        ("Element '\(ns)session', attribute 'bloodPressure': [facet 'pattern'] The value '118-76' is not accepted by the pattern '[0-9]{2,3}/[0-9]{2,3}'.",
         "bloodPressure=\"118-76\" on <session> is not systolic/diastolic in mmHg, e.g. 128/84; did you mean bloodPressure=\"118/76\"?"),
        ("Element '\(ns)patient', attribute 'bodyMassKg': [facet 'minExclusive'] The value '0' must be greater than '0'.",
         "bodyMassKg=\"0\" on <patient> must be greater than 0"),
        ("Element '\(ns)patient': The attribute 'id' is required but missing.", "<patient> has no id=\"...\", which it needs"),
        ("Element '\(ns)foo': This element is not expected. Expected is one of ( \(ns)condition, \(ns)session ).",
         "<foo> is not expected here; expected <condition> or <session>"),
        ("Element '\(ns)patient': Missing child element(s). Expected is one of ( \(ns)condition, \(ns)session ).",
         "<patient> ends before a child it needs: add <session>"),
        // A shape not known here keeps libxml2's words, without the namespace.
        ("Element '\(ns)patient': Some new complaint about '\(ns)session'.", "Element 'patient': Some new complaint about 'session'."),
    ])
    func plain(libxml2: String, words: String) {
        #expect(SchemaWords.plain(libxml2) == words)
    }

    @Test("in a sheet, the column's name and the cell's value, never an attribute or an element")
    func sheetWords() {
        let message = SchemaWords.plain("Element '\(Self.ns)session', attribute 'bloodPressure': [facet 'pattern'] The value '118-76' is not accepted by the pattern '[0-9]{2,3}/[0-9]{2,3}'.")
        #expect(SchemaWords.inSheetWords(message, attribute: ("session", "bloodPressure"), column: "blood_pressure")
            == "blood_pressure '118-76' is not systolic/diastolic in mmHg, e.g. 128/84; did you mean '118/76'?")
        #expect(SchemaWords.inSheetWords("measure of 'x' has both a value attribute and <trial> elements; keep one", attribute: nil, column: nil)
            == "measure of 'x' has both a value and trials; keep one")
        #expect(SchemaWords.inSheetWords("<patient> ends before a child it needs: add <session>", attribute: nil, column: nil)
            == "the patient ends before a child it needs: add the session")
    }
}
