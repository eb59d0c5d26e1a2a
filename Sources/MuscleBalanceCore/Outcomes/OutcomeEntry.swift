/// What a clinic entered for one instrument in one session (`<outcome>`): a value, the item
/// scores (nil for an item not answered, `-` in the file), or the activities the patient named
/// with their scores. As entered, before any check.
public struct OutcomeEntry: Sendable, Hashable {
    public var instrument: String
    public var value: Double?
    /// The value as written, for the store and messages.
    public var valueText: String?
    public var items: [Int?]?
    public var activities: [Activity]
    public var location: SourceLocation

    public struct Activity: Sendable, Hashable {
        public var name: String
        public var score: Double

        public init(name: String, score: Double) {
            self.name = name
            self.score = score
        }
    }

    public init(instrument: String, value: Double? = nil, valueText: String? = nil, items: [Int?]? = nil, activities: [Activity] = [], location: SourceLocation) {
        self.instrument = instrument
        self.value = value
        self.valueText = valueText
        self.items = items
        self.activities = activities
        self.location = location
    }
}
