/// The store's data is damaged: retrying will not help, a person has to
/// restore it. The CLI exits 1 (not 75, "try later"); `/readyz` says so.
public struct StoreCorruptError: Error, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "store damaged: \(reason)" }
}
