import Foundation
import ComplaintModel

extension DedupInfo {
    /// The verdict as every store engine keeps it beside a complaint: nil for
    /// the default (unique, in no cluster), which most complaints have, else JSON.
    public var storedText: String? {
        guard self != DedupInfo() else { return nil }
        // Written by hand: Foundation's encoder was 2 % of the writer's profile.
        return ComplaintJSON.string(self)
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
