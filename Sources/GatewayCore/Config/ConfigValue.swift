/// A value read from `channels.conf`, detached from the TOML library so that the
/// whole configuration is `Sendable` and plugins never see TOMLKit types.
public indirect enum ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case double(Double)
    case bool(Bool)
    case array([ConfigValue])
    case table([String: ConfigValue])
    /// Dates and times: valid TOML, but no option of ours takes one.
    case other(String)

    /// The name of the value's kind, as used in error messages.
    public var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .double: "a number"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .other: "a date or time"
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var intValue: Int? {
        if case .integer(let i) = self { return i }
        return nil
    }

    /// A number, from a TOML float or integer.
    public var doubleValue: Double? {
        switch self {
        case .double(let d): d
        case .integer(let i): Double(i)
        default: nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [ConfigValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var tableValue: [String: ConfigValue]? {
        if case .table(let t) = self { return t }
        return nil
    }

    /// The elements of an array of strings, or nil when it is not one.
    public var stringArrayValue: [String]? {
        guard case .array(let items) = self else { return nil }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item else { return nil }
            out.append(s)
        }
        return out
    }
}
