import Foundation
import ComplaintModel

extension DedupInfo {
    /// The verdict as every store engine keeps it beside a complaint: nil for
    /// the default (unique, in no cluster), which most complaints have, else JSON.
    public var storedText: String? {
        guard self != DedupInfo() else { return nil }
        return (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads `storedText` back; nil or unreadable text is the default verdict.
    public init(storedText: String?) {
        guard let storedText, let info = try? JSONDecoder().decode(DedupInfo.self, from: Data(storedText.utf8)) else {
            self.init()
            return
        }
        self = info
    }
}
