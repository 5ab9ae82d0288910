/// One table of an array of tables (`[[token]]`, `[[sink]]`) after its keys
/// and value kinds were checked against the type's options.
public struct ConfigTableItem: Sendable {
    /// Where it is, for messages: `token[2]`.
    public var path: String
    /// Its keys that are known and of the right kind.
    public var values: [String: ConfigValue]
    /// Whether the check found nothing wrong with it.
    public var isClean: Bool

    public init(path: String, values: [String: ConfigValue], isClean: Bool) {
        self.path = path
        self.values = values
        self.isClean = isClean
    }
}

/// Reports a problem with a key of the configuration (`server.listen`) and
/// what is wrong with it, in words.
public typealias ConfigProblemReport = (_ key: String, _ message: String) -> Void
