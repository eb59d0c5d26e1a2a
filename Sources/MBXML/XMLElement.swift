/// An element of a parsed document as plain Swift values: what the domain layers see instead
/// of libxml2 nodes. Positions are 1-based lines; columns are found later from the source text
/// when a message needs one.
public struct XMLElement: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var attributes: [XMLAttribute]
    public var children: [XMLElement]
    /// The element's own character data (text and CDATA children, concatenated).
    public var text: String
    public var line: Int

    public init(
        name: String, namespace: String? = nil, attributes: [XMLAttribute] = [],
        children: [XMLElement] = [], text: String = "", line: Int = 0
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    public subscript(attribute name: String) -> String? {
        attributes.first { $0.name == name && $0.namespace == nil }?.value
    }

    public func children(named name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    public func child(named name: String) -> XMLElement? {
        children.first { $0.name == name }
    }
}

public struct XMLAttribute: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var value: String

    public init(name: String, namespace: String? = nil, value: String) {
        self.name = name
        self.namespace = namespace
        self.value = value
    }
}
