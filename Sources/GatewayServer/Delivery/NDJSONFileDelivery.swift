import Foundation
import GatewayCore
import Synchronization

/// Appends each event as one CloudEvent JSON line to `feed-<first sequence>.ndjson`
/// files in a folder, starting a new file after `rotateBytes`, for batch
/// loaders that pick up closed files. Lines are fsynced before the sink's
/// cursor moves, so a crash can repeat a line (consumers dedupe by event id),
/// never lose one.
public final class NDJSONFileDelivery: FeedDelivery {
    public let folder: URL
    public let rotateBytes: Int
    private let current = Mutex<(handle: FileHandle, size: Int)?>(nil)

    public init(folder: URL, rotateBytes: Int) throws {
        self.folder = folder
        self.rotateBytes = rotateBytes
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit {
        current.withLock { try? $0?.handle.close() }
    }

    public func deliver(_ event: FeedEvent) async throws {
        let line = Data((try CloudEvent(event).jsonLine() + "\n").utf8)
        try current.withLock { state in
            if state == nil || state!.size >= rotateBytes {
                try state?.handle.close()
                state = try open(startingAt: event.sequence)
            }
            try state!.handle.write(contentsOf: line)
            try state!.handle.synchronize()
            state!.size += line.count
        }
    }

    /// The newest file if it has room, else a new one named after `sequence`.
    private func open(startingAt sequence: Int64) throws -> (handle: FileHandle, size: Int) {
        let names = (try FileManager.default.contentsOfDirectory(atPath: folder.path)).filter { $0.hasPrefix("feed-") && $0.hasSuffix(".ndjson") }.sorted()
        if let last = names.last {
            let url = folder.appendingPathComponent(last)
            let size = ((try FileManager.default.attributesOfItem(atPath: url.path))[.size] as? NSNumber)?.intValue ?? 0
            if size < rotateBytes, let handle = FileHandle(forWritingAtPath: url.path) {
                try handle.seekToEnd()
                return (handle, size)
            }
        }
        let name = String(format: "feed-%012lld.ndjson", sequence)
        let url = folder.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw DeliveryError("cannot create \(url.path)")
        }
        return (handle, 0)
    }
}
